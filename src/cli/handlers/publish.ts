/**
 * `cclink [SESSION_ID]` / `cclink publish [SESSION_ID]`: find the session,
 * seal it, sign it, publish it under the user's key; with `--carry`, also
 * serve the conversation itself until the handoff ends (../carry/serve.ts).
 */
import { Console, Duration, Effect, Either, Layer, Option, Redacted } from "effect"
import { hostname } from "node:os"
import { derivePinKey, type PinKey } from "../../crypto/pinKey.js"
import { recipientOf } from "../../crypto/x25519.js"
import { encodeDnsMessage } from "../../domain/dnsRecord.js"
import { formatDuration, parseDuration } from "../../domain/duration.js"
import { InvalidInput, NotFound } from "../../domain/errors.js"
import { expiresAt, MAX_TTL, MIN_TTL } from "../../domain/expiry.js"
import { toDisplay, toZ32 } from "../../domain/keyDisplay.js"
import type { Keypair, PublicKey } from "../../domain/keys.js"
import { type PublishMode, publishMode } from "../../domain/modes.js"
import { parsePublicKey } from "../../domain/publicKey.js"
import { parseSessionId, type SessionId, shortSessionId } from "../../domain/sessionId.js"
import { type Carrying, CarryPublisher } from "../../services/CarryPublisher.js"
import type { Published } from "../../services/Handoffs.js"
import { KeyStore } from "../../services/KeyStore.js"
import { Passphrase } from "../../services/Passphrase.js"
import { type Session, Sessions } from "../../services/Sessions.js"
import { TerminalPrompt } from "../../services/TerminalPrompt.js"
import { serveLogged } from "../carry/serve.js"
import { eventLog, KEEPALIVE_ENDINGS, keepAliveLogged } from "../keepalive.js"
import { Claude } from "../layers/Claude.js"
import { Keys } from "../layers/Keys.js"
import {
  type CarryNetworkOptions,
  carryPublisherLayer,
  carrySettings,
  handoffsLayer,
  type NetworkOptions,
  settings,
  stateFolder
} from "../network.js"
import { showQr } from "../qr.js"
import { passphraseSource, type PassphraseSourceOptions, pinSource, type PinSourceOptions } from "../secretSources.js"
import { formatBytes, homeRelative, localTime } from "../show.js"
import { withSpinner } from "../spinner.js"
import { bold, green } from "../style.js"

/** What `cclink [publish]` parses (../commands/publish.ts). */
export interface PublishOptions extends NetworkOptions, CarryNetworkOptions, PassphraseSourceOptions, PinSourceOptions {
  readonly sessionId: Option.Option<string>
  readonly ttl: string
  readonly burn: boolean
  readonly share: Option.Option<string>
  readonly pin: boolean
  readonly carry: boolean
  readonly keepalive: boolean
  readonly every: string
  readonly qr: boolean
  readonly json: boolean
}

const ttlSeconds = (text: string) =>
  Either.match(parseDuration(text), {
    onLeft: (reason) => Effect.fail(new InvalidInput({ reason: `--ttl: ${reason}` })),
    onRight: (seconds) =>
      seconds >= MIN_TTL && seconds <= MAX_TTL
        ? Effect.succeed(seconds)
        : Effect.fail(
          new InvalidInput({
            reason: `--ttl must be between ${formatDuration(MIN_TTL)} and ${formatDuration(MAX_TTL)}, got ${
              formatDuration(seconds)
            }.`
          })
        )
  })

interface Chosen {
  readonly sessionId: SessionId
  readonly project: string
  /** The session file, when it is on this machine (an explicit id may name one that is not). */
  readonly file: string | undefined
}

/** An explicit id, or the active session of this directory (a picker on a terminal when several). */
const chooseSession = (explicit: Option.Option<string>) =>
  Effect.gen(function*() {
    const sessions = yield* Sessions
    const cwd = process.cwd()
    if (Option.isSome(explicit)) {
      const id = yield* parseSessionId(explicit.value)
      const file = yield* Effect.option(sessions.findById(id))
      const project = Option.isSome(file) ? yield* sessions.projectOf(file.value.file) : Option.none()
      return {
        sessionId: id,
        project: Option.getOrElse(project, () => cwd),
        file: Option.getOrUndefined(Option.map(file, ({ file }) => file))
      } satisfies Chosen
    }
    const found = yield* sessions.discover(cwd)
    if (found.length === 1) return found[0]
    const terminal = yield* TerminalPrompt
    if (!terminal.interactive) return found[0]
    const index = yield* terminal.choose(
      "Several Claude Code sessions are active here. Which one?",
      found.map(describeSession)
    )
    return found[index]!
  })

const describeSession = (session: Session) =>
  `${shortSessionId(session.sessionId)}  ${homeRelative(session.project)}  (${
    formatDuration((Date.now() - session.mtime.getTime()) / 1000)
  } ago)`

/** The command another machine runs: the publisher's key is needed unless it is your own. */
const pickupCommand = (publisher: string, selfPickup: boolean) =>
  selfPickup ? "cclink pickup" : `cclink pickup ${publisher}`

export const run = (o: PublishOptions) =>
  Effect.gen(function*() {
    // Options are checked before the key is opened, so a typo never costs a passphrase.
    const network = yield* settings(o)
    const carryNetwork = o.carry ? yield* carrySettings(o) : undefined
    const ttl = yield* ttlSeconds(o.ttl)
    const share = Option.isSome(o.share) ? yield* parsePublicKey(o.share.value) : undefined
    const pinFromEnv = (process.env.CCLINK_PIN ?? "") !== ""
    const pinWanted = o.pin || Option.isSome(o.pinFile) || Option.isSome(o.pinFd) || pinFromEnv
    const mode = yield* publishMode({ burn: o.burn, pin: pinWanted, share })
    // Carrying keeps the handoff alive as --keepalive does, on the same schedule.
    const every = o.keepalive || o.carry ? yield* keepaliveInterval(o.every) : undefined
    const session: Chosen = yield* chooseSession(o.sessionId)
    const carried = carryNetwork === undefined
      ? undefined
      : { network: carryNetwork, file: yield* carriedFile(session), stateDir: yield* stateFolder }

    // The PIN (checked against the policy as it is read) before the key, so a weak one costs no passphrase.
    const pin = pinWanted
      ? yield* (yield* Passphrase).get({
        kind: "PIN",
        creating: true,
        ...pinSource(o)
      })
      : undefined
    const keypair = yield* (yield* KeyStore).load(passphraseSource(o)).pipe(
      Effect.onError(() => Effect.sync(() => pin !== undefined && Redacted.unsafeWipe(pin)))
    )

    // Wiped once published (keepalive and carrying need neither), and on every way out before that.
    let pinKey: PinKey | undefined
    const wipe = Effect.sync(() => {
      keypair.wipe()
      if (pin !== undefined) Redacted.unsafeWipe(pin)
      pinKey?.wipe()
    })
    const { Handoffs } = yield* Effect.promise(() => import("../../services/Handoffs.js"))
    const publicKey = keypair.publicKey
    return yield* Effect.gen(function*() {
      const handoffs = yield* Handoffs
      // Argon2id once: the same key seals the record and the carried conversation.
      if (pin !== undefined) pinKey = yield* derivePinKey(pin)
      const carrying = carried !== undefined
        ? yield* withSpinner("Packing the conversation and announcing it", o.json, () =>
          Effect.flatMap(CarryPublisher, (publisher) =>
            publisher.start({
              sessionId: session.sessionId,
              file: carried.file,
              recipient: pinKey?.recipient() ?? recipientOf(share ?? publicKey),
              stateDir: carried.stateDir,
              timeout: network.timeout
            })).pipe(Effect.provide(carryPublisherLayer(carried.network))))
        : undefined
      const published = yield* withSpinner("Publishing to the DHT", o.json, (dhtOptions) =>
        handoffs.publish(
          {
            keypair,
            payload: {
              hostname: hostname(),
              project: session.project,
              sessionId: session.sessionId,
              carry: carrying?.ticket
            },
            ttl,
            mode,
            pinKey
          },
          dhtOptions
        ))
      // The client secret is in the record now: the server needs only the public key it derives.
      carrying?.ticket.clientSecret.fill(0)
      // A burn is signed now, while the key is open, so serving never holds the key itself.
      const burn = carrying !== undefined && mode.burn ? yield* revocationAfter(keypair, published) : undefined
      yield* wipe
      yield* report(o, session, publicKey, share, mode, pin !== undefined, published, carrying)
      if (carrying !== undefined) {
        yield* serveLogged({ publisher: publicKey, published, carrying, burn, every: every!, json: o.json }).pipe(
          Effect.provide(carryPublisherLayer(carried!.network))
        )
      } else if (every !== undefined) {
        yield* keepPublished(publicKey, published, every, o.json)
      }
    }).pipe(Effect.scoped, Effect.provide(handoffsLayer(network)), Effect.ensuring(wipe))
  }).pipe(Effect.provide(Layer.mergeAll(Keys, Claude)))

/** The session file to carry: it must be on this machine. */
const carriedFile = (session: Chosen) =>
  session.file === undefined
    ? Effect.fail(
      new NotFound({
        what: `--carry: no session file ${session.sessionId}.jsonl on this machine to carry.`,
        hint: "Carry a session from the machine that holds it, or publish without --carry."
      })
    )
    : Effect.succeed(session.file)

/**
 * The empty packet that removes the handoff, signed now with the seq right
 * after the published one: stored later by the server, without the key. A
 * newer publish (with a later seq) wins over it, so it can only remove this
 * handoff.
 */
const revocationAfter = (keypair: Keypair, published: Published) =>
  Effect.promise(() => import("../../dht/signedPacket.js")).pipe(
    Effect.flatMap(({ sign, toBytes }) =>
      Effect.map(sign(keypair, published.report.seq + 1, encodeDnsMessage(keypair.publicKey, null)), toBytes)
    ),
    Effect.orDie
  )

/**
 * What `--burn` does in this mode, said plainly: a handoff is removed by a
 * pickup with the publisher's own key (only that key can revoke), or, when
 * carried, by this command after the first complete transfer.
 */
const burnNote = (mode: PublishMode, carried: boolean) =>
  carried
    ? "  Burn after reading: removed from the DHT here after the first complete transfer."
    : mode.encryption._tag === "Self"
    ? "  Burn after reading: the first pickup removes it."
    : "  Burn after reading: only a pickup with your own key removes it; someone else's pickup cannot\n" +
      "  (only your key can remove a record), so it stays until it expires or you run `cclink revoke`.\n" +
      "  With --carry, this machine removes it after the first complete transfer."

/** Everything the user needs to pick up elsewhere, as text or one JSON object. */
const report = (
  o: PublishOptions,
  session: Chosen,
  publicKey: PublicKey,
  share: PublicKey | undefined,
  mode: PublishMode,
  pinned: boolean,
  published: Published,
  carrying: Carrying | undefined
) =>
  Effect.gen(function*() {
    const ttl = published.record.ttl
    const publisher = toDisplay(publicKey)
    const selfPickup = mode.encryption._tag === "Self"
    const pickup = pickupCommand(publisher, selfPickup)
    const expires = expiresAt(published.record)
    if (o.json) {
      return yield* Console.log(JSON.stringify({
        sessionId: session.sessionId,
        project: session.project,
        hostname: hostname(),
        publisher: toZ32(publicKey),
        recipient: share === undefined ? null : toZ32(share),
        burn: mode.burn,
        pin: pinned,
        createdAt: published.record.createdAt,
        expiresAt: expires,
        seq: published.report.seq,
        storedOn: published.report.storedOn,
        carried: carrying !== undefined,
        carriedBytes: carrying?.packed.size ?? 0,
        carriedFiles: carrying?.packed.files ?? 0,
        carriedSkipped: carrying?.packed.skipped ?? [],
        pickup
      }))
    }
    const out = process.stdout
    const lines = [
      `Session: ${bold(out)(shortSessionId(session.sessionId))} in ${homeRelative(session.project)}`,
      green(out)("Published!") + ` (stored on ${published.report.storedOn} of ${published.report.contacted} nodes)`,
      share === undefined ? "  Run on another machine:" : `  Shared with ${toDisplay(share)}. They run:`,
      `  ${bold(out)(pickup)}`,
      `  Expires in ${formatDuration(ttl)} (${localTime(expires)}).`
    ]
    if (carrying !== undefined) {
      lines.push(
        `  Carried: the conversation (${formatBytes(carrying.packed.size)} encrypted) is served from this machine,` +
          " peer to peer;\n  keep this command running until it is picked up."
      )
      const { skipped } = carrying.packed
      if (skipped.length > 0) {
        lines.push(`  Not carried: ${skipped.map(({ name, reason }) => `${name} (${reason})`).join(", ")}.`)
      }
    }
    if (mode.burn) lines.push(burnNote(mode, carrying !== undefined))
    if (pinned) lines.push("  PIN-protected: tell the PIN to the other side separately, never with the command.")
    yield* Console.log(lines.join("\n"))
    if (o.qr) yield* showQr(pickup)
  })

const keepaliveInterval = (text: string) =>
  Either.match(parseDuration(text), {
    onLeft: (reason) => Effect.fail(new InvalidInput({ reason: `--every: ${reason}` })),
    onRight: (seconds) =>
      seconds >= 1
        ? Effect.succeed(Duration.seconds(seconds))
        : Effect.fail(new InvalidInput({ reason: "--every must be at least 1 second." }))
  })

/**
 * `--keepalive`: the signed packet just published is stored again on a
 * schedule, one log line per round, until the handoff expires or the key's
 * newest packet is no longer this one.
 */
const keepPublished = (
  publisher: PublicKey,
  published: Published,
  every: Duration.Duration,
  json: boolean
) =>
  Effect.gen(function*() {
    const log = eventLog(json)
    const expires = expiresAt(published.record)
    yield* log(
      { event: "keepalive", every: Duration.toSeconds(every), expiresAt: expires },
      `Keeping the handoff alive: republishing every ${Duration.format(every)} until ${
        localTime(expires)
      }. Ctrl-C to stop.`
    )
    const end = yield* keepAliveLogged(log, publisher, published, every)
    yield* log({ event: "stopped", reason: end }, `Stopped: ${KEEPALIVE_ENDINGS[end]}`)
  })
