/**
 * The live `Dht` on the Mainline DHT: one bittorrent-dht client node per
 * layer, opened on first use and destroyed with the layer's scope, so a
 * command leaves no socket or timer behind and the process exits by itself.
 *
 * Every call is one deadline (`DhtConfig.timeout`) around attempts retried
 * with backoff while the network is unreachable. See docs/transport.md.
 */
import DHT from "bittorrent-dht"
import { Duration, Effect, Either, Layer, Option, Runtime, Schedule, Scope } from "effect"
import { encodeDnsMessage } from "../domain/dnsRecord.js"
import { verify } from "../domain/ed25519.js"
import { InvalidInput, NetworkError } from "../domain/errors.js"
import { type Keypair, type PublicKey } from "../domain/keys.js"
import { Dht, DhtConfig, type DhtOptions, type PublishReport } from "../services/Dht.js"
import { lookup } from "./bep44.js"
import { type Contact as Address, DEFAULT_BOOTSTRAP, formatContact, parseContact } from "./bootstrap.js"
import { guardSocket } from "./krpcGuard.js"
import type { Contact } from "./krpcQuery.js"
import { store } from "./putRound.js"
import { noHandoff, readNewest } from "./resolved.js"
import * as RoutingCache from "./routingCache.js"
import { fromBytes, newerPublished, nextSeq, packetValue, sign, toBytes } from "./signedPacket.js"

/** Spec section 8: backoff from 2 s doubling up to 8 s, retrying for 30 s in all. */
export const retrySchedule = Schedule.exponential("2 seconds").pipe(
  Schedule.union(Schedule.spaced("8 seconds")),
  Schedule.upTo("30 seconds")
)

const unreachable = new NetworkError({
  reason: "no DHT node answered. Check the bootstrap nodes (CCLINK_BOOTSTRAP) and that outgoing UDP is allowed."
})

/** The client node, the nodes cached near the keys looked up before, and those its own lookups found. */
interface Client {
  readonly dht: DHT
  readonly cached: ReadonlyArray<Contact>
  /** Remembers the nodes nearest a key just looked up, for the cache the next run reads. */
  readonly learn: (nearest: ReadonlyArray<Contact>) => void
}

/** The client node; the routing-table cache is read before it starts and written when it closes. */
const openClient = (bootstrap: ReadonlyArray<Address>, stateDir: string | undefined) =>
  Effect.gen(function*() {
    const key = bootstrap.map(formatContact)
    const cached = stateDir === undefined ? [] : yield* RoutingCache.load(stateDir, key)
    const learned: Array<Contact> = []
    const runtime = yield* Effect.runtime<never>()
    const log = (event: string) => (error: Error) =>
      Runtime.runFork(runtime)(Effect.logDebug(`dht ${event}`, error.message))
    return yield* Effect.acquireRelease(
      Effect.sync((): Client => {
        // No bootstrap lookup towards its own id: a client that lives for one command needs no
        // routing table of its own beyond what its lookups learn, and should not announce itself.
        const dht = new DHT({ bootstrap: false, verify })
        guardSocket(dht)
        dht._rpc.bootstrap = [...bootstrap]
        dht.on("error", log("error"))
        dht.on("warning", log("warning"))
        return { dht, cached, learn: (nearest) => learned.unshift(...nearest) }
      }),
      ({ dht }) =>
        Effect.gen(function*() {
          // The nodes nearest the keys looked up last first, then those cached before.
          if (stateDir !== undefined && learned.length > 0) {
            yield* RoutingCache.save(stateDir, key, [...learned, ...cached])
          }
          yield* Effect.async<void>((resume) => dht.destroy(() => resume(Effect.void)))
        })
    )
  })

/**
 * Empties the routing table, so the next lookup starts from the bootstrap nodes
 * (and the cache). A lookup goes back to them only while the table holds fewer
 * than K nodes (traversal.ts): a long-lived client (keepalive) whose known
 * nodes are all gone, or answer under another id after a restart, would
 * otherwise ask them forever.
 */
const forgetNodes = (node: DHT) => {
  for (const contact of node.nodes.toArray()) if (contact.id !== undefined) node.nodes.remove(contact.id)
}

export const make = Effect.gen(function*() {
  const config = yield* DhtConfig
  const bootstrap = yield* Either.all(
    (config.bootstrap.length === 0 ? DEFAULT_BOOTSTRAP : config.bootstrap).map(parseContact)
  )
  // Opened on first use, so a command that never touches the network opens no socket.
  const client = yield* Effect.cached(Scope.extend(openClient(bootstrap, config.stateDir), yield* Effect.scope))

  const withDeadline = (what: string) => <A, E extends { readonly _tag: string }>(attempt: Effect.Effect<A, E>) =>
    attempt.pipe(
      Effect.retry({ schedule: retrySchedule, while: (error) => error._tag === "NetworkError" }),
      Effect.timeoutFail({
        duration: config.timeout,
        onTimeout: () =>
          new NetworkError({ reason: `${what} did not complete within ${Duration.format(config.timeout)}.` })
      })
    )

  /** A lookup that reached nobody is a network failure (retried); one that reached nodes is an answer. */
  const find = (publicKey: PublicKey, options: DhtOptions | undefined) =>
    client.pipe(
      Effect.flatMap(({ cached, dht, learn }) =>
        lookup(dht, publicKey, options?.onProgress ?? (() => {}), cached).pipe(
          Effect.tap((found) => learn(found.closest)),
          Effect.filterOrElse(
            (found) => found.contacted > 0,
            () => Effect.zipRight(Effect.sync(() => forgetNodes(dht)), Effect.fail(unreachable))
          )
        )
      )
    )

  /** Resolve, sign with a seq above everything seen, store with CAS on what was seen. */
  const put = (what: string, keypair: Keypair, v: Uint8Array, options: DhtOptions | undefined) =>
    Effect.gen(function*() {
      const found = yield* find(keypair.publicKey, options)
      const newestSeq = Option.map(found.newest, (packet) => packet.seq)
      // A clock behind the network's newest packet must not lose the publish.
      const seq = yield* nextSeq(newestSeq)
      const packet = yield* sign(keypair, seq, v)
      const result = yield* store((yield* client).dht, found.closest, packet, newestSeq, found.patience)
      if (result.stored === 0) {
        return yield* new NetworkError({
          reason: result.superseded > 0
            ? "another publish for this key landed first."
            : `none of the ${result.asked} closest nodes stored the packet.`
        })
      }
      return { seq, storedOn: result.stored, contacted: result.asked, bytes: toBytes(packet) } satisfies PublishReport
    }).pipe(withDeadline(what))

  const publish = Effect.fn("Mainline.publish")(function*(keypair: Keypair, record: string, options?: DhtOptions) {
    return yield* put("Publishing", keypair, yield* packetValue(keypair.publicKey, record), options)
  })

  const revoke = Effect.fn("Mainline.revoke")(function*(keypair: Keypair, options?: DhtOptions) {
    // The empty message always fits; only a key whose own newest seq is already 2^53 - 1 could fail to sign.
    return yield* put("Revoking", keypair, encodeDnsMessage(keypair.publicKey, null), options).pipe(
      Effect.catchTag("InvalidInput", (error) => Effect.die(error))
    )
  })

  const republish = Effect.fn("Mainline.republish")(
    function*(publicKey: PublicKey, bytes: Uint8Array, options?: DhtOptions) {
      const packet = yield* fromBytes(publicKey, bytes)
      return yield* Effect.gen(function*() {
        const found = yield* find(publicKey, options)
        if (Option.exists(found.newest, (newest) => newest.seq > packet.seq)) {
          return yield* newerPublished(publicKey)
        }
        const result = yield* store((yield* client).dht, found.closest, packet, Option.none(), found.patience)
        // No node holds a seq above this packet's, so a "seq not greater" refusal means it already holds this one.
        const storedOn = result.stored + result.superseded
        if (storedOn === 0) {
          return yield* new NetworkError({ reason: `none of the ${result.asked} closest nodes stored the packet.` })
        }
        return { seq: packet.seq, storedOn, contacted: result.asked, bytes } satisfies PublishReport
      }).pipe(withDeadline("Republishing"))
    }
  )

  const resolve = Effect.fn("Mainline.resolve")(function*(publicKey: PublicKey, options?: DhtOptions) {
    const found = yield* find(publicKey, options).pipe(withDeadline("Resolving"))
    if (Option.isNone(found.newest)) return yield* noHandoff(publicKey)
    return yield* readNewest(publicKey, found.newest.value)
  })

  return Dht.of({ publish, revoke, republish, resolve })
})

/** The Mainline `Dht`; fails to build only on a malformed bootstrap list. */
export const layer: Layer.Layer<Dht, InvalidInput, DhtConfig> = Layer.scoped(Dht, make)
