/**
 * Leaks to the network: 1,000 random payloads (session id, hostname, project
 * path) published on a real local DHT, a tenth of them picked up again, with
 * every datagram any socket of this process sent captured (the clients' and
 * the nodes' answers alike). None may carry a session id, hostname or project
 * path: not as text, not as hex, not in base64 at any alignment, not a UUID in
 * binary. A control publishes a record with the hostname in the clear, as
 * records did before the payload, to show that the check finds a leak.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import fc from "fast-check"
import * as Testnet from "../../src/dht/testnet.js"
import { toZ32 } from "../../src/domain/keyDisplay.js"
import { Keypair } from "../../src/domain/keys.js"
import type { Encryption } from "../../src/domain/modes.js"
import type { Payload } from "../../src/domain/payload.js"
import { withClient } from "../dht/network.js"
import { recordFigures } from "./support/figures.js"
import { withHandoffs } from "./support/handoffsClient.js"
import { leaksIn } from "./support/leakForms.js"
import { capturedUdp } from "./support/udpTap.js"

const PAYLOADS = 1000
const BATCH = 25
/** PIN publishes cost an Argon2id derivation each: a handful among the thousand. */
const PIN_EVERY = 200

const segment = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._-]{3,12}$/),
  fc.constantFrom("проект", "プロジェクト", "my project", "ünïcode", "work (old)")
)

const payloads = fc.record({
  sessionId: fc.uuid(),
  hostname: fc.stringMatching(/^[a-z][a-z0-9-]{15,39}$/),
  project: fc.array(segment, { minLength: 2, maxLength: 5 }).map((parts) => `/home/${parts.join("/")}`)
})

/** The datagrams of a batch, each once (a node sends the same answer to many askers). */
const distinct = (datagrams: ReadonlyArray<Buffer>): Buffer => {
  const seen = new Map(datagrams.map((datagram) => [datagram.toString("base64"), datagram]))
  return Buffer.concat([...seen.values()])
}

describe("leaks to the network", () => {
  it.scopedLive("1,000 payloads published: no session id, hostname or project path in any datagram", () =>
    Effect.gen(function*() {
      const network = yield* Testnet.make(30)
      const capture = yield* capturedUdp()
      capture.take()
      const recipient = Keypair.generate()
      const all: ReadonlyArray<Payload> = fc.sample(payloads, PAYLOADS)
      const leaks: Array<{ readonly value: string; readonly forms: ReadonlyArray<string> }> = []
      let scannedBytes = 0
      let pickups = 0

      for (let start = 0; start < all.length; start += BATCH) {
        const batch = all.slice(start, start + BATCH)
        yield* withHandoffs(network.bootstrap, (handoffs) =>
          Effect.forEach(batch, (payload, j) => {
            const i = start + j
            const keypair = Keypair.generate()
            const encryption: Encryption = i % PIN_EVERY === 0
              ? { _tag: "Pin" }
              : i % 2 === 0
              ? { _tag: "Self" }
              : { _tag: "Shared", recipient: recipient.publicKey }
            const publish = handoffs.publish({
              keypair,
              payload,
              ttl: 3600,
              mode: { encryption, burn: i % 3 === 0 },
              pin: Redacted.make("4096-7381-2255")
            })
            const pickup = Effect.flatMap(handoffs.resolveActive(keypair.publicKey), (found) =>
              handoffs.open(
                found,
                encryption._tag === "Shared" ? { _tag: "Keypair", keypair: recipient } : { _tag: "Keypair", keypair }
              ))
            return i % 10 === 1
              ? Effect.zipRight(
                publish,
                Effect.flatMap(pickup, (opened) =>
                  Effect.sync(() => {
                    expect(opened).toEqual(payload)
                    pickups++
                  }))
              )
              : Effect.asVoid(publish)
          }, { concurrency: "unbounded", discard: true }))
        const data = distinct(capture.take())
        scannedBytes += data.length
        for (const payload of batch) {
          for (const value of [payload.sessionId, payload.hostname, payload.project]) {
            const forms = leaksIn(data, value)
            if (forms.length > 0) leaks.push({ value, forms })
          }
        }
      }

      // Control: the same check on a record that does carry a hostname in the clear finds it.
      const control = Keypair.generate()
      const hostname = fc.sample(payloads, 1)[0]!.hostname
      yield* withClient(
        network.bootstrap,
        (dht) =>
          dht.publish(
            control,
            JSON.stringify({ blob: "", created_at: 1, hostname, pubkey: toZ32(control.publicKey), ttl: 1 })
          )
      )
      const controlForms = leaksIn(distinct(capture.take()), hostname)

      recordFigures("leaksNetwork", {
        payloads: PAYLOADS,
        pickups,
        valuesChecked: PAYLOADS * 3,
        formsPerValue: "raw, hex, base64 and base64url at 3 offsets each (+ binary and bare-hex UUID for session ids)",
        datagramsSent: capture.total().datagrams,
        bytesSent: capture.total().bytes,
        distinctBytesScanned: scannedBytes,
        leaksFound: leaks.length,
        controlDetected: controlForms.length > 0
      })
      expect(leaks).toEqual([])
      expect(pickups).toBe(PAYLOADS / 10)
      expect(controlForms).toContain("raw")
    }))
})
