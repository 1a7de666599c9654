/**
 * cclink against the relay pkarr 1.3.0 ships, which stores nothing itself and
 * forwards to the DHT behind it: what cclink puts through it lands on the
 * DHT, and what cclink publishes on the DHT comes back through it.
 */
import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { vi } from "vitest"
import { Keypair } from "../../src/domain/keys.js"
import { recordText, relayClient } from "../support/dhtClients.js"
import { startPkarrRelay } from "../support/pkarrRelay.js"
import { Network, network, withClient } from "./network.js"

// The pkarr relay logs a line per request; the tests assert on answers, not on its stdout.
vi.spyOn(console, "log").mockImplementation(() => {})

layer(network(40), { excludeTestServices: true, timeout: "2 minutes" })("pkarr's relay in front of a testnet", (it) => {
  it.scoped("a packet put through the relay is on the DHT, and resolves back through the relay", () =>
    Effect.gen(function*() {
      const { bootstrap } = yield* Network
      const relays = yield* relayClient([yield* startPkarrRelay(bootstrap)])
      const keypair = Keypair.generate()
      const report = yield* relays.publish(keypair, recordText("through pkarr"))
      expect(report).toMatchObject({ storedOn: 1, contacted: 1 })
      expect(yield* withClient(bootstrap, (dht) => dht.resolve(keypair.publicKey))).toMatchObject({
        seq: report.seq,
        record: recordText("through pkarr")
      })
      expect((yield* relays.resolve(keypair.publicKey)).record).toBe(recordText("through pkarr"))

      const revoked = yield* relays.revoke(keypair)
      expect(yield* Effect.flip(withClient(bootstrap, (dht) => dht.resolve(keypair.publicKey)))).toMatchObject({
        _tag: "NotFound",
        revokedSeq: revoked.seq
      })
    }))

  it.scoped("a packet published on the DHT resolves through the relay", () =>
    Effect.gen(function*() {
      const { bootstrap } = yield* Network
      const relays = yield* relayClient([yield* startPkarrRelay(bootstrap)])
      const keypair = Keypair.generate()
      const report = yield* withClient(bootstrap, (dht) => dht.publish(keypair, recordText("on the DHT")))
      expect(yield* relays.resolve(keypair.publicKey)).toMatchObject({
        seq: report.seq,
        record: recordText("on the DHT")
      })
      expect(yield* Effect.flip(relays.resolve(Keypair.generate().publicKey))).toMatchObject({ _tag: "NotFound" })
    }))
})
