/**
 * The `CarriedPickup` service over the in-memory `Carry` layer and real
 * files: what a library user gets, each outcome, and what is kept aside.
 * The end-to-end tests (test/cli/carry.test.ts) run it in the CLI on real
 * networks.
 */
import { it } from "@effect/vitest"
import { Duration, Effect, Layer, type Scope } from "effect"
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect } from "vitest"
import { pack } from "../../src/carry/archive.js"
import * as CarryMemory from "../../src/carry/memory.js"
import * as CarriedPickupLive from "../../src/carry/pickup.js"
import { identityOf, recipientOf } from "../../src/crypto/x25519.js"
import type { CarryTicket } from "../../src/domain/carryTicket.js"
import { Keypair } from "../../src/domain/keys.js"
import { encodeProjectDir } from "../../src/domain/projectDir.js"
import { CarriedPickup } from "../../src/services/CarriedPickup.js"
import { Carry } from "../../src/services/Carry.js"
import { SessionPlacement } from "../../src/services/SessionPlacement.js"
import { makeDir, makeHome, sessionId, tempRoot, withSessions } from "../services/claudeHome.js"
import { writeTree } from "./archives.js"

const { cleanup, root } = tempRoot()
afterAll(cleanup)

const ID = sessionId("9b2f6c1e-7a4d-4e8b-b3c5-0d1e2f3a4b5c")
const picker = Keypair.generate()
const transcript = "{\"type\":\"user\"}\n{\"type\":\"assistant\"}\n"

let scenarios = 0
/** A folder of its own for each test: machine A's project under `a/`, the picker's home under `b/`. */
const nextBase = () => join(root, `p${++scenarios}`)

/** A conversation with project memory, packed for the picker and served in memory; the picker's home and project. */
const scenario = (base: string) =>
  Effect.gen(function*() {
    writeTree(join(base, "a"), { [`${ID}.jsonl`]: transcript, "memory/MEMORY.md": "# from A\n" })
    const packed = yield* pack({
      folder: join(base, "a"),
      sessionId: ID,
      recipient: recipientOf(picker.publicKey),
      into: join(makeDir(join(base, "out")), "archive.age")
    })
    const serving = yield* (yield* Carry).serve(packed)
    const ticket: CarryTicket = {
      serverKey: serving.serverKey,
      clientSecret: Uint8Array.from(serving.clientSecret),
      digest: packed.digest,
      size: packed.size,
      unpackedSize: packed.unpackedSize
    }
    const b = makeHome(join(base, "b"))
    const dir = makeDir(join(base, "b", "x"))
    const request = (installMemory: boolean) => ({
      ticket: { ...ticket, clientSecret: Uint8Array.from(ticket.clientSecret) },
      sessionId: ID,
      identity: () => identityOf(picker),
      stateDir: join(base, "state"),
      dir,
      installMemory,
      patience: Duration.seconds(2)
    })
    return { b, dir, folder: join(b.projectsDir, encodeProjectDir(dir)), state: join(base, "state"), request }
  })

/** The services, the picker's home being `base`'s `b/`. */
const services = (base: string) => <A, E>(effect: Effect.Effect<A, E, CarriedPickup | Carry | Scope.Scope>) =>
  Effect.scoped(effect).pipe(
    Effect.provide(CarriedPickupLive.layer.pipe(Layer.provideMerge(CarryMemory.layer))),
    Effect.provide(SessionPlacement.layer),
    withSessions({ HOME: join(base, "b") })
  )

const pickUp = (request: Parameters<CarriedPickup["Type"]["pickUp"]>[0]) =>
  Effect.flatMap(CarriedPickup, (pickup) => pickup.pickUp(request))

describe("CarriedPickup.pickUp", () => {
  it.effect("places the conversation; someone else's memory is kept aside, not installed; the secret is wiped", () => {
    const base = nextBase()
    return Effect.gen(function*() {
      const { folder, request, state } = yield* scenario(base)
      const asked = request(false)
      const outcome = yield* pickUp(asked)
      expect(outcome._tag).toBe("Placed")
      if (outcome._tag !== "Placed") return
      expect(readFileSync(join(folder, `${ID}.jsonl`), "utf8")).toBe(transcript)
      expect(existsSync(join(folder, "memory"))).toBe(false)
      expect(readFileSync(join(outcome.memory!.folder, "MEMORY.md"), "utf8")).toBe("# from A\n")
      expect(asked.ticket.clientSecret.every((byte) => byte === 0)).toBe(true)
      // Nothing of the transfer is left in the working folders.
      expect(readdirSync(join(state, "carry"))).toEqual([])

      expect((yield* pickUp(request(true)))._tag).toBe("Placed")
      expect(readFileSync(join(folder, "memory", "MEMORY.md"), "utf8")).toBe("# from A\n")
    }).pipe(services(base))
  })

  it.effect("another conversation under the name: NotPlaced, everything carried kept aside", () => {
    const base = nextBase()
    return Effect.gen(function*() {
      const { folder, request } = yield* scenario(base)
      makeDir(folder)
      writeFileSync(join(folder, `${ID}.jsonl`), "{\"type\":\"summary\"}\n")
      const outcome = yield* pickUp(request(true))
      expect(outcome._tag).toBe("NotPlaced")
      if (outcome._tag !== "NotPlaced") return
      expect(outcome.placement.conflicts).toEqual([join(folder, `${ID}.jsonl`)])
      expect(readFileSync(join(outcome.aside, `${ID}.jsonl`), "utf8")).toBe(transcript)
      expect(readFileSync(join(folder, `${ID}.jsonl`), "utf8")).toBe("{\"type\":\"summary\"}\n")
    }).pipe(services(base))
  })

  it.effect("a publisher that stopped: Unreachable, nothing written", () => {
    const base = nextBase()
    return Effect.gen(function*() {
      const { folder, request } = yield* Effect.scoped(scenario(base))
      const outcome = yield* pickUp(request(true))
      expect(outcome._tag === "Unreachable" && outcome.error).toMatchObject({
        _tag: "TransferFailed",
        why: "notServing"
      })
      expect(existsSync(folder)).toBe(false)
    }).pipe(services(base))
  })
})
