/**
 * The Mainline DHT and the relays as one `Dht`, when both are configured:
 * every call goes to both at once. A store succeeds when either side takes
 * the packet; a resolve waits for both and the newest packet wins, a
 * revocation included, so a side still serving an older record (a relay's
 * cache, nodes that missed the revoke) never brings it back.
 *
 * Each side signs its own packet, since `Dht.publish` signs inside: the two
 * carry the same record and seqs apart by the time between the signatures;
 * wherever both land, storing nodes keep the newer.
 */
import { Effect, Either } from "effect"
import { NetworkError, NotFound } from "../domain/errors.js"
import type { Dht, DhtOptions, DhtProgress, PublishReport, ResolvedPacket } from "../services/Dht.js"

type Service = Dht["Type"]

type Name = "DHT" | "relays"

interface Side<A, E> {
  readonly side: Name
  readonly result: Either.Either<A, E>
}

/** Both sides at once; each side's own deadline bounds the pair. */
const both = <A, E>(dht: Effect.Effect<A, E>, relays: Effect.Effect<A, E>) =>
  Effect.all([Effect.either(dht), Effect.either(relays)], { concurrency: 2 }).pipe(
    Effect.map(([fromDht, fromRelays]): ReadonlyArray<Side<A, E>> => [
      { side: "DHT", result: fromDht },
      { side: "relays", result: fromRelays }
    ])
  )

interface Failure<E> {
  readonly side: Name
  readonly error: E
}

const failuresOf = <A, E>(sides: ReadonlyArray<Side<A, E>>): ReadonlyArray<Failure<E>> =>
  sides.flatMap(({ result, side }) => (Either.isLeft(result) ? [{ side, error: result.left }] : []))

const unreachable = (failures: ReadonlyArray<Failure<NetworkError>>) =>
  new NetworkError({ reason: failures.map(({ error, side }) => `${side}: ${error.reason}`).join(" ") })

/** One progress callback per side, reporting the sum of the two. */
const splitProgress = (options: DhtOptions | undefined): readonly [DhtOptions, DhtOptions] => {
  const onProgress = options?.onProgress
  if (onProgress === undefined) return [{}, {}]
  const seen: Array<DhtProgress> = [{ contacted: 0, answers: 0 }, { contacted: 0, answers: 0 }]
  const side = (index: number): DhtOptions => ({
    onProgress: (progress) => {
      seen[index] = progress
      onProgress({
        contacted: seen.reduce((sum, { contacted }) => sum + contacted, 0),
        answers: seen.reduce((sum, { answers }) => sum + answers, 0)
      })
    }
  })
  return [side(0), side(1)]
}

/** Stored by either side is stored. Refused by both, a refusal of the input says more than a network failure. */
const stored = <E extends { readonly _tag: string }>(
  sides: ReadonlyArray<Side<PublishReport, E | NetworkError>>
): Effect.Effect<PublishReport, E | NetworkError> => {
  const reports = sides.flatMap(({ result }) => (Either.isRight(result) ? [result.right] : []))
  const failures = failuresOf(sides)
  if (reports.length > 0) {
    // Each side signed its own packet; the newest is the one lookups return, so the one to keep alive.
    const newest = reports.reduce((a, b) => (b.seq > a.seq ? b : a))
    return Effect.as(
      Effect.forEach(failures, ({ error, side }) => Effect.logDebug(`the ${side} did not store the packet`, error)),
      {
        seq: newest.seq,
        storedOn: reports.reduce((sum, { storedOn }) => sum + storedOn, 0),
        contacted: reports.reduce((sum, { contacted }) => sum + contacted, 0),
        bytes: newest.bytes
      }
    )
  }
  const network = failures.filter((failure): failure is Failure<NetworkError> => failure.error instanceof NetworkError)
  const refused = failures.find((failure) => !(failure.error instanceof NetworkError))
  return Effect.fail(refused === undefined ? unreachable(network) : refused.error)
}

interface Known {
  readonly seq: number
  readonly revoked: boolean
  readonly outcome: Effect.Effect<ResolvedPacket, NotFound>
}

/** What each side knows with its seq: a record, or a revocation, which wins a tie as the safer answer. */
const newest = (sides: ReadonlyArray<Side<ResolvedPacket, NotFound | NetworkError>>) =>
  sides
    .flatMap(({ result }): ReadonlyArray<Known> =>
      Either.isRight(result)
        ? [{ seq: result.right.seq, revoked: false, outcome: Effect.succeed(result.right) }]
        : result.left._tag === "NotFound" && result.left.revokedSeq !== undefined
        ? [{ seq: result.left.revokedSeq, revoked: true, outcome: Effect.fail(result.left) }]
        : []
    )
    .sort((a, b) => b.seq - a.seq || Number(b.revoked) - Number(a.revoked))[0]?.outcome

/** Neither side knows a packet: not found if one side could look, saying which side could not. */
const nothingKnown = (sides: ReadonlyArray<Side<ResolvedPacket, NotFound | NetworkError>>) => {
  const failures = failuresOf(sides)
  const missing = failures.flatMap(({ error }) => (error._tag === "NotFound" ? [error] : []))[0]
  const failed = failures.filter((failure): failure is Failure<NetworkError> => failure.error instanceof NetworkError)
  if (missing === undefined) return Effect.fail(unreachable(failed))
  if (failed.length === 0) return Effect.fail(missing)
  const hint = [missing.hint, ...failed.map(({ error, side }) => `The ${side} could not be asked: ${error.reason}`)]
  return Effect.fail(new NotFound({ what: missing.what, hint: hint.filter((line) => line !== undefined).join("\n") }))
}

export const race = (dht: Service, relays: Service): Service => ({
  publish: (keypair, record, options) => {
    const [toDht, toRelays] = splitProgress(options)
    return Effect.flatMap(both(dht.publish(keypair, record, toDht), relays.publish(keypair, record, toRelays)), stored)
  },
  revoke: (keypair, options) => {
    const [toDht, toRelays] = splitProgress(options)
    return Effect.flatMap(both(dht.revoke(keypair, toDht), relays.revoke(keypair, toRelays)), stored)
  },
  republish: (publicKey, bytes, options) => {
    const [toDht, toRelays] = splitProgress(options)
    return Effect.flatMap(
      both(dht.republish(publicKey, bytes, toDht), relays.republish(publicKey, bytes, toRelays)),
      stored
    )
  },
  resolve: (publicKey, options) => {
    const [toDht, toRelays] = splitProgress(options)
    return Effect.flatMap(
      both(dht.resolve(publicKey, toDht), relays.resolve(publicKey, toRelays)),
      (sides) => newest(sides) ?? nothingKnown(sides)
    )
  }
})
