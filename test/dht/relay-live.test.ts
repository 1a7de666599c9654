/**
 * `DhtLive.layer`, the transport the command line gets: DHT only, relays
 * only (`--no-dht`), or both raced, on a real testnet and a relay on 127.0.0.1.
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { Keypair } from "../../src/domain/keys.js"
import { liveClient, recordText, relayClient } from "../support/dhtClients.js"
import { closedPort } from "../support/httpServer.js"
import { startRelay } from "../support/relayServer.js"
import { listeningHole, Network, network, withClient } from "./network.js"

describe("DhtLive.layer without the DHT", () => {
  it.scopedLive("publishes and resolves through the relays and sends no UDP", () =>
    Effect.gen(function*() {
      const relay = yield* startRelay()
      const hole = yield* listeningHole
      const dht = yield* liveClient({ bootstrap: [hole.address], relays: [relay.url], useDht: false })
      const keypair = Keypair.generate()
      expect(yield* dht.publish(keypair, recordText("relay only"))).toMatchObject({ storedOn: 1, contacted: 1 })
      expect((yield* dht.resolve(keypair.publicKey)).record).toBe(recordText("relay only"))
      expect(relay.stored(keypair.publicKey)).toBeDefined()
      expect(hole.received()).toBe(0)
    }))

  it.scopedLive("is refused without a relay", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(liveClient({ relays: [], useDht: false }))
      expect(error._tag).toBe("InvalidInput")
      expect(error.message).toContain("--relay")
    }))
})

layer(network(40), { excludeTestServices: true, timeout: "2 minutes" })("DhtLive.layer on a 40-node network", (it) => {
  it.scoped("without relays is the DHT alone", () =>
    Effect.gen(function*() {
      const { bootstrap } = yield* Network
      const keypair = Keypair.generate()
      const report = yield* (yield* liveClient({ bootstrap })).publish(keypair, recordText("dht"))
      expect(report.contacted).toBeGreaterThan(1)
      const found = yield* withClient(bootstrap, (dht) => dht.resolve(keypair.publicKey))
      expect(found).toMatchObject({ seq: report.seq, record: recordText("dht") })
    }))

  it.scoped("with relays publishes to both: each transport alone then resolves the record", () =>
    Effect.gen(function*() {
      const { bootstrap } = yield* Network
      const relay = yield* startRelay()
      const keypair = Keypair.generate()
      const report = yield* (yield* liveClient({ bootstrap, relays: [relay.url] })).publish(keypair, recordText("both"))
      expect(report.storedOn).toBeGreaterThan(1)
      expect((yield* withClient(bootstrap, (dht) => dht.resolve(keypair.publicKey))).record).toBe(recordText("both"))
      expect((yield* (yield* relayClient([relay.url])).resolve(keypair.publicKey)).record).toBe(recordText("both"))
    }))

  it.scoped("resolves the newest packet of the DHT and the relays", () =>
    Effect.gen(function*() {
      const { bootstrap } = yield* Network
      const relay = yield* startRelay()
      const relays = yield* relayClient([relay.url])
      const both = yield* liveClient({ bootstrap, relays: [relay.url] })
      const keypair = Keypair.generate()

      yield* withClient(bootstrap, (dht) => dht.publish(keypair, recordText("dht, older")))
      yield* relays.publish(keypair, recordText("relay, newer"))
      expect((yield* both.resolve(keypair.publicKey)).record).toBe(recordText("relay, newer"))

      yield* withClient(bootstrap, (dht) => dht.publish(keypair, recordText("dht, newest")))
      expect((yield* both.resolve(keypair.publicKey)).record).toBe(recordText("dht, newest"))
    }))

  it.scoped("a revoke on the DHT is not undone by a relay still serving the record", () =>
    Effect.gen(function*() {
      const { bootstrap } = yield* Network
      const relay = yield* startRelay()
      const both = yield* liveClient({ bootstrap, relays: [relay.url] })
      const keypair = Keypair.generate()
      yield* both.publish(keypair, recordText("burnt"))
      const revoked = yield* withClient(bootstrap, (dht) => dht.revoke(keypair))
      expect((yield* (yield* relayClient([relay.url])).resolve(keypair.publicKey)).record).toBe(recordText("burnt"))
      expect(yield* Effect.flip(both.resolve(keypair.publicKey))).toMatchObject({
        _tag: "NotFound",
        revokedSeq: revoked.seq
      })
    }))

  it.scoped("a relay down does not stop the DHT", () =>
    Effect.gen(function*() {
      const { bootstrap } = yield* Network
      const both = yield* liveClient({ bootstrap, relays: [yield* closedPort], timeout: Duration.seconds(3) })
      const keypair = Keypair.generate()
      expect((yield* both.publish(keypair, recordText("dht side"))).storedOn).toBeGreaterThan(0)
      expect((yield* both.resolve(keypair.publicKey)).record).toBe(recordText("dht side"))
    }))
})

describe("DhtLive.layer with UDP blocked", () => {
  it.scopedLive("a DHT that cannot be reached does not stop the relays", () =>
    Effect.gen(function*() {
      const relay = yield* startRelay()
      const hole = yield* listeningHole
      const both = yield* liveClient({ bootstrap: [hole.address], relays: [relay.url], timeout: Duration.seconds(3) })
      const keypair = Keypair.generate()
      expect(yield* both.publish(keypair, recordText("relay side"))).toMatchObject({ storedOn: 1, contacted: 1 })
      expect((yield* both.resolve(keypair.publicKey)).record).toBe(recordText("relay side"))
      expect(hole.received()).toBeGreaterThan(0)
    }))
})
