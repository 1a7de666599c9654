/**
 * The live carry layer on a disk slower than the network. A slow disk cannot
 * be made here for real, so the picker's staging file is slowed in this file
 * alone (each file of tests runs in its own process): every 1 MiB written
 * takes 100 ms (10 MB/s, far below loopback), and the final check, which
 * ends with an fsync, takes longer than the patience.
 */
import { Duration, Effect, Either, Layer, Queue } from "effect"
import { createHash, randomBytes } from "node:crypto"
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { setTimeout as sleep } from "node:timers/promises"
import { afterAll, expect, it } from "vitest"
import { Download } from "../../src/carry/download.js"
import * as CarryLive from "../../src/carry/hyperdht.js"
import { WINDOW_BYTES } from "../../src/domain/carryProtocol.js"
import type { CarryTicket } from "../../src/domain/carryTicket.js"
import { Carry, CarryConfig } from "../../src/services/Carry.js"
import { tempFolder } from "./archives.js"
import { rogueServer, useCarryNetwork } from "./network.js"

const net = useCarryNetwork()
const folder = tempFolder("cclink-slow-disk-")
afterAll(folder.cleanup)

const SLOW_CHECK_MS = 3000
const { flush, verify } = Download.prototype
Download.prototype.flush = async function(this: Download) {
  await sleep(100)
  return flush.call(this)
}
Download.prototype.verify = async function(this: Download) {
  await sleep(SLOW_CHECK_MS)
  return verify.call(this)
}

const live = () => CarryLive.layer.pipe(Layer.provide(Layer.succeed(CarryConfig, { bootstrap: net.bootstrap })))
const run = <A, E>(effect: Effect.Effect<A, E, Carry>) => Effect.runPromise(Effect.provide(effect, live()))
const sha256 = (bytes: Uint8Array) => new Uint8Array(createHash("sha256").update(bytes).digest())

it(
  "a final check slower than the patience: the complete download is kept and acknowledged, in one attempt",
  async () => {
    const content = randomBytes(2_000_000)
    const file = join(folder.dir, "served")
    writeFileSync(file, content, { mode: 0o600 })
    const into = join(folder.dir, "fetched")
    const { event, fetched } = await run(Effect.scoped(Effect.gen(function*() {
      const carry = yield* Carry
      const serving = yield* carry.serve({ file, size: content.length, digest: sha256(content) })
      const ticket: CarryTicket = {
        serverKey: serving.serverKey,
        clientSecret: serving.clientSecret,
        digest: sha256(content),
        size: content.length,
        unpackedSize: content.length
      }
      const fetched = yield* carry.fetch(ticket, into, { patience: Duration.seconds(1) })
      return { fetched, event: yield* Queue.take(serving.events) }
    })))
    expect(fetched.attempts).toBe(1)
    expect(event).toMatchObject({ _tag: "Transferred", bytes: content.length })
    expect(readFileSync(into).equals(content)).toBe(true)
  },
  30_000
)

it(
  "a publisher that ignores the grants: refused as soon as it sends past them, before the disk falls behind",
  async () => {
    // It pushes everything at once; the ticket names 64 MiB, 16 windows.
    const size = 64 * 1024 * 1024
    const chunk = randomBytes(64 * 1024)
    const into = join(folder.dir, "rogue")
    let written = 0
    const result = await run(Effect.scoped(Effect.gen(function*() {
      const rogue = yield* rogueServer(net.bootstrap, (socket) => {
        socket.write(Uint8Array.of(0))
        void (async () => {
          for (let sent = 0; sent < size && !socket.destroyed; sent += chunk.length) {
            if (!socket.write(chunk)) await new Promise((resolve) => socket.once("drain", resolve))
          }
        })()
      })
      const ticket: CarryTicket = {
        serverKey: rogue.serverKey,
        clientSecret: rogue.clientSecret,
        digest: new Uint8Array(32),
        size,
        unpackedSize: size
      }
      return yield* Effect.flatMap(Carry, (carry) =>
        Effect.either(
          carry.fetch(ticket, into, { patience: Duration.seconds(4), onProgress: (received) => (written = received) })
        ))
    })))
    expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "SignatureInvalid", layer: "transcript" })
    // Refused within the first window: at 10 MB/s the disk had taken a few MiB at most.
    expect(written).toBeLessThanOrEqual(WINDOW_BYTES)
    expect(existsSync(into)).toBe(false)
  },
  60_000
)
