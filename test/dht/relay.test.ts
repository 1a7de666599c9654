import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { randomBytes } from "node:crypto"
import { SignedPacket as PkarrPacket } from "pkarr"
import * as Relays from "../../src/dht/relay.js"
import { fromBytes, sign, toBytes } from "../../src/dht/signedPacket.js"
import { encodeDnsMessage } from "../../src/domain/dnsRecord.js"
import { NotFound } from "../../src/domain/errors.js"
import { toDisplay, toZ32 } from "../../src/domain/keyDisplay.js"
import { Keypair } from "../../src/domain/keys.js"
import { DhtConfig, type DhtProgress } from "../../src/services/Dht.js"
import { recordText, relayClient, settings } from "../support/dhtClients.js"
import * as Hostile from "../support/hostileRelay.js"
import { closedPort } from "../support/httpServer.js"
import { startRelay } from "../support/relayServer.js"

const packetBytes = (keypair: Keypair, record: string | null, seq: number) =>
  toBytes(Either.getOrThrow(sign(keypair, seq, encodeDnsMessage(keypair.publicKey, record))))

/** Stores bytes on a relay as any pkarr client would, bypassing cclink. */
const plant = (url: string, keypair: Keypair, bytes: Uint8Array) =>
  Effect.promise(() => fetch(`${url}/${toZ32(keypair.publicKey)}`, { method: "PUT", body: Uint8Array.from(bytes) }))
    .pipe(Effect.map((response) => response.status))

describe("relay transport against a relay on 127.0.0.1", () => {
  it.scopedLive("publishes, resolves from another client, replaces and revokes", () =>
    Effect.gen(function*() {
      const relay = yield* startRelay()
      const keypair = Keypair.generate()
      const publisher = yield* relayClient([relay.url])
      const reader = yield* relayClient([`${relay.url}/`])

      const first = yield* publisher.publish(keypair, recordText("first"))
      expect(first).toMatchObject({ storedOn: 1, contacted: 1 })
      const found = yield* reader.resolve(keypair.publicKey)
      expect(found).toMatchObject({ seq: first.seq, record: recordText("first") })
      expect(found.bytes).toEqual(relay.stored(keypair.publicKey))
      // pkarr's own SignedPacket reads the bytes cclink published.
      expect(PkarrPacket.fromBytes(keypair.publicKey, found.bytes).timestamp()).toBe(first.seq)

      const second = yield* publisher.publish(keypair, recordText("second"))
      expect(second.seq).toBeGreaterThan(first.seq)
      expect((yield* reader.resolve(keypair.publicKey)).record).toBe(recordText("second"))

      const revoked = yield* publisher.revoke(keypair)
      expect(revoked.seq).toBeGreaterThan(second.seq)
      const gone = yield* Effect.flip(reader.resolve(keypair.publicKey))
      expect(gone).toMatchObject({ _tag: "NotFound", revokedSeq: revoked.seq })

      const nobody = Keypair.generate().publicKey
      expect(yield* Effect.flip(reader.resolve(nobody))).toEqual(
        new NotFound({ what: `No handoff found for ${toDisplay(nobody)}.` })
      )
    }))

  it.scopedLive("returns the newest packet when one relay is stale, whichever answers first", () =>
    Effect.gen(function*() {
      const [fresh, stale] = [yield* startRelay(), yield* startRelay()]
      const keypair = Keypair.generate()
      yield* (yield* relayClient([fresh.url, stale.url])).publish(keypair, recordText("old"))
      const newer = yield* (yield* relayClient([fresh.url])).publish(keypair, recordText("new"))

      for (const order of [[fresh.url, stale.url], [stale.url, fresh.url]]) {
        expect(yield* (yield* relayClient(order)).resolve(keypair.publicKey)).toMatchObject({
          seq: newer.seq,
          record: recordText("new")
        })
      }
      // The next publish reads both, signs above the newest, and brings the stale relay up to date.
      const next = yield* (yield* relayClient([stale.url, fresh.url])).publish(keypair, recordText("next"))
      expect(next).toMatchObject({ storedOn: 2, contacted: 2 })
      expect(stale.stored(keypair.publicKey)).toEqual(fresh.stored(keypair.publicKey))
    }))

  it.scopedLive("signs above the relays' newest seq when the local clock is behind", () =>
    Effect.gen(function*() {
      const relay = yield* startRelay()
      const keypair = Keypair.generate()
      const ahead = Date.now() * 1000 + 1e12
      expect(yield* plant(relay.url, keypair, packetBytes(keypair, recordText("from the future"), ahead))).toBe(204)
      const client = yield* relayClient([relay.url])
      expect((yield* client.publish(keypair, recordText("now"))).seq).toBe(ahead + 1)
      expect((yield* client.resolve(keypair.publicKey)).record).toBe(recordText("now"))
    }))

  it.scopedLive("refuses an oversize record before sending anything", () =>
    Effect.gen(function*() {
      const relay = yield* startRelay()
      const error = yield* Effect.flip((yield* relayClient([relay.url])).publish(Keypair.generate(), "x".repeat(1200)))
      expect(error._tag).toBe("InvalidInput")
      expect(error.message).toMatch(/bytes; relays store at most 1000/)
      expect(relay.requests()).toBe(0)
    }))

  it.scopedLive("reports progress: relays that answered, and packets served", () =>
    Effect.gen(function*() {
      const [holding, empty] = [yield* startRelay(), yield* startRelay()]
      const keypair = Keypair.generate()
      yield* (yield* relayClient([holding.url])).publish(keypair, recordText("p"))
      const seen: Array<DhtProgress> = []
      yield* (yield* relayClient([holding.url, empty.url])).resolve(keypair.publicKey, {
        onProgress: (progress) => seen.push(progress)
      })
      expect(seen).toHaveLength(2)
      expect(seen.at(-1)).toEqual({ contacted: 2, answers: 1 })
    }))
})

describe("republish through relays", () => {
  it.scopedLive("re-stores the same bytes, refuses older ones and bytes that do not verify", () =>
    Effect.gen(function*() {
      const relay = yield* startRelay()
      const keypair = Keypair.generate()
      const client = yield* relayClient([relay.url])
      yield* client.publish(keypair, recordText("one"))
      const { bytes, seq } = yield* client.resolve(keypair.publicKey)

      expect(yield* client.republish(keypair.publicKey, bytes)).toEqual({ seq, storedOn: 1, contacted: 1, bytes })
      yield* client.publish(keypair, recordText("two"))
      expect(yield* Effect.flip(client.republish(keypair.publicKey, bytes))).toMatchObject({ _tag: "InvalidInput" })
      expect((yield* client.resolve(keypair.publicKey)).record).toBe(recordText("two"))

      const before = relay.requests()
      const other = Keypair.generate().publicKey
      expect(yield* Effect.flip(client.republish(other, bytes))).toMatchObject({ _tag: "SignatureInvalid" })
      expect(relay.requests()).toBe(before)
    }))
})

describe("relays that lie", () => {
  const keypair = Keypair.generate()
  const honestSeq = Date.now() * 1000
  const honest = packetBytes(keypair, recordText("honest"), honestSeq)
  const later = honestSeq + 1e9
  const withSeq = (bytes: Uint8Array, seq: number) => {
    const copy = Buffer.from(bytes)
    copy.writeBigUInt64BE(BigInt(seq), 64)
    return copy
  }
  const evil = encodeDnsMessage(keypair.publicKey, recordText("evil"))
  const lies: ReadonlyArray<readonly [string, Hostile.Lie]> = [
    ["a newer seq on the honest signature", Hostile.body(withSeq(honest, later))],
    ["another record under the honest signature", Hostile.body(Buffer.concat([honest.subarray(0, 72), evil]))],
    ["another key's valid packet", Hostile.body(packetBytes(Keypair.generate(), recordText("evil"), later))],
    ["random bytes", Hostile.body(randomBytes(400))],
    ["a truncated packet", Hostile.body(honest.subarray(0, 40))],
    ["an oversize body", Hostile.body(Buffer.concat([withSeq(honest, later), randomBytes(4000)]))],
    ["an HTML page", Hostile.body(Buffer.from("<html><body>relay</body></html>"), "text/html")],
    ["an endless body", Hostile.endless]
  ]

  for (const [what, lie] of lies) {
    it.scopedLive(`never wins by serving ${what}`, () =>
      Effect.gen(function*() {
        const relay = yield* startRelay()
        expect(yield* plant(relay.url, keypair, honest)).toBe(204)
        const liar = yield* Hostile.startHostileRelay(lie)
        expect(yield* (yield* relayClient([liar, relay.url])).resolve(keypair.publicKey)).toMatchObject({
          seq: honestSeq,
          record: recordText("honest")
        })
        // Alone, the liar gets nothing through: no handoff, and the hint says which relay misbehaved.
        const alone = yield* Effect.flip((yield* relayClient([liar])).resolve(keypair.publicKey))
        expect(alone._tag).toBe("NotFound")
        expect(alone.message).toContain(liar)
      }))
  }

  it.scopedLive("an old packet from one relay loses to the newest from another", () =>
    Effect.gen(function*() {
      const relay = yield* startRelay()
      expect(yield* plant(relay.url, keypair, honest)).toBe(204)
      const stale = yield* Hostile.startHostileRelay(
        Hostile.body(packetBytes(keypair, recordText("stale"), honestSeq - 1))
      )
      expect((yield* (yield* relayClient([stale, relay.url])).resolve(keypair.publicKey)).record).toBe(
        recordText("honest")
      )
    }))

  it.scopedLive("a relay that never answers costs the deadline, not the answer", () =>
    Effect.gen(function*() {
      const relay = yield* startRelay()
      expect(yield* plant(relay.url, keypair, honest)).toBe(204)
      const silent = yield* Hostile.startHostileRelay(Hostile.silent)
      const client = yield* relayClient([silent, relay.url], "1500 millis")
      expect((yield* client.resolve(keypair.publicKey)).record).toBe(recordText("honest"))
      const other = Keypair.generate()
      // The silent relay only wastes half the deadline on the read; the stores still reach the honest relay.
      expect(yield* client.publish(other, recordText("p"))).toMatchObject({ storedOn: 2, contacted: 2 })
      expect(Either.isRight(fromBytes(other.publicKey, relay.stored(other.publicKey)!))).toBe(true)
      // Alone, it is a NetworkError at the deadline.
      const error = yield* Effect.flip((yield* relayClient([silent], "1 second")).resolve(other.publicKey))
      expect(error.message).toBe(`Network error: no relay answered: relay ${silent} did not answer within 1s.`)
    }))
})

describe("unreachable relays", () => {
  it.scopedLive("give a NetworkError within the deadline, naming the cause", () =>
    Effect.gen(function*() {
      const url = yield* closedPort
      const client = yield* relayClient([url], "1 second")
      const keypair = Keypair.generate()
      const attempts: ReadonlyArray<Effect.Effect<unknown, { readonly _tag: string; readonly message: string }>> = [
        client.resolve(keypair.publicKey),
        client.publish(keypair, "{}"),
        client.revoke(keypair)
      ]
      for (const attempt of attempts) {
        const started = Date.now()
        const error = yield* Effect.flip(attempt)
        expect(Date.now() - started).toBeLessThan(10_000)
        expect(error._tag).toBe("NetworkError")
        expect(error.message).toContain(`relay ${url}: connect ECONNREFUSED`)
      }
    }))

  it.scopedLive("one relay down of two: the other one serves", () =>
    Effect.gen(function*() {
      const relay = yield* startRelay()
      const url = yield* closedPort
      const client = yield* relayClient([url, relay.url], "1 second")
      const keypair = Keypair.generate()
      expect(yield* client.publish(keypair, recordText("up"))).toMatchObject({ storedOn: 1, contacted: 2 })
      expect((yield* client.resolve(keypair.publicKey)).record).toBe(recordText("up"))
      const missing = yield* Effect.flip(client.resolve(Keypair.generate().publicKey))
      expect(missing._tag).toBe("NotFound")
      expect(missing.message).toContain("ECONNREFUSED")
    }))

  it.scopedLive("a relay answering 503 is retried with backoff", () =>
    Effect.gen(function*() {
      const relay = yield* startRelay({ unavailable: 1 })
      const keypair = Keypair.generate()
      // The publish's read gets 503, its retry 2 s later a 404, then the store goes through.
      expect(yield* (yield* relayClient([relay.url], "20 seconds")).publish(keypair, recordText("busy")))
        .toMatchObject({ storedOn: 1 })
      expect(relay.requests()).toBe(3)
      expect(relay.stored(keypair.publicKey)).toBeDefined()
    }))

  it.scopedLive("a relay that keeps answering 503 gives a NetworkError with the status", () =>
    Effect.gen(function*() {
      const relay = yield* startRelay({ unavailable: Number.MAX_SAFE_INTEGER })
      const error = yield* Effect.flip(
        (yield* relayClient([relay.url], "1 second")).resolve(Keypair.generate().publicKey)
      )
      expect(error).toMatchObject({ _tag: "NetworkError" })
      expect(error.message).toContain(`relay ${relay.url} answered HTTP 503`)
    }))
})

describe("relay configuration", () => {
  const refused = [[], ["ftp://relay.example"], ["relay.example"], ["http://relay.example/?x=1"], [
    "https://relay.example",
    "https://user:s3cret@relay.example"
  ]]
  for (const relays of refused) {
    it.effect(`refuses ${JSON.stringify(relays)} when the layer is built`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Relays.make.pipe(Effect.provideService(DhtConfig, settings({ relays }))))
        expect(error._tag).toBe("InvalidInput")
        expect(error.message).not.toContain("s3cret")
      }))
  }
})
