/**
 * `cclink pickup [PUBKEY]`: resolve, verify, decrypt, place the session
 * file (fetching it from the publisher first when the handoff carries it:
 * the `CarriedPickup` service), honour burn, and start `claude --resume` in
 * the project directory.
 */
import { FileSystem } from "@effect/platform"
import { Console, Data, Duration, Effect, Either, Layer, Option, Redacted } from "effect"
import * as path from "node:path"
import { derivePinKey, PIN_SALT_BYTES, type PinKey } from "../../crypto/pinKey.js"
import { identityOf } from "../../crypto/x25519.js"
import type { CarryTicket } from "../../domain/carryTicket.js"
import { formatDuration, parseDuration } from "../../domain/duration.js"
import {
  Declined,
  DecryptionFailed,
  type FileError,
  InvalidInput,
  NetworkError,
  type NoDirectPath,
  type NotFound,
  type PermissionError,
  type SignatureInvalid,
  type TransferFailed
} from "../../domain/errors.js"
import { expiresAt, nowSeconds } from "../../domain/expiry.js"
import { toDisplay, toZ32 } from "../../domain/keyDisplay.js"
import { equals, type Keypair } from "../../domain/keys.js"
import { parsePublicKey } from "../../domain/publicKey.js"
import { parseSessionId, type SessionId, shortSessionId } from "../../domain/sessionId.js"
import { shellQuote } from "../../domain/shellQuote.js"
import { type CarriedOutcome, CarriedPickup } from "../../services/CarriedPickup.js"
import { ClaudeLauncher, resumeCommand } from "../../services/ClaudeLauncher.js"
import type { Handoffs, Opener, Verified } from "../../services/Handoffs.js"
import { KeyStore } from "../../services/KeyStore.js"
import { Passphrase } from "../../services/Passphrase.js"
import { type Copied, SessionPlacement } from "../../services/SessionPlacement.js"
import type { Sessions } from "../../services/Sessions.js"
import { TerminalPrompt } from "../../services/TerminalPrompt.js"
import { waitForHandoff } from "../../services/WaitForHandoff.js"
import { withProgress } from "../carry/progress.js"
import { Claude } from "../layers/Claude.js"
import { Keys } from "../layers/Keys.js"
import {
  carriedPickupLayer,
  type CarryNetworkOptions,
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
import { bold, dim } from "../style.js"

/** What `cclink pickup` parses (../commands/pickup.ts). */
export interface PickupOptions extends NetworkOptions, CarryNetworkOptions, PassphraseSourceOptions, PinSourceOptions {
  readonly publisher: Option.Option<string>
  readonly projectDir: Option.Option<string>
  readonly wait: Option.Option<string>
  readonly burn: boolean
  readonly noLaunch: boolean
  readonly withMemory: boolean
  readonly yes: boolean
  readonly qr: boolean
  readonly json: boolean
}

export const run = (o: PickupOptions) =>
  Effect.gen(function*() {
    // Options are checked before the key is opened, so a typo never costs a passphrase.
    const network = yield* settings(o)
    const carryNetwork = yield* carrySettings(o)
    const wait = Option.isSome(o.wait) ? { text: o.wait.value, within: yield* waitDuration(o.wait.value) } : undefined
    const keyStore = yield* KeyStore
    const explicit = Option.isSome(o.publisher) ? yield* parsePublicKey(o.publisher.value) : undefined
    const passphrase = passphraseSource(o)
    // Your own key is needed to know whose record to fetch, to decrypt self and
    // shared records, and to burn; a PIN pickup of someone else's needs none.
    let keypair: Keypair | undefined = explicit === undefined || o.burn ? yield* keyStore.load(passphrase) : undefined
    const loadKey = Effect.suspend(() =>
      keypair !== undefined
        ? Effect.succeed(keypair)
        : Effect.tap(keyStore.load(passphrase), (loaded) => Effect.sync(() => (keypair = loaded)))
    )
    const publisher = explicit ?? keypair!.publicKey
    if (o.burn && !equals(keypair!.publicKey, publisher)) {
      keypair!.wipe()
      return yield* new InvalidInput({
        reason: `--burn removes your own handoff; this one belongs to ${toDisplay(publisher)}.`
      })
    }

    const { Handoffs } = yield* Effect.promise(() => import("../../services/Handoffs.js"))
    // A PIN is stretched once, and the key wiped on every way out: it opens the record and the carried conversation.
    let pinKey: PinKey | undefined
    return yield* Effect.gen(function*() {
      const handoffs = yield* Handoffs
      const verified = wait !== undefined
        ? yield* withSpinner(
          `Waiting for a new handoff from ${toDisplay(publisher)} (up to ${wait.text}; Ctrl-C to stop)`,
          o.json,
          (dhtOptions) => waitForHandoff(handoffs, publisher, wait.within, dhtOptions)
        )
        : yield* withSpinner(
          "Looking up the handoff on the DHT",
          o.json,
          (dhtOptions) => handoffs.resolveActive(publisher, dhtOptions)
        )
      const { record } = verified

      if (record.pinSalt !== undefined) {
        const pin = yield* (yield* Passphrase).get({
          kind: "PIN",
          creating: false,
          ...pinSource(o)
        })
        // A salt of another length comes from a hostile record: the same refusal as a wrong PIN.
        if (record.pinSalt.length !== PIN_SALT_BYTES) {
          Redacted.unsafeWipe(pin)
          return yield* new DecryptionFailed({})
        }
        pinKey = yield* Effect.ensuring(
          derivePinKey(pin, record.pinSalt),
          Effect.sync(() => Redacted.unsafeWipe(pin))
        )
      }
      const opener: Opener = pinKey !== undefined
        ? { _tag: "PinKey", key: pinKey }
        : { _tag: "Keypair", keypair: yield* loadKey }
      const payload = yield* handoffs.open(verified, opener)
      const sessionId = yield* parseSessionId(payload.sessionId).pipe(
        Effect.mapError(() =>
          new InvalidInput({ reason: "The handoff does not hold a Claude Code session id; refusing to resume it." })
        )
      )

      const own = keypair !== undefined && equals(keypair.publicKey, publisher)
      const burnNow = o.burn || record.burn

      const summary = summarize(verified, payload.hostname, payload.project, yield* nowSeconds)
      const terminal = yield* TerminalPrompt
      if (!o.json) yield* Console.error(summary)

      const placement = yield* SessionPlacement
      const located = yield* Effect.either(placement.locate(payload.project, sessionId))
      const projectDirHere = located._tag === "Right" && located.right._tag === "InProject"
        ? located.right.dir
        : undefined
      // An explicit --project-dir always wins over the payload's path, even one that exists here.
      const inProject = Option.isNone(o.projectDir) && projectDirHere !== undefined
      const target = Option.getOrElse(o.projectDir, () => projectDirHere ?? process.cwd())
      const fs = yield* FileSystem.FileSystem
      const projectHere = path.isAbsolute(payload.project) &&
        Option.contains(Option.map(yield* Effect.option(fs.stat(payload.project)), (info) => info.type), "Directory")
      /** Where a carried conversation goes: --project-dir, else the payload's project when it is here, else here. */
      const carriedTarget = Option.getOrElse(o.projectDir, () => projectHere ? payload.project : process.cwd())

      /**
       * A directory that --project-dir did not name needs -y or a yes: the
       * current directory, or the payload's project when someone else's
       * handoff names it (they choose which of your folders it lands in).
       */
      const confirmTarget = (
        question: string,
        refusal = `The project ${payload.project} is not on this machine.\n` +
          "Pass --project-dir DIR with where it lives here (or -y to use the current directory)."
      ) =>
        Effect.gen(function*() {
          if (Option.isSome(o.projectDir) || o.yes) return
          if (!terminal.interactive) return yield* new InvalidInput({ reason: refusal })
          if (!(yield* terminal.confirm(question))) return yield* new Declined({ what: "pickup" })
        })
      const andResume = (dir: string) => o.noLaunch ? "" : ` and resume in ${homeRelative(dir)}`

      /**
       * Where claude will find the session: its project folder, or `target`'s
       * once the session file is copied there (with -y, --project-dir or a yes).
       */
      const place = Effect.gen(function*() {
        const found = yield* located
        if (found._tag === "InProject" && inProject) {
          return { _tag: "Resumable", dir: found.dir, file: found.file, copied: [] } as const
        }
        yield* confirmTarget(
          `The session file is not in ${homeRelative(target)}'s folder. Copy it there${andResume(target)}?`
        )
        const source = found._tag === "InProject" ? { sessionId, file: found.file } : found.source
        const placed = yield* placement.copyInto(source, target)
        if (!o.json) {
          yield* Effect.forEach(
            placed.copied,
            ({ from, to }) => Console.error(`Copied ${homeRelative(from)}\n    to ${homeRelative(to)}`),
            { discard: true }
          )
        }
        return { _tag: "Resumable", dir: placed.dir, file: placed.file, copied: placed.copied } as const
      })

      /**
       * A carried handoff: fetched, verified, unpacked and placed by the
       * `CarriedPickup` service, for the directory decided here. When nothing
       * arrived, a local copy of the session is used (it may be older);
       * without one, this is a `NetworkError` (exit 6).
       */
      const placeCarried = (ticket: CarryTicket) =>
        Effect.gen(function*() {
          if (!projectHere) {
            yield* confirmTarget(
              `Put the carried conversation in ${homeRelative(carriedTarget)}'s folder${andResume(carriedTarget)}?`
            )
          } else if (!own) {
            yield* confirmTarget(
              `This handoff names ${homeRelative(carriedTarget)} as its project. Put the carried conversation in ` +
                `its folder${andResume(carriedTarget)}?`,
              `This handoff from ${toDisplay(publisher)} names ${payload.project} as its project.\n` +
                "Pass -y to put the carried conversation there, or --project-dir DIR to choose."
            )
          }
          const host = payload.hostname === "" ? "the publishing machine" : payload.hostname
          const stateDir = yield* stateFolder
          const outcome = yield* withProgress(
            `Fetching the conversation from ${host}`,
            ticket.size,
            o.json,
            (onProgress) =>
              Effect.flatMap(CarriedPickup, (pickup) =>
                pickup.pickUp({
                  ticket,
                  sessionId,
                  identity: () => pinKey?.identity() ?? identityOf(keypair!),
                  stateDir,
                  dir: carriedTarget,
                  installMemory: own || o.withMemory,
                  patience: network.timeout,
                  onProgress
                }))
          ).pipe(
            Effect.provide(carriedPickupLayer(carryNetwork)),
            Effect.mapError((error) => new TransferRefused({ error }))
          )
          switch (outcome._tag) {
            case "Unreachable": {
              const gone = notFetched(outcome.error, host)
              if (Either.isLeft(located)) return yield* new NetworkError({ reason: gone })
              if (!o.json) {
                yield* Console.error(`${gone}\nUsing this machine's copy of the session instead; it may be older.`)
              }
              return { ...(yield* place), notCarried: gone }
            }
            case "NotPlaced": {
              const folder = path.dirname(outcome.placement.file)
              const local = yield* fs.exists(path.join(folder, sessionId)).pipe(Effect.orElseSucceed(() => false))
              return { _tag: "NotPlaced", outcome, reason: notPlacedMessage(sessionId, outcome, local) } as const
            }
            case "Placed":
              if (!o.json) yield* Console.error(carriedLines(outcome))
              return {
                _tag: "Resumable",
                dir: outcome.placement.dir,
                file: outcome.placement.file,
                copied: [],
                carried: outcome
              } as const
          }
        })

      const ready: Effect.Effect<
        Ready,
        TransferRefused | NetworkError | InvalidInput | PermissionError | NotFound | Declined,
        SessionPlacement | Sessions | FileSystem.FileSystem
      > = payload.carry === undefined ? place : placeCarried(payload.carry)

      if (o.noLaunch) {
        // Everything but starting claude: the session is put in place when it can be, so the
        // printed command works; when it cannot, the command is printed with the reason.
        const placed = yield* Effect.either(ready)
        // A transfer that failed or was refused is the command's failure, not a placement to report.
        if (placed._tag === "Left" && placed.left._tag === "NetworkError") return yield* placed.left
        if (placed._tag === "Left" && placed.left._tag === "TransferRefused") return yield* placed.left.error
        const resumable = placed._tag === "Right" && placed.right._tag === "Resumable" ? placed.right : undefined
        const notPlaced = placed._tag === "Left"
          ? placed.left.message
          : placed.right._tag === "NotPlaced"
          ? placed.right.reason
          : undefined
        if (notPlaced !== undefined && !o.json) yield* Console.error(notPlaced)
        const carried = resumable?.carried ?? (placed._tag === "Right" && placed.right._tag === "NotPlaced"
          ? placed.right.outcome
          : undefined)
        const dir = resumable?.dir ?? (payload.carry === undefined ? target : carriedTarget)
        // A carried conversation not placed is still reachable only through the handoff: not burned.
        const burned = burnNow && own && (payload.carry === undefined || resumable?.carried !== undefined)
        if (burned) yield* burn(handoffs, keypair!, o.json)
        if (o.json) {
          return yield* Console.log(JSON.stringify({
            sessionId,
            project: payload.project,
            hostname: payload.hostname,
            publisher: toZ32(publisher),
            createdAt: record.createdAt,
            expiresAt: expiresAt(record),
            burn: record.burn,
            burned,
            pin: record.pinSalt !== undefined,
            recipient: record.recipient ?? null,
            sessionFile: resumable !== undefined
              ? resumable.file
              : located._tag === "Right" && located.right._tag === "Elsewhere"
              ? located.right.source.file
              : null,
            placed: resumable !== undefined,
            copied: resumable?.copied ?? [],
            notPlaced: notPlaced ?? null,
            resumeDir: dir,
            command: resumeCommand(sessionId, dir),
            carried: carried !== undefined,
            carriedBytes: carried?.received.bytes ?? 0,
            carriedVia: carried?.received.via ?? null,
            carriedPlacement: carried === undefined ? null : {
              created: carried.placement.created,
              updated: carried.placement.updated,
              unchanged: carried.placement.unchanged,
              keptLocal: carried.placement.keptLocal,
              conflicts: carried.placement.conflicts,
              newerHere: carried.placement.newerHere,
              previous: carried.placement.previous,
              recent: carried.placement.recent
            },
            carriedCopy: carried?.aside ?? null,
            carriedMemoryAside: carried?.memory?.folder ?? null,
            notCarried: resumable?.notCarried ?? null
          }))
        }
        yield* Console.log(resumeCommand(sessionId, dir))
        if (o.qr) yield* showQr(sessionId)
        return
      }

      if (!o.yes && terminal.interactive) {
        // Asked unless the copy question above already named the directory claude starts in.
        const dir = payload.carry === undefined
          ? located._tag === "Right" && (inProject || Option.isSome(o.projectDir)) ? target : undefined
          : (projectHere && own) || Option.isSome(o.projectDir)
          ? carriedTarget
          : undefined
        if (dir !== undefined) {
          const question = `Resume session ${shortSessionId(sessionId)} in ${homeRelative(dir)}?`
          if (!(yield* terminal.confirm(question))) return yield* new Declined({ what: "pickup" })
        }
      }
      const resumable = yield* ready.pipe(
        Effect.catchTag("TransferRefused", ({ error }) => Effect.fail(error)),
        Effect.flatMap((ready) =>
          ready._tag === "Resumable" ? Effect.succeed(ready) : Effect.fail(new InvalidInput({ reason: ready.reason }))
        )
      )
      const { dir } = resumable

      // A carried conversation not placed (a fallback to a local copy) is still reachable only through the handoff.
      if (burnNow && own && (payload.carry === undefined || resumable.carried !== undefined)) {
        yield* burn(handoffs, keypair!, o.json)
      } else if (burnNow && own) {
        yield* Console.error("Not burned: the carried conversation was not placed, and the handoff still leads to it.")
      } else if (record.burn) {
        yield* Console.error(
          resumable.carried !== undefined
            ? "This is a burn-after-reading handoff: its publisher removes it now that the transfer is complete."
            : "This is a burn-after-reading handoff; only its publisher can remove it."
        )
      }
      if (o.qr) yield* showQr(sessionId)
      yield* Console.error(`Resuming session ${bold(process.stderr)(shortSessionId(sessionId))}...`)
      yield* Console.error(dim(process.stderr)(`claude --resume ${sessionId}   (in ${homeRelative(dir)})`))
      keypair?.wipe()
      pinKey?.wipe()
      const code = yield* (yield* ClaudeLauncher).resume(sessionId, dir)
      return yield* Effect.sync(() => {
        process.exitCode = code
      })
    }).pipe(
      Effect.provide(handoffsLayer(network)),
      Effect.ensuring(Effect.sync(() => {
        keypair?.wipe()
        pinKey?.wipe()
      }))
    )
  }).pipe(Effect.provide(Layer.mergeAll(Keys, Claude)))

/** A carried conversation that did not arrive intact (a digest mismatch, a refused archive, a full disk): never placed. */
class TransferRefused extends Data.TaggedError("TransferRefused")<{
  readonly error: SignatureInvalid | DecryptionFailed | InvalidInput | FileError | PermissionError
}> {}

/** Where a pickup stands once the session is, or could not be, put in place. */
type Ready =
  | {
    readonly _tag: "Resumable"
    readonly dir: string
    readonly file: string
    readonly copied: ReadonlyArray<Copied>
    /** The carried conversation, placed. */
    readonly carried?: CarriedOutcome & { readonly _tag: "Placed" }
    /** Why the handoff's conversation was not carried, when a local copy is used instead. */
    readonly notCarried?: string
  }
  | {
    readonly _tag: "NotPlaced"
    readonly outcome: CarriedOutcome & { readonly _tag: "NotPlaced" }
    readonly reason: string
  }

/** Why nothing arrived, worded as what it is, and what to do. */
const notFetched = (error: TransferFailed | NoDirectPath, host: string) => {
  if (error._tag === "NoDirectPath") return `Cannot fetch the conversation from ${host}. ${error.message}`
  switch (error.why) {
    case "notServing":
      return `The publisher is not serving the conversation: run \`cclink publish --carry\` on ${host}, then pick up again.`
    case "unreachable":
      return `Cannot reach the publisher on ${host} (${error.detail}): check that \`cclink publish --carry\` ` +
        "still runs there, then pick up again."
    case "broke":
      return `The transfer from ${host} broke after ${formatBytes(error.received)} of ${formatBytes(error.size)} ` +
        `(${error.detail}), and did not resume in time; nothing of it was kept. Pick up again to start over.`
  }
}

/** What was received and where it went, for a person. */
const carriedLines = ({ aside, memory, placement, received }: CarriedOutcome & { readonly _tag: "Placed" }) => {
  const files = received.files.length
  const lines = [
    `Carried ${files} file${files === 1 ? "" : "s"} (${formatBytes(received.bytes)} encrypted, ${received.via}${
      received.attempts > 1 ? `, resumed ${received.attempts - 1} time(s)` : ""
    }).`,
    ...placement.created.map((file) => `  new      ${homeRelative(file)}`),
    ...placement.updated.map((file) => `  updated  ${homeRelative(file)} (it held an older copy of this conversation)`),
    ...placement.unchanged.map((file) => `  same     ${homeRelative(file)}`),
    ...placement.keptLocal.map((file) =>
      `  kept     ${homeRelative(file)} (yours differs; the carried one is in ${homeRelative(aside!)})`
    )
  ]
  if (memory !== undefined) {
    lines.push(
      `  Not installed: the project memory it carries (${memory.files} file${memory.files === 1 ? "" : "s"}), kept in ${
        homeRelative(memory.folder)
      }.`,
      "  Claude Code reads a project's memory into every session of the project; someone else's is installed",
      "  only with --with-memory."
    )
  }
  if (placement.previous.length > 0) {
    lines.push(`  The older copies are kept in ${homeRelative(path.join(aside!, "previous"))}.`)
  }
  for (const file of placement.recent) {
    lines.push(
      `  ${homeRelative(file)} was written to in the last minute: if a claude session is open on it, close it;` +
        " what it wrote is in the kept copy."
    )
  }
  return lines.join("\n")
}

/**
 * Why the carried conversation was not placed, what is where, and how to
 * resume either: this machine's copy (another conversation under the name,
 * or the same one gone further here), or the carried one, whose transcript
 * and folder move in together. `localFolder`: whether `<id>/` is here.
 */
const notPlacedMessage = (
  sessionId: SessionId,
  { aside, placement, received }: CarriedOutcome & { readonly _tag: "NotPlaced" },
  localFolder: boolean
) => {
  const resume = resumeCommand(sessionId, placement.dir)
  if (placement.conflicts.length === 0) {
    return [
      `This machine's copy of the conversation is newer than the carried one (it continues it): ${
        placement.newerHere.join(", ")
      }. cclink kept it, and did not start claude.`,
      `The carried copy is kept at ${aside}.`,
      `To resume this machine's copy:  ${resume}`
    ].join("\n")
  }
  const folder = path.dirname(placement.file)
  const names = [`${sessionId}.jsonl`, ...(localFolder ? [sessionId] : [])]
  const carried = [
    `${sessionId}.jsonl`,
    ...(received.files.some(({ kind }) => kind === "sessionFolder") ? [sessionId] : [])
  ]
  const moveAside = names.map((name) => {
    const local = path.join(folder, name)
    return `mv ${shellQuote(local)} ${shellQuote(`${local}.mine`)}`
  }).join(" && ")
  const copyIn = `cp -R ${carried.map((name) => shellQuote(path.join(aside, name))).join(" ")} ${
    shellQuote(`${folder}/`)
  }`
  return [
    `A different conversation is already at ${placement.conflicts.join(", ")}; cclink never overwrites it, ` +
    "and did not start claude.",
    `The carried conversation is kept at ${aside}.`,
    `To resume yours:  ${resume}`,
    "To resume the carried one instead, move yours aside first (the transcript and its folder together):",
    `  ${moveAside}`,
    `  ${copyIn}`,
    `  ${resume}`
  ].join("\n")
}

const waitDuration = (text: string) =>
  Either.match(parseDuration(text), {
    onLeft: (reason) => Effect.fail(new InvalidInput({ reason: `--wait: ${reason}` })),
    onRight: (seconds) =>
      seconds >= 1
        ? Effect.succeed(Duration.seconds(seconds))
        : Effect.fail(new InvalidInput({ reason: "--wait needs at least 1 second." }))
  })

const burn = (handoffs: Handoffs["Type"], keypair: Keypair, quiet: boolean) =>
  Effect.zipRight(
    handoffs.revoke(keypair),
    quiet ? Effect.void : Console.error("Burned: the handoff is removed from the DHT.")
  )

const summarize = (verified: Verified, host: string, project: string, now: number) => {
  const { publisher, record } = verified
  const lines = [
    `Handoff from ${toDisplay(publisher)}`,
    `  ${host === "" ? "(unknown host)" : host}: ${project === "" ? "(unknown project)" : homeRelative(project)}`,
    `  Published ${formatDuration(now - record.createdAt)} ago, expires in ${
      formatDuration(expiresAt(record) - now)
    } (${localTime(expiresAt(record))}).`
  ]
  return lines.join("\n")
}
