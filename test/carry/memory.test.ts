/** The in-memory `Carry` layer keeps the live layer's rules, so tests above the transfer can rely on them. */
import { it } from "@effect/vitest"
import { Duration, Effect, Queue } from "effect"
import { createHash, randomBytes } from "node:crypto"
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect } from "vitest"
import * as CarryMemory from "../../src/carry/memory.js"
import { Carry } from "../../src/services/Carry.js"
import { tempFolder } from "./archives.js"

const folder = tempFolder("cclink-carry-memory-")
afterAll(folder.cleanup)

const content = randomBytes(200_000)
const served = join(folder.dir, "served")
writeFileSync(served, content)
const offer = {
  file: served,
  size: content.length,
  digest: new Uint8Array(createHash("sha256").update(content).digest())
}
const options = { patience: Duration.seconds(1) }

describe("the in-memory carry layer", () => {
  it.effect("serves the admitted key only, checks the digest, and stops serving with its scope", () =>
    Effect.gen(function*() {
      const carry = yield* Carry
      const ticket = yield* Effect.scoped(Effect.gen(function*() {
        const serving = yield* carry.serve(offer)
        const ticket = { ...offer, serverKey: serving.serverKey, clientSecret: serving.clientSecret, unpackedSize: 1 }

        const into = join(folder.dir, "fetched")
        expect(yield* carry.fetch(ticket, into, options)).toEqual({ via: "direct", attempts: 1 })
        expect(readFileSync(into).equals(content)).toBe(true)
        expect(yield* Queue.take(serving.events)).toMatchObject({ _tag: "Transferred", bytes: content.length })

        const stranger = join(folder.dir, "stranger")
        const refused = yield* Effect.flip(carry.fetch({ ...ticket, clientSecret: randomBytes(16) }, stranger, options))
        expect(refused._tag).toBe("TransferFailed")
        expect(existsSync(stranger)).toBe(false)

        const altered = join(folder.dir, "altered")
        const mismatch = yield* Effect.flip(carry.fetch({ ...ticket, digest: new Uint8Array(32) }, altered, options))
        expect(mismatch).toMatchObject({ _tag: "SignatureInvalid", layer: "transcript" })
        expect(existsSync(altered)).toBe(false)
        return ticket
      }))
      const gone = yield* Effect.flip(carry.fetch(ticket, join(folder.dir, "gone"), options))
      expect(gone._tag).toBe("TransferFailed")
    }).pipe(Effect.provide(CarryMemory.layer)))
})
