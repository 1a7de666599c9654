/**
 * The `Dht` over pkarr HTTP relays, for networks that block UDP: `GET
 * <relay>/<z32>` answers the relay form `sig || seq || v` and `PUT
 * <relay>/<z32>` stores it (spec section 7, pkarr design/relays.md). Used
 * alone or raced with the Mainline DHT (live.ts).
 *
 * A relay is an untrusted cache. Every answer is verified against the key
 * asked for, and the newest valid packet among all relays wins, so a relay
 * serving garbage, an old packet or another key's packet can withhold a
 * record but never forge or roll one back. See docs/transport.md.
 */
import { Clock, Duration, Effect, Either, Layer, Option, Ref, Schedule } from "effect"
import { encodeDnsMessage } from "../domain/dnsRecord.js"
import { InvalidInput, NetworkError } from "../domain/errors.js"
import { toZ32 } from "../domain/keyDisplay.js"
import { type Keypair, type PublicKey } from "../domain/keys.js"
import { PACKET_LIMIT } from "../domain/packetBudget.js"
import { Dht, DhtConfig, type DhtOptions, type PublishReport } from "../services/Dht.js"
import { noHandoff, readNewest } from "./resolved.js"
import { fromBytes, newerPublished, nextSeq, packetValue, sign, type SignedPacket, toBytes } from "./signedPacket.js"

/** The largest relay form; a relay cannot make us buffer more than this. */
const MAX_PAYLOAD_BYTES = 64 + 8 + PACKET_LIMIT

/** Spec section 8: backoff from 2 s doubling up to 8 s; the operation's deadline stops it. */
const backoff = Schedule.exponential("2 seconds").pipe(Schedule.union(Schedule.spaced("8 seconds")))

/** A relay's answer to a read, once its transient failures are retried away. */
type Answer =
  | { readonly _tag: "Packet"; readonly packet: SignedPacket }
  | { readonly _tag: "Missing" }
  | { readonly _tag: "Invalid"; readonly reason: string }

/** A relay's answer to a store. */
type Outcome =
  | { readonly _tag: "Stored" }
  | { readonly _tag: "Refused"; readonly status: number; readonly reason: string }

interface Reply {
  readonly status: number
  /** None when the relay sent more than any packet can be. */
  readonly body: Option.Option<Uint8Array>
}

/** Timeouts, rate limits and server errors pass; any other status is the relay's answer. */
const isTransient = (status: number) => status === 408 || status === 429 || status >= 500

const describe = (error: unknown): string => {
  // fetch wraps the socket error ("connect ECONNREFUSED ...") in a bare "fetch failed".
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error
  return cause instanceof Error ? cause.message : String(cause)
}

const readAtMost = async (response: Response, limit: number): Promise<Option.Option<Uint8Array>> => {
  if (response.body === null) return Option.some(new Uint8Array(0))
  const reader = response.body.getReader()
  const chunks: Array<Uint8Array> = []
  let size = 0
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    size += chunk.value.length
    if (size > limit) {
      await reader.cancel()
      return Option.none()
    }
    chunks.push(chunk.value)
  }
  return Option.some(Buffer.concat(chunks, size))
}

/** One HTTP exchange, aborted if interrupted. Transient failures fail, to be retried. */
const exchange = (relay: string, publicKey: PublicKey, init: RequestInit): Effect.Effect<Reply, NetworkError> =>
  Effect.tryPromise({
    try: async (signal) => {
      const response = await fetch(`${relay}/${toZ32(publicKey)}`, { ...init, signal })
      return { status: response.status, body: await readAtMost(response, MAX_PAYLOAD_BYTES) }
    },
    catch: (error) => new NetworkError({ reason: `relay ${relay}: ${describe(error)}` })
  }).pipe(
    Effect.filterOrFail(
      (reply) => !isTransient(reply.status),
      (reply) => new NetworkError({ reason: `relay ${relay} answered HTTP ${reply.status}` })
    )
  )

const read = (relay: string, publicKey: PublicKey): Effect.Effect<Answer, NetworkError> =>
  exchange(relay, publicKey, { method: "GET" }).pipe(
    Effect.map(({ body, status }): Answer => {
      const invalid = (why: string): Answer => ({ _tag: "Invalid", reason: `relay ${relay} ${why}` })
      if (status === 404) return { _tag: "Missing" }
      if (status !== 200) return invalid(`answered HTTP ${status}`)
      if (Option.isNone(body)) return invalid(`answered more than ${MAX_PAYLOAD_BYTES} bytes`)
      return Either.match(fromBytes(publicKey, body.value), {
        onLeft: (error) => invalid(`served an invalid packet (${error.message})`),
        onRight: (packet) => ({ _tag: "Packet", packet })
      })
    })
  )

const REFUSALS: Readonly<Record<number, string>> = {
  400: "refused the packet as malformed",
  409: "holds a newer packet",
  412: "holds another packet than the one it served (CAS)",
  413: "refused the packet as too large",
  428: "is storing another packet for this key"
}

/** `cas`, the seq this relay served, makes the relay (and the DHT behind it) refuse if that changed meanwhile. */
const write = (relay: string, packet: SignedPacket, cas: Option.Option<number>): Effect.Effect<Outcome, NetworkError> =>
  exchange(relay, packet.publicKey, {
    method: "PUT",
    body: Uint8Array.from(toBytes(packet)),
    headers: {
      "content-type": "application/pkarr.org/relays#payload",
      ...Option.match(cas, { onNone: () => ({}), onSome: (seq) => ({ "if-match": String(seq) }) })
    }
  }).pipe(
    Effect.map(({ status }): Outcome =>
      status >= 200 && status < 300
        ? { _tag: "Stored" }
        : { _tag: "Refused", status, reason: `relay ${relay} ${REFUSALS[status] ?? `answered HTTP ${status}`}` }
    )
  )

/**
 * Retries transient failures until `budget` runs out, then fails with the
 * last failure seen, which says more than "timed out".
 */
const patiently = (relay: string, budget: Duration.Duration) => <A>(request: Effect.Effect<A, NetworkError>) =>
  Effect.flatMap(Ref.make(Option.none<NetworkError>()), (last) =>
    request.pipe(
      Effect.tapError((error) => Ref.set(last, Option.some(error))),
      Effect.retry(backoff),
      Effect.timeout(budget),
      Effect.catchTag("TimeoutException", () =>
        Effect.flatMap(Ref.get(last), (error) =>
          new NetworkError({
            reason: Option.match(error, {
              onNone: () => `relay ${relay} did not answer within ${Duration.format(budget)}`,
              onSome: ({ reason }) => `${reason} (still failing after ${Duration.format(budget)})`
            })
          })))
    ))

type Result<A> = Either.Either<A, NetworkError>

const packetOf = (answer: Result<Answer> | undefined): Option.Option<SignedPacket> =>
  answer !== undefined && Either.isRight(answer) && answer.right._tag === "Packet"
    ? Option.some(answer.right.packet)
    : Option.none()

const newestOf = (answers: ReadonlyArray<Result<Answer>>): Option.Option<SignedPacket> =>
  answers.map(packetOf).reduce(
    (newest, packet) =>
      Option.isSome(packet) && !Option.exists(newest, ({ seq }) => seq >= packet.value.seq) ? packet : newest,
    Option.none<SignedPacket>()
  )

/** Why relays gave nothing usable: unreachable, or serving something invalid. */
const troubles = (results: ReadonlyArray<Result<Answer | Outcome>>): ReadonlyArray<string> =>
  results.flatMap((result) =>
    Either.isLeft(result)
      ? [result.left.reason]
      : result.right._tag === "Invalid" || result.right._tag === "Refused"
      ? [result.right.reason]
      : []
  )

const isStored = (result: Result<Outcome>) => Either.isRight(result) && result.right._tag === "Stored"

/**
 * Relay base URLs without trailing slashes. Anything but a plain http(s) URL
 * is refused: a query or fragment would break the `/<z32>` path, and
 * credentials would be printed in every error naming the relay.
 */
export const parseRelays = (relays: ReadonlyArray<string>): Either.Either<ReadonlyArray<string>, InvalidInput> =>
  Either.all(relays.map((relay, index) => {
    const text = relay.trim().replace(/\/+$/, "")
    const url = URL.canParse(text) ? new URL(text) : undefined
    const plain = url !== undefined && ["http:", "https:"].includes(url.protocol) &&
      url.search === "" && url.hash === "" && url.username === "" && url.password === ""
    return plain
      ? Either.right(text)
      : Either.left(
        new InvalidInput({ reason: `Relay URL #${index + 1} is not valid: expected http(s)://host[:port][/path].` })
      )
  }))

export const make = Effect.gen(function*() {
  const config = yield* DhtConfig
  const relays = yield* parseRelays(config.relays)
  if (relays.length === 0) {
    return yield* new InvalidInput({ reason: "No relay configured: give --relay URL or set CCLINK_RELAYS." })
  }

  /** Every relay at once, each within `budget`; progress counts relays that answered and packets served. */
  const readAll = (publicKey: PublicKey, budget: Duration.Duration, options: DhtOptions | undefined) =>
    Effect.suspend(() => {
      let contacted = 0
      let answers = 0
      return Effect.forEach(relays, (relay) =>
        read(relay, publicKey).pipe(
          patiently(relay, budget),
          Effect.either,
          Effect.tap((answer) =>
            Effect.sync(() => {
              if (Either.isRight(answer)) contacted++
              if (Either.isRight(answer) && answer.right._tag !== "Missing") answers++
              options?.onProgress?.({ contacted, answers })
            })
          )
        ), { concurrency: "unbounded" })
    })

  const writeAll = (packet: SignedPacket, casOf: (index: number) => Option.Option<number>, budget: Duration.Duration) =>
    Effect.forEach(
      relays,
      (relay, index) => write(relay, packet, casOf(index)).pipe(patiently(relay, budget), Effect.either),
      { concurrency: "unbounded" }
    )

  /** A store that no relay took is a failure that gives each relay's reason. */
  const report = (
    packet: SignedPacket,
    stores: ReadonlyArray<Result<Outcome>>
  ): Effect.Effect<PublishReport, NetworkError> => {
    const storedOn = stores.filter(isStored).length
    return storedOn > 0
      ? Effect.succeed({ seq: packet.seq, storedOn, contacted: relays.length, bytes: toBytes(packet) })
      : Effect.fail(new NetworkError({ reason: `no relay stored the packet: ${troubles(stores).join("; ")}.` }))
  }

  /**
   * Reads first, to sign with a seq above every relay's newest and to give
   * each relay its own seq as CAS. The read gets half the deadline, so a
   * relay that hangs cannot leave the stores no time.
   */
  const put = (keypair: Keypair, v: Uint8Array, options: DhtOptions | undefined) =>
    Effect.gen(function*() {
      const started = yield* Clock.currentTimeMillis
      const answers = yield* readAll(keypair.publicKey, Duration.times(config.timeout, 0.5), options)
      if (answers.every(Either.isLeft)) {
        return yield* new NetworkError({ reason: `no relay answered: ${troubles(answers).join("; ")}.` })
      }
      const newestSeq = Option.map(newestOf(answers), (packet) => packet.seq)
      // A clock behind the relays' newest packet must not lose the publish.
      const seq = yield* nextSeq(newestSeq)
      const packet = yield* sign(keypair, seq, v)
      const elapsed = Duration.millis((yield* Clock.currentTimeMillis) - started)
      const casOf = (index: number) => Option.map(packetOf(answers[index]), (served) => served.seq)
      return yield* report(packet, yield* writeAll(packet, casOf, Duration.subtract(config.timeout, elapsed)))
    })

  const publish = Effect.fn("RelayDht.publish")(function*(keypair: Keypair, record: string, options?: DhtOptions) {
    return yield* put(keypair, yield* packetValue(keypair.publicKey, record, "relays store"), options)
  })

  const revoke = Effect.fn("RelayDht.revoke")(function*(keypair: Keypair, options?: DhtOptions) {
    // The empty message always fits; only a key whose newest seq is already 2^53 - 1 could fail to sign.
    return yield* put(keypair, encodeDnsMessage(keypair.publicKey, null), options).pipe(
      Effect.catchTag("InvalidInput", (error) => Effect.die(error))
    )
  })

  const republish = Effect.fn("RelayDht.republish")(function*(publicKey: PublicKey, bytes: Uint8Array) {
    const packet = yield* fromBytes(publicKey, bytes)
    const stores = yield* writeAll(packet, () => Option.none(), config.timeout)
    // As on the Mainline DHT: once something newer is stored, this packet is no longer the one to keep alive.
    const superseded = (store: Result<Outcome>) =>
      Either.isRight(store) && store.right._tag === "Refused" && store.right.status === 409
    if (stores.some(superseded) && !stores.some(isStored)) {
      return yield* newerPublished(publicKey)
    }
    return yield* report(packet, stores)
  })

  const resolve = Effect.fn("RelayDht.resolve")(function*(publicKey: PublicKey, options?: DhtOptions) {
    const answers = yield* readAll(publicKey, config.timeout, options)
    const newest = newestOf(answers)
    if (Option.isSome(newest)) return yield* readNewest(publicKey, newest.value)
    if (answers.every(Either.isLeft)) {
      return yield* new NetworkError({ reason: `no relay answered: ${troubles(answers).join("; ")}.` })
    }
    const trouble = troubles(answers)
    return yield* noHandoff(
      publicKey,
      trouble.length === 0 ? {} : { hint: `Not every relay helped: ${trouble.join("; ")}.` }
    )
  })

  return Dht.of({ publish, revoke, republish, resolve })
})

/** The relay `Dht`; fails to build without relays or on a malformed relay URL. */
export const layer: Layer.Layer<Dht, InvalidInput, DhtConfig> = Layer.effect(Dht, make)
