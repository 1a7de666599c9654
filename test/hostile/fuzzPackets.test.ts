/**
 * Fuzz, packet layer: random and damaged signed packets through the whole
 * pickup path (packet signature, DNS message, record, inner signature, expiry,
 * decryption). Unsigned damage is what any node or relay can serve; damage
 * re-signed by the publisher is what a hostile publisher (someone whose
 * handoff you pick up) can serve. Neither may crash cclink or get a record
 * accepted that its publisher did not sign.
 */
import { Either } from "effect"
import fc from "fast-check"
import { randomUUID } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { fromBytes } from "../../src/dht/signedPacket.js"
import { decodeDnsMessage } from "../../src/domain/dnsRecord.js"
import { NotFound } from "../../src/domain/errors.js"
import { Keypair } from "../../src/domain/keys.js"
import type { Payload } from "../../src/domain/payload.js"
import type { Opener } from "../../src/services/Handoffs.js"
import { recordFigures } from "./support/figures.js"
import { Category } from "./support/invariants.js"
import { mutatedOneOf } from "./support/mutations.js"
import { isCclinkError } from "./support/outcome.js"
import { signedBytes } from "./support/packets.js"
import { type Harness, makeHarness } from "./support/pickupHarness.js"

const victim = Keypair.generate()
const intruder = Keypair.generate()
const opener: Opener = { _tag: "Keypair", keypair: victim }
const payloadOf = (n: number): Payload => ({
  hostname: `host-${n}`,
  project: `/home/u/project-${n}`,
  sessionId: randomUUID()
})

let harness: Harness
/** Honest packets in relay form, and what each record opens to for the victim. */
const honestBytes: Array<Uint8Array> = []
const honest = new Map<string, Payload | undefined>()
const figures: Record<string, unknown> = {}

beforeAll(async () => {
  harness = await makeHarness()
  const modes = [
    { encryption: { _tag: "Self" }, burn: false },
    { encryption: { _tag: "Self" }, burn: true },
    { encryption: { _tag: "Shared", recipient: intruder.publicKey }, burn: false }
  ] as const
  for (const [n, mode] of modes.entries()) {
    const payload = payloadOf(n)
    const { bytes, text } = await harness.publish({ keypair: victim, payload, ttl: 3600, mode })
    honestBytes.push(bytes)
    honest.set(text, mode.encryption._tag === "Self" ? payload : undefined)
  }
  // The honest packets themselves open: the harness can tell a good input from a bad one.
  for (const bytes of honestBytes) {
    expect((await harness.pickup(victim.publicKey, bytes, opener)).verified).toBeDefined()
  }
})

afterAll(() => recordFigures("fuzzPackets", figures))

/** Runs `runs` inputs through `check`; the category's figures are recorded even when a property fails. */
const fuzz = async <A>(
  category: Category,
  arbitrary: fc.Arbitrary<A>,
  runs: number,
  check: (input: A) => Promise<void>
) => {
  try {
    await fc.assert(fc.asyncProperty(arbitrary, check), { numRuns: runs })
  } finally {
    figures[category.name] = category.figures()
  }
}

/** Reading a relay-form packet directly: refused with a typed error, never a throw, never accepted. */
const expectRefusedPacket = (bytes: Uint8Array) => {
  const read = fromBytes(victim.publicKey, bytes)
  expect(Either.isLeft(read)).toBe(true)
  if (Either.isLeft(read)) expect(["SignatureInvalid", "InvalidInput"]).toContain(read.left._tag)
}

const v = (bytes: Uint8Array) => bytes.subarray(72)

describe("fuzz: signed packets", () => {
  it("random bytes served as a relay-form packet: refused, as nothing found", async () => {
    const category = new Category("randomRelayPackets", { honest, refusals: ["NotFound"] })
    const plausible = fc
      .tuple(
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.uint8Array({ maxLength: 1100 })
      )
      .map(([sig, seq, body]) => {
        const bytes = Buffer.alloc(72 + body.length)
        Buffer.from(sig).copy(bytes)
        bytes.writeBigUInt64BE(seq, 64)
        Buffer.from(body).copy(bytes, 72)
        return Uint8Array.from(bytes)
      })
    await fuzz(category, fc.oneof(fc.uint8Array({ maxLength: 1200 }), plausible), 1500, async (bytes) => {
      expectRefusedPacket(bytes)
      category.check(await harness.pickup(victim.publicKey, bytes, opener))
    })
  })

  it("random bytes as the DNS message, in a packet the publisher signed: refused with a typed error", async () => {
    const category = new Category("randomDnsMessagesSigned", {
      honest,
      refusals: ["NotFound", "InvalidInput", "SignatureInvalid"]
    })
    // Half of them behind the honest header (one answer announced), to get past the first bytes.
    const header = v(honestBytes[0]!).subarray(0, 12)
    const message = fc.oneof(
      fc.uint8Array({ maxLength: 1100 }),
      fc.uint8Array({ maxLength: 900 }).map((rest) => Uint8Array.from(Buffer.concat([header, rest])))
    )
    await fuzz(category, message, 1500, async (message) => {
      expect(() => decodeDnsMessage(victim.publicKey, message)).not.toThrow()
      category.check(await harness.pickup(victim.publicKey, signedBytes(victim, message), opener))
    })
  })

  it("valid packets with bit flips, truncation or extension, as any node can serve them: refused", async () => {
    const category = new Category("mutatedPacketsUnsigned", { honest, refusals: ["NotFound"] })
    await fuzz(category, mutatedOneOf(honestBytes), 1500, async (bytes) => {
      expectRefusedPacket(bytes)
      category.check(await harness.pickup(victim.publicKey, bytes, opener))
    })
  })

  it("valid DNS messages damaged, then re-signed by the publisher: refused unless the record is intact", async () => {
    // An intact record still shared with someone else is refused as undecryptable, as the original is.
    const category = new Category("mutatedDnsMessagesResigned", {
      honest,
      refusals: ["NotFound", "InvalidInput", "SignatureInvalid", "DecryptionFailed"]
    })
    await fuzz(category, mutatedOneOf(honestBytes.map(v)), 1000, async (message) => {
      category.check(await harness.pickup(victim.publicKey, signedBytes(victim, message), opener))
    })
  })

  it("packets signed by another key, for this key or for their own: refused", async () => {
    const category = new Category("otherKeysPackets", { honest, refusals: ["NotFound"] })
    const foreign = fc.constantFrom(...honestBytes.map(v)).map((message) => signedBytes(intruder, message))
    await fuzz(category, foreign, 200, async (bytes) => {
      expectRefusedPacket(bytes)
      category.check(await harness.pickup(victim.publicKey, bytes, opener))
    })
  })

  it("counts as typed only the error classes of src/domain/errors.ts", () => {
    // Guards the guard: a look-alike object with a _tag is not a typed error, so it would count as a crash.
    expect(isCclinkError(new NotFound({ what: "x" }))).toBe(true)
    expect(isCclinkError({ _tag: "NotFound", what: "x", message: "x" })).toBe(false)
  })
})
