/**
 * Fuzz, DNS layer: the `_cclink` TXT answer written every way a DNS encoder
 * may write it (compression pointers, character-string splits, decoys) and
 * the ways a hostile one may (pointer loops, forward pointers, wrong lengths
 * and counts, trailing bytes), each in a packet its publisher signed. A
 * correct reader accepts exactly the well-formed ones, with the same record,
 * and refuses the others with a typed error, without hanging on a loop.
 */
import { Either } from "effect"
import fc from "fast-check"
import { randomUUID } from "node:crypto"
import { beforeAll, describe, expect, it } from "vitest"
import { decodeDnsMessage } from "../../src/domain/dnsRecord.js"
import { toZ32 } from "../../src/domain/keyDisplay.js"
import { Keypair } from "../../src/domain/keys.js"
import type { Payload } from "../../src/domain/payload.js"
import { decodeRecord, encodeRecord } from "../../src/domain/record.js"
import { signRecord } from "../../src/domain/signature.js"
import type { Opener } from "../../src/services/Handoffs.js"
import { craftedMessage } from "./support/dnsCraft.js"
import { recordFigures } from "./support/figures.js"
import { Category } from "./support/invariants.js"
import { signedBytes } from "./support/packets.js"
import { type Harness, makeHarness } from "./support/pickupHarness.js"

const victim = Keypair.generate()
const opener: Opener = { _tag: "Keypair", keypair: victim }

let harness: Harness
/** Record texts in UTF-8: an ASCII one, and one with multi-byte characters for splits inside a sequence. */
const records: Array<Uint8Array> = []
const honest = new Map<string, Payload | undefined>()

beforeAll(async () => {
  harness = await makeHarness()
  const payload: Payload = { hostname: "box", project: "/home/u/p", sessionId: randomUUID() }
  const { text } = await harness.publish({
    keypair: victim,
    payload,
    ttl: 3600,
    mode: { encryption: { _tag: "Self" }, burn: false }
  })
  // The same blob in a record that also names a host and project in the clear, as records before the payload did.
  const legacy = encodeRecord(
    signRecord(victim, { ...Either.getOrThrow(decodeRecord(text)), hostname: "hôte-名前", project: "/srv/проект" })
  )
  for (const record of [text, legacy]) {
    records.push(new TextEncoder().encode(record))
    honest.set(record, payload)
  }
})

describe("fuzz: DNS messages", () => {
  it("compression pointers, character-string splits, decoys: accepted exactly when well-formed", async () => {
    const category = new Category("craftedDnsMessages", { honest, refusals: ["NotFound", "InvalidInput"] })
    const shapes = { legitAccepted: 0, malformedRefused: 0, loopsAndForwardPointersRefused: 0 }
    const messages = fc.constantFrom(...records).chain((record) => craftedMessage(toZ32(victim.publicKey), record))
    try {
      await fc.assert(
        fc.asyncProperty(messages, async ({ bytes, legit, shape }) => {
          expect(() => decodeDnsMessage(victim.publicKey, bytes)).not.toThrow()
          const picked = await harness.pickup(victim.publicKey, signedBytes(victim, bytes), opener)
          category.check(picked)
          expect(picked.outcome._tag, shape).toBe(legit ? "Accepted" : "Refused")
          if (legit) shapes.legitAccepted++
          else shapes.malformedRefused++
          if (/pointer (to itself|forwards|past the end)/.test(shape)) shapes.loopsAndForwardPointersRefused++
        }),
        { numRuns: 1500 }
      )
    } finally {
      recordFigures("fuzzDns", { craftedDnsMessages: { ...category.figures(), ...shapes } })
    }
    // Both kinds came up in numbers: the property tested acceptance and refusal alike.
    expect(shapes.legitAccepted).toBeGreaterThan(200)
    expect(shapes.loopsAndForwardPointersRefused).toBeGreaterThan(100)
  })
})
