/**
 * Fuzz, decryption: damaged and random ciphertexts in records their publisher
 * signed (so they reach decryption), plaintexts a hostile publisher sealed
 * properly, and PIN blobs. A damaged ciphertext never opens; a hostile
 * plaintext opens to exactly what was sealed or is refused, and never crashes.
 *
 * Argon2id (64 MiB, t=3) costs about 0.4 s, so the PIN blobs are fuzzed at the
 * age layer with the identity derived once from the PIN (the step that
 * `openWithPin` runs after the derivation), and only a few go the whole way
 * through `Handoffs.open`, each paying its derivation; the figures say how
 * many of each, and what one derivation cost.
 */
import { Effect, Either, Exit, Redacted } from "effect"
import fc from "fast-check"
import { randomUUID } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { decrypt } from "../../src/crypto/age.js"
import { defaultCosts } from "../../src/crypto/argon2Costs.js"
import { sealToSelf } from "../../src/crypto/blob.js"
import { withDerivedKey } from "../../src/crypto/kdf.js"
import { ageIdentity } from "../../src/crypto/x25519.js"
import { encodeDnsMessage } from "../../src/domain/dnsRecord.js"
import { Keypair } from "../../src/domain/keys.js"
import { decodePayload, type Payload } from "../../src/domain/payload.js"
import { decodeRecord, encodeRecord, type HandoffRecord } from "../../src/domain/record.js"
import { parseSessionId } from "../../src/domain/sessionId.js"
import { signRecord } from "../../src/domain/signature.js"
import type { Opener } from "../../src/services/Handoffs.js"
import { recordFigures } from "./support/figures.js"
import { Category } from "./support/invariants.js"
import { mutated } from "./support/mutations.js"
import { signedBytes } from "./support/packets.js"
import { type Harness, makeHarness } from "./support/pickupHarness.js"

const publisher = Keypair.generate()
const recipient = Keypair.generate()
const PIN = Redacted.make("7291-4638-5150")

let harness: Harness
const figures: Record<string, unknown> = {}
/** Texts the publisher signed, with what each must open to; a damaged ciphertext's is undefined: it must not open. */
const signed = new Map<string, Payload | undefined>()
const bases: Array<{ readonly record: HandoffRecord; readonly opener: Opener }> = []
let pinRecord: HandoffRecord

/** `record` with `changes`, signed by its publisher, as the network would serve it. */
const served = (record: HandoffRecord, changes: Partial<HandoffRecord>, opensTo?: Payload) => {
  const resigned = signRecord(publisher, { ...record, ...changes })
  const text = encodeRecord(resigned)
  signed.set(text, opensTo)
  return signedBytes(publisher, encodeDnsMessage(publisher.publicKey, text))
}

const payload: Payload = { hostname: "box", project: "/home/u/p", sessionId: randomUUID() }

beforeAll(async () => {
  harness = await makeHarness()
  const publish = async (encryption: Parameters<Harness["publish"]>[0]["mode"]["encryption"]) =>
    Either.getOrThrow(decodeRecord(
      (await harness.publish({
        keypair: publisher,
        payload,
        ttl: 3600,
        mode: { encryption, burn: false },
        pin: PIN
      })).text
    ))
  bases.push({ record: await publish({ _tag: "Self" }), opener: { _tag: "Keypair", keypair: publisher } })
  bases.push({
    record: await publish({ _tag: "Shared", recipient: recipient.publicKey }),
    opener: { _tag: "Keypair", keypair: recipient }
  })
  pinRecord = await publish({ _tag: "Pin" })
})

afterAll(() => recordFigures("fuzzBlobs", figures))

describe("fuzz: decryption", () => {
  it("damaged ciphertexts, re-signed by the publisher so they reach decryption: never open", async () => {
    const category = new Category("damagedCiphertexts", { honest: signed, refusals: ["DecryptionFailed", "NotFound"] })
    const cases = fc.nat({ max: bases.length - 1 }).chain((i) =>
      mutated(bases[i]!.record.blob).map((blob) => ({ i, blob }))
    )
    try {
      await fc.assert(
        fc.asyncProperty(cases, async ({ blob, i }) => {
          const { opener, record } = bases[i]!
          const picked = await harness.pickup(publisher.publicKey, served(record, { blob }), opener)
          category.check(picked)
          expect(picked.outcome._tag).toBe("Refused")
        }),
        { numRuns: 800 }
      )
    } finally {
      figures.damagedCiphertexts = category.figures()
    }
  })

  it("random blobs, bare or behind an age header: never open", async () => {
    const category = new Category("randomBlobs", { honest: signed, refusals: ["DecryptionFailed", "NotFound"] })
    const header = new TextEncoder().encode("age-encryption.org/v1\n")
    const realHeader = bases[0]!.record.blob.subarray(0, bases[0]!.record.blob.indexOf(0x0a, 100) + 1)
    const blobs = fc.oneof(
      fc.uint8Array({ maxLength: 400 }),
      fc.uint8Array({ maxLength: 300 }).map((rest) => Uint8Array.from(Buffer.concat([header, rest]))),
      fc.uint8Array({ maxLength: 200 }).map((rest) => Uint8Array.from(Buffer.concat([realHeader, rest])))
    )
    try {
      await fc.assert(
        fc.asyncProperty(blobs, async (blob) => {
          const { opener, record } = bases[0]!
          const picked = await harness.pickup(publisher.publicKey, served(record, { blob }), opener)
          category.check(picked)
          expect(picked.outcome._tag).toBe("Refused")
        }),
        { numRuns: 400 }
      )
    } finally {
      figures.randomBlobs = category.figures()
    }
  })

  it("hostile plaintexts sealed properly: open to exactly what was sealed, or refused when not UTF-8", async () => {
    // NotFound: a plaintext too large for the DHT's 1000 bytes makes a packet no reader takes.
    const category = new Category("hostilePlaintexts", { honest: signed, refusals: ["InvalidInput", "NotFound"] })
    let resumable = 0
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json({ maxDepth: 2 }),
      fc.record({ h: fc.anything({ maxDepth: 1 }), p: fc.anything({ maxDepth: 1 }), s: fc.anything({ maxDepth: 1 }) })
        .map((o) => JSON.stringify(o) ?? ""),
      fc.constantFrom(
        `$(touch /tmp/pwned)`,
        "../../../../etc/passwd",
        "\uFEFF" + randomUUID(),
        ` ${randomUUID().toUpperCase()}\n`,
        "\u0000"
      )
    )
    const plaintexts = fc.oneof(fc.uint8Array({ maxLength: 300 }), text.map((t) => new TextEncoder().encode(t)))
    try {
      await fc.assert(
        fc.asyncProperty(plaintexts, async (plaintext) => {
          const { opener, record } = bases[0]!
          const blob = await Effect.runPromise(sealToSelf(plaintext, publisher))
          // The payload decoder says what the plaintext means; the whole path must give exactly that, or refuse.
          const opensTo = Either.match(decodePayload(plaintext), {
            onLeft: () => undefined,
            onRight: (decoded): Payload =>
              decoded._tag === "Payload"
                ? decoded.payload
                : { hostname: record.hostname, project: record.project, sessionId: decoded.sessionId }
          })
          const picked = await harness.pickup(publisher.publicKey, served(record, { blob }, opensTo), opener)
          category.check(picked)
          // The command line resumes only a session id that is a UUID; whatever the text, deciding never throws.
          if (picked.outcome._tag === "Accepted" && Either.isRight(parseSessionId(picked.outcome.value.sessionId))) {
            resumable++
          }
        }),
        // Shrinking values from fc.anything can take minutes: report the first failure as found.
        { numRuns: 500, endOnFailure: true }
      )
    } finally {
      figures.hostilePlaintexts = { ...category.figures(), resumableSessionIds: resumable }
    }
  })

  it("PIN blobs: damaged ones never open with the right PIN's key; the whole path refuses a wrong PIN or salt", async () => {
    const started = performance.now()
    const identity = await Effect.runPromise(
      withDerivedKey(PIN, pinRecord.pinSalt!, defaultCosts, "cclink-pin-v1", ageIdentity)
    )
    const derivationMs = Math.round(performance.now() - started)
    // The derived identity is the right one: the honest blob opens with it.
    expect(Exit.isSuccess(await Effect.runPromiseExit(decrypt(pinRecord.blob, identity)))).toBe(true)

    let damagedOpened = 0
    await fc.assert(
      fc.asyncProperty(mutated(pinRecord.blob), async (blob) => {
        const exit = await Effect.runPromiseExit(decrypt(blob, identity))
        if (Exit.isSuccess(exit)) damagedOpened++
        expect(exit).toMatchObject({ _tag: "Failure", cause: { _tag: "Fail", error: { _tag: "DecryptionFailed" } } })
      }),
      { numRuns: 300 }
    )

    const category = new Category("pinWholePath", { honest: signed, refusals: ["DecryptionFailed"] })
    const withPin = (pin: string): Opener => ({ _tag: "Pin", pin: Redacted.make(pin) })
    const whole = [
      { bytes: served(pinRecord, {}, payload), opener: withPin(Redacted.value(PIN)), opens: true },
      { bytes: served(pinRecord, {}, payload), opener: withPin("7291-4638-5151"), opens: false },
      {
        bytes: served(pinRecord, { blob: pinRecord.blob.map((b, i) => (i === 200 ? b ^ 1 : b)) }),
        opener: withPin(Redacted.value(PIN)),
        opens: false
      },
      {
        bytes: served(pinRecord, { pinSalt: crypto.getRandomValues(new Uint8Array(32)) }),
        opener: withPin(Redacted.value(PIN)),
        opens: false
      }
    ]
    for (const { bytes, opener, opens } of whole) {
      const picked = await harness.pickup(publisher.publicKey, bytes, opener)
      category.check(picked)
      expect(picked.outcome._tag).toBe(opens ? "Accepted" : "Refused")
    }
    figures.pinBlobs = {
      damagedBlobsThroughAgeWithDerivedKey: 300,
      damagedOpened,
      wholePathOpens: { ...category.figures(), argon2idDerivations: whole.length },
      argon2idMsPerDerivation: derivationMs,
      argon2idCosts: defaultCosts
    }
  })
})
