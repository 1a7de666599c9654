import { describe, expect, it } from "@effect/vitest"
import type { KrpcMessage, Peer } from "bittorrent-dht"
import type DHT from "bittorrent-dht"
import { Effect, Either } from "effect"
import { randomBytes } from "node:crypto"
import { targetOf } from "../../src/dht/bep44.js"
import { fromBytes, sign, signable, type SignedPacket } from "../../src/dht/signedPacket.js"
import * as Testnet from "../../src/dht/testnet.js"
import { encodeDnsMessage } from "../../src/domain/dnsRecord.js"
import { Keypair } from "../../src/domain/keys.js"
import { hostileNode, withClient } from "./network.js"

const recordOf = (label: string) => JSON.stringify({ label, padding: "p".repeat(400) })
const labelOf = (record: string) => JSON.parse(record).label as string
const item = (packet: SignedPacket) => ({
  k: Buffer.from(packet.publicKey),
  seq: packet.seq,
  sig: Buffer.from(packet.sig),
  v: Buffer.from(packet.v)
})

describe("misbehaving nodes", () => {
  it.scopedLive("a stale copy, forged, foreign, oversize or malformed answers never win, nor bring back a revoked record", () =>
    Effect.gen(function*() {
      const network = yield* Testnet.make(40)
      const keypair = Keypair.generate()
      const intruder = Keypair.generate()
      const publicKey = keypair.publicKey
      // Assigned once, further down, but read by the hostile nodes' replies defined here first.
      // eslint-disable-next-line prefer-const
      let stale: SignedPacket | undefined
      // eslint-disable-next-line prefer-const
      let newest: SignedPacket | undefined
      // Above any honest seq, so a forged answer would win if it were believed.
      const ahead = () => (newest?.seq ?? Date.now() * 1000) + 3_600_000_000
      const intruderPacket = () =>
        Either.getOrThrow(sign(intruder, ahead(), encodeDnsMessage(intruder.publicKey, recordOf("intruder"))))

      type Reply = (query: KrpcMessage, peer: Peer, node: DHT) => Record<string, unknown> | undefined
      const behaviours: Record<string, Reply> = {
        "serves an older copy": () => (stale === undefined ? {} : item(stale)),
        "raises the seq of the newest copy": () => (newest === undefined ? {} : { ...item(newest), seq: ahead() }),
        "serves a record under a random signature": () => ({
          k: Buffer.from(publicKey),
          seq: ahead(),
          sig: randomBytes(64),
          v: Buffer.from(encodeDnsMessage(publicKey, recordOf("forged")))
        }),
        "serves another key's valid packet": () => item(intruderPacket()),
        "serves another key's packet under this key": () => ({ ...item(intruderPacket()), k: Buffer.from(publicKey) }),
        "serves an oversize value the key did sign": () => {
          const v = Buffer.alloc(1100, 0x41)
          return { k: Buffer.from(publicKey), seq: ahead(), v, sig: Buffer.from(keypair.sign(signable(ahead(), v))) }
        },
        "sends fields of the wrong types": () => ({ k: 12345, seq: Buffer.from("99999999999"), sig: "short", v: 42 }),
        "sends a negative seq": () => (newest === undefined ? {} : { ...item(newest), seq: -1 }),
        "answers with a KRPC error": (query, peer, node) => {
          node._rpc.error(peer, query, [202, "Server Error"])
          return undefined
        },
        "answers with bytes that are not bencode": (query, peer, node) => {
          const t = query.t instanceof Uint8Array ? Buffer.from(query.t) : Buffer.alloc(2)
          const garbage = Buffer.concat([
            Buffer.from(`d1:t${t.length}:`),
            t,
            Buffer.from("1:y1:r1:rd2:id20:\xff\xfe1:v99999:")
          ])
          node._rpc.socket.socket.send(garbage, peer.port, peer.address)
          return undefined
        }
      }
      const hostile = yield* Effect.forEach(
        Object.entries(behaviours),
        ([name, reply], rank) =>
          Effect.map(hostileNode(network.bootstrap, publicKey, rank, reply), (node) => ({ name, ...node }))
      )
      const { bootstrap } = network

      const resolve = withClient(bootstrap, (dht) => dht.resolve(publicKey))
      yield* withClient(bootstrap, (dht) => dht.publish(keypair, recordOf("first")))
      stale = Either.getOrThrow(fromBytes(publicKey, (yield* resolve).bytes))
      const second = yield* withClient(bootstrap, (dht) => dht.publish(keypair, recordOf("second")))
      // Forged seqs were seen during that publish's lookup: none of them became its seq or its CAS.
      expect(second.seq).toBeLessThan(Date.now() * 1000 + 1)
      expect(second.storedOn).toBeGreaterThanOrEqual(10)

      const found = yield* resolve
      expect(labelOf(found.record)).toBe("second")
      expect(found.seq).toBe(second.seq)
      newest = Either.getOrThrow(fromBytes(publicKey, found.bytes))
      for (const node of hostile) {
        expect({ name: node.name, asked: node.answered() > 0 }).toEqual({ name: node.name, asked: true })
      }

      const revoked = yield* withClient(bootstrap, (dht) => dht.revoke(keypair))
      expect(revoked.seq).toBeLessThan(Date.now() * 1000 + 1)
      const staleNode = hostile[0]!
      const staleAnswers = staleNode.answered()
      const error = yield* Effect.flip(resolve)
      expect(error).toMatchObject({ _tag: "NotFound", revokedSeq: revoked.seq })
      // The stale node was asked, and still served the first record, during that resolve.
      expect(staleNode.answered()).toBeGreaterThan(staleAnswers)
    }))

  it.scopedLive("resolve still succeeds after half of the nodes, half of those storing the packet among them, are gone", () =>
    Effect.gen(function*() {
      const network = yield* Testnet.make(120)
      const keypair = Keypair.generate()
      const report = yield* withClient(network.bootstrap, (dht) => dht.publish(keypair, recordOf("survivor")))
      const target = targetOf(keypair.publicKey).toString("hex")
      const holds = (node: DHT) => node.toJSON().values[target]?.seq === report.seq
      // The first node stays up as the way in; the others die one in two, spread over the
      // network's age (early nodes fill the first node's routing table).
      const candidates = network.nodes.slice(1)
      const storing = candidates.filter(holds)
      expect(storing.length).toBeGreaterThanOrEqual(report.storedOn - 1)
      const everyOther = <A>(nodes: ReadonlyArray<A>) => nodes.filter((_, i) => i % 2 === 0)
      const doomedStoring = everyOther(storing)
      const killed = [...doomedStoring, ...everyOther(candidates.filter((node) => !holds(node)))].slice(0, 60)
      expect(doomedStoring.length).toBeGreaterThanOrEqual(storing.length / 2)
      yield* Effect.forEach(killed, (node) => Effect.async<void>((resume) => node.destroy(() => resume(Effect.void))))
      expect(network.nodes.filter((node) => node.destroyed)).toHaveLength(60)
      const found = yield* withClient(network.bootstrap, (dht) => dht.resolve(keypair.publicKey))
      expect(labelOf(found.record)).toBe("survivor")
      expect(found.seq).toBe(report.seq)
    }))
})
