/**
 * Fuzz, record layer: handoff records with every field swapped, re-typed,
 * truncated, oversized, removed or nudged, with keys duplicated or added, the
 * text re-spaced, re-ordered or re-escaped, and records re-signed by another
 * key. Each sits in a packet its publisher signed, the worst case: the outer
 * signature passes and only the record's own checks stand between the input
 * and the picker. Nothing but the records the publisher signed may pass.
 */
import { Either } from "effect"
import fc from "fast-check"
import { randomUUID } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { encodeDnsMessage } from "../../src/domain/dnsRecord.js"
import { toZ32 } from "../../src/domain/keyDisplay.js"
import { Keypair } from "../../src/domain/keys.js"
import type { Payload } from "../../src/domain/payload.js"
import { decodeRecord, encodeRecord, type HandoffRecord, signableJson } from "../../src/domain/record.js"
import { signRecord } from "../../src/domain/signature.js"
import type { Opener } from "../../src/services/Handoffs.js"
import { arbitraryRecord } from "../domain/records.js"
import { recordFigures } from "./support/figures.js"
import { Category } from "./support/invariants.js"
import { signedBytes } from "./support/packets.js"
import { type Harness, makeHarness } from "./support/pickupHarness.js"
import { applyMutation, recordMutation } from "./support/recordMutations.js"

const victim = Keypair.generate()
const intruder = Keypair.generate()
const opener: Opener = { _tag: "Keypair", keypair: victim }
const keys = [toZ32(victim.publicKey), toZ32(intruder.publicKey)]

let harness: Harness
const honest = new Map<string, Payload | undefined>()
const texts: Array<string> = []
const figures: Record<string, unknown> = {}

/** What the network would serve for the victim: `text` in a packet the victim signed. */
const servedAsVictim = (text: string) => signedBytes(victim, encodeDnsMessage(victim.publicKey, text))

beforeAll(async () => {
  harness = await makeHarness()
  const payload: Payload = { hostname: "box", project: "/home/u/p", sessionId: randomUUID() }
  const self = await harness.publish({
    keypair: victim,
    payload,
    ttl: 3600,
    mode: { encryption: { _tag: "Self" }, burn: false }
  })
  const shared = await harness.publish({
    keypair: victim,
    payload,
    ttl: 3600,
    mode: { encryption: { _tag: "Shared", recipient: intruder.publicKey }, burn: false }
  })
  // Every optional field present (a PIN salt and a recipient, burn, legacy host and project): all ten can be attacked.
  const full = signRecord(victim, {
    ...Either.getOrThrow(decodeRecord(self.text)),
    burn: true,
    hostname: "box \"one\"\n",
    pinSalt: crypto.getRandomValues(new Uint8Array(32)),
    project: "/home/ünïcode/проект",
    recipient: keys[1]
  })
  honest.set(self.text, payload)
  honest.set(shared.text, undefined)
  honest.set(encodeRecord(full), undefined)
  texts.push(...honest.keys())
  for (const text of texts) {
    expect((await harness.pickup(victim.publicKey, servedAsVictim(text), opener)).verified).toBe(text)
  }
})

afterAll(() => recordFigures("fuzzRecords", figures))

const REFUSALS = ["InvalidInput", "SignatureInvalid", "NotFound", "DecryptionFailed"] as const

describe("fuzz: handoff records", () => {
  it("fields swapped, re-typed, truncated, oversized, removed, duplicated or added: only the signed text passes", async () => {
    const category = new Category("mutatedRecords", { honest, refusals: [...REFUSALS] })
    const kinds: Record<string, number> = {}
    // Only real changes: a swap of a field with itself or a no-op re-order would be the signed text again.
    const cases = fc.tuple(fc.constantFrom(...texts), recordMutation(keys)).filter(([text, mutation]) =>
      applyMutation(text, mutation) !== text
    )
    try {
      await fc.assert(
        fc.asyncProperty(cases, async ([text, mutation]) => {
          kinds[mutation.kind] = (kinds[mutation.kind] ?? 0) + 1
          const picked = await harness.pickup(victim.publicKey, servedAsVictim(applyMutation(text, mutation)), opener)
          category.check(picked)
          expect(picked.outcome._tag).toBe("Refused")
        }),
        { numRuns: 2500 }
      )
    } finally {
      figures.mutatedRecords = { ...category.figures(), mutations: kinds }
    }
  })

  it("any well-formed record signed by another key, naming this key or another: refused", async () => {
    const category = new Category("recordsSignedByAnotherKey", { honest, refusals: ["SignatureInvalid", "NotFound"] })
    const resigned = fc.tuple(arbitraryRecord, fc.constantFrom(...keys, "random")).map(([record, pubkey]) => {
      const named: Omit<HandoffRecord, "signature"> = {
        ...record,
        pubkey: pubkey === "random" ? record.pubkey : pubkey
      }
      return encodeRecord({ ...named, signature: intruder.sign(new TextEncoder().encode(signableJson(named))) })
    })
    try {
      await fc.assert(
        fc.asyncProperty(resigned, async (text) => {
          const picked = await harness.pickup(victim.publicKey, servedAsVictim(text), opener)
          category.check(picked)
          expect(picked.outcome._tag).toBe("Refused")
        }),
        { numRuns: 500 }
      )
    } finally {
      figures.recordsSignedByAnotherKey = category.figures()
    }
  })

  it("a record the publisher signed naming another key as publisher: refused", async () => {
    const category = new Category("recordsNamingAnotherPublisher", { honest, refusals: ["SignatureInvalid"] })
    const fields = Either.getOrThrow(decodeRecord(texts[0]!))
    const named = { ...fields, pubkey: keys[1]! }
    const text = encodeRecord({ ...named, signature: victim.sign(new TextEncoder().encode(signableJson(named))) })
    const picked = await harness.pickup(victim.publicKey, servedAsVictim(text), opener)
    category.check(picked)
    expect(picked.outcome).toMatchObject({ _tag: "Refused", error: { _tag: "SignatureInvalid", layer: "pubkey" } })
    figures.recordsNamingAnotherPublisher = category.figures()
  })
})
