/**
 * `cclink pickup [PUBKEY]`: resolve, verify, decrypt, place the session
 * file (fetching it from the publisher first when the handoff carries it,
 * ../carry/receive.ts), honour burn, and start `claude --resume` in the
 * project directory.
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
  type SignatureInvalid
} from "../../domain/errors.js"
import { expiresAt, nowSeconds } from "../../domain/expiry.js"
import { toDisplay, toZ32 } from "../../domain/keyDisplay.js"
import { equals, type Keypair } from "../../domain/keys.js"
import { parsePublicKey } from "../../domain/publicKey.js"
import { parseSessionId, type SessionId, shortSessionId } from "../../domain/sessionId.js"
import { shellQuote } from "../../domain/shellQuote.js"
import { type CarryVia, NoDirectPath } from "../../services/Carry.js"
import { ClaudeLauncher, resumeCommand } from "../../services/ClaudeLauncher.js"
import type { Handoffs, Opener, Verified } from "../../services/Handoffs.js"
import { KeyStore } from "../../services/KeyStore.js"
import { Passphrase } from "../../services/Passphrase.js"
import { type CarriedPlaced, SessionPlacement } from "../../services/SessionPlacement.js"
import { Sessions } from "../../services/Sessions.js"
import { TerminalPrompt } from "../../services/TerminalPrompt.js"
import { waitForHandoff } from "../../services/WaitForHandoff.js"
import { keepAside, previousFolder, receive, type Received } from "../carry/receive.js"
import type { PickupOptions } from "../commands/pickup.js"
import { Claude } from "../layers/Claude.js"
import { Keys } from "../layers/Keys.js"
import { carryLayer, carrySettings, handoffsLayer, settings, stateFolder } from "../network.js"
import { showQr } from "../qr.js"
import { formatBytes, homeRelative, localTime } from "../show.js"
import { withSpinner } from "../spinner.js"
import { bold, dim } from "../style.js"

export const run = (o: PickupOptions) =>
  Effect.gen(function*() {
    // Options are checked before the key is opened, so a typo never costs a passphrase.
    const network = yield* settings(o)
    const carryNetwork = yield* carrySettings(o)
    const wait = Option.isSome(o.wait) ? { text: o.wait.value, within: yield* waitDuration(o.wait.value) } : undefined
    const keyStore = yield* KeyStore
    const explicit = Option.isSome(o.publisher) ? yield* parsePublicKey(o.publisher.value) : undefined
    const passphrase = { fd: Option.getOrUndefined(o.passphraseFd), file: Option.getOrUndefined(o.passphraseFile) }
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
          fd: Option.getOrUndefined(o.pinFd),
          file: Option.getOrUndefined(o.pinFile)
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
      // An explicit --project-dir always wins over the payload's path, even one that exists here.
      const inProject = Option.isNone(o.projectDir) && located._tag === "Right" && located.right._tag === "InProject"
      const target = Option.getOrElse(
        o.projectDir,
        () => located._tag === "Right" && located.right._tag === "InProject" ? located.right.dir : process.cwd()
      )
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
        if (found._tag === "InProject" && inProject) return { dir: found.dir, file: found.file, copied: [] }
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
        return placed
      })

      /** What happened to a carried conversation, for the JSON report. */
      let carried: CarriedOutcome | undefined
      /** Why a carried handoff was not carried (the publisher is not serving), when pickup fell back to a local copy. */
      let notCarried: string | undefined

      /**
       * A carried handoff: fetched, verified and unpacked under the state
       * folder, then placed by SessionPlacement's rules. When the publisher
       * is not serving, a local copy of the session is used (it may be
       * older); without one, this is a `NetworkError` (exit 6).
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
          const received = yield* Effect.either(
            receive({
              ticket,
              sessionId,
              identity: () => pinKey?.identity() ?? identityOf(keypair!),
              stateDir: yield* stateFolder,
              destination: (yield* Sessions).projectsDir,
              patience: network.timeout,
              from: host,
              quiet: o.json
            }).pipe(Effect.provide(carryLayer(carryNetwork)))
          )
          if (Either.isLeft(received)) {
            if (received.left._tag !== "NetworkError") return yield* new TransferRefused({ error: received.left })
            const gone = received.left instanceof NoDirectPath
              ? `Cannot fetch the conversation from ${host}: ${received.left.reason}`
              : `The publisher is not serving the conversation (${received.left.reason}): ` +
                `run \`cclink publish --carry\` on ${host}, then pick up again.`
            if (Either.isLeft(located)) return yield* new NetworkError({ reason: gone })
            notCarried = gone
            if (!o.json) {
              yield* Console.error(`${gone}\nUsing this machine's copy of the session instead; it may be older.`)
            }
            return yield* place
          }
          const files = received.right
          // Claude Code reads a project's memory into every session of the project: someone else's only on request.
          const memory = own || o.withMemory ? 0 : files.files.filter(({ kind }) => kind === "memory").length
          const placed = yield* placement.placeCarried(
            {
              folder: files.folder,
              sessionId,
              files: memory === 0 ? files.files : files.files.filter(({ kind }) => kind !== "memory")
            },
            carriedTarget,
            previousFolder(files)
          )
          const keepCarried = placed.conflicts.length > 0 || placed.keptLocal.length > 0
          const aside = keepCarried || memory > 0 || placed.previous.length > 0
            ? yield* keepAside(
              files,
              yield* stateFolder,
              sessionId,
              keepCarried ? "all" : memory > 0 ? "memory" : "none"
            )
            : undefined
          const memoryAside = memory > 0 ? { files: memory, folder: path.join(aside!, "memory") } : undefined
          carried = { bytes: ticket.size, via: files.via, placed, aside, memoryAside }
          if (!placed.placed) {
            return yield* new InvalidInput({ reason: conflictMessage(sessionId, placed, aside!) })
          }
          if (!o.json) yield* Console.error(carriedLines(ticket.size, files, placed, aside, memoryAside))
          return { dir: placed.dir, file: placed.file, copied: [] }
        }).pipe(Effect.scoped)

      const ready = payload.carry === undefined ? place : placeCarried(payload.carry)
      /**
       * Whether a burn may remove the handoff: a carried conversation that was
       * not placed (not fetched, fallen back to an older local copy, or kept
       * aside) is still reachable only through it.
       */
      const carriedPlaced = () => payload.carry === undefined || carried?.placed.placed === true

      if (o.noLaunch) {
        // Everything but starting claude: the session is put in place when it can be, so the
        // printed command works; when it cannot, the command is printed with the reason.
        const placed = yield* Effect.either(ready)
        // A transfer that failed or was refused is the command's failure, not a placement to report.
        if (placed._tag === "Left" && placed.left._tag === "NetworkError") return yield* placed.left
        if (placed._tag === "Left" && placed.left._tag === "TransferRefused") return yield* placed.left.error
        if (placed._tag === "Left" && !o.json) yield* Console.error(placed.left.message)
        const dir = placed._tag === "Right" ? placed.right.dir : payload.carry === undefined ? target : carriedTarget
        const burned = burnNow && own && carriedPlaced()
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
            sessionFile: placed._tag === "Right"
              ? placed.right.file
              : located._tag === "Right" && located.right._tag === "Elsewhere"
              ? located.right.source.file
              : null,
            placed: placed._tag === "Right",
            copied: placed._tag === "Right" ? placed.right.copied : [],
            notPlaced: placed._tag === "Left" ? placed.left.message : null,
            resumeDir: dir,
            command: resumeCommand(sessionId, dir),
            carried: carried !== undefined,
            carriedBytes: carried?.bytes ?? 0,
            carriedVia: carried?.via ?? null,
            carriedPlacement: carried === undefined ? null : {
              created: carried.placed.created,
              updated: carried.placed.updated,
              unchanged: carried.placed.unchanged,
              keptLocal: carried.placed.keptLocal,
              conflicts: carried.placed.conflicts
            },
            carriedCopy: carried?.aside ?? null,
            carriedMemoryAside: carried?.memoryAside?.folder ?? null,
            notCarried: notCarried ?? null
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
      const { dir } = yield* ready.pipe(Effect.catchTag("TransferRefused", ({ error }) => Effect.fail(error)))

      if (burnNow && own && carriedPlaced()) yield* burn(handoffs, keypair!, o.json)
      else if (burnNow && own) {
        yield* Console.error("Not burned: the carried conversation was not placed, and the handoff still leads to it.")
      } else if (record.burn) {
        yield* Console.error(
          carried !== undefined
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
  readonly error: SignatureInvalid | DecryptionFailed | InvalidInput | FileError
}> {}

/** A carried conversation, once received. */
interface CarriedOutcome {
  readonly bytes: number
  readonly via: CarryVia
  readonly placed: CarriedPlaced
  /** Where the carried files were kept, when some could not be placed. */
  readonly aside: string | undefined
  /** Someone else's project memory, not installed: how many files, and where they are. */
  readonly memoryAside: { readonly files: number; readonly folder: string } | undefined
}

/** What was received and where it went, for a person. */
const carriedLines = (
  bytes: number,
  received: Received,
  placed: CarriedPlaced,
  aside: string | undefined,
  memoryAside: CarriedOutcome["memoryAside"]
) => {
  const lines = [
    `Carried ${received.files.length} file${received.files.length === 1 ? "" : "s"} (${
      formatBytes(bytes)
    } encrypted, ${received.via}${received.attempts > 1 ? `, resumed ${received.attempts - 1} time(s)` : ""}).`,
    ...placed.created.map((file) => `  new      ${homeRelative(file)}`),
    ...placed.updated.map((file) => `  updated  ${homeRelative(file)} (it held an older copy of this conversation)`),
    ...placed.unchanged.map((file) => `  same     ${homeRelative(file)}`)
  ]
  if (memoryAside !== undefined) {
    lines.push(
      `  Not installed: the project memory it carries (${memoryAside.files} file${
        memoryAside.files === 1 ? "" : "s"
      }), kept in ${homeRelative(memoryAside.folder)}.`,
      "  Claude Code reads a project's memory into every session of the project; someone else's is installed",
      "  only with --with-memory."
    )
  }
  if (placed.previous.length > 0) {
    lines.push(`  The older copies are kept in ${homeRelative(path.join(aside!, "previous"))}.`)
  }
  for (const file of placed.recent) {
    lines.push(
      `  ${homeRelative(file)} was written to in the last minute: if a claude session is open on it, close it;` +
        " what it wrote is in the kept copy."
    )
  }
  for (const file of placed.keptLocal) {
    lines.push(`  kept     ${homeRelative(file)} (yours differs; the carried one is in ${homeRelative(aside!)})`)
  }
  return lines.join("\n")
}

/** Another conversation holds the session's name here: what is where, and how to resume either. */
const conflictMessage = (sessionId: SessionId, placed: CarriedPlaced, aside: string) => {
  const local = placed.conflicts[0]!
  const carriedCopy = path.join(aside, ...path.relative(path.dirname(placed.file), local).split(path.sep))
  return [
    `A different conversation is already at ${local}; cclink never overwrites it, and did not start claude.`,
    `The carried conversation is kept at ${aside}.`,
    `To resume yours:  ${resumeCommand(sessionId, placed.dir)}`,
    "To resume the carried one instead, move yours aside first:",
    `  mv ${shellQuote(local)} ${shellQuote(`${local}.mine`)} && cp ${shellQuote(carriedCopy)} ${shellQuote(local)}`,
    `  ${resumeCommand(sessionId, placed.dir)}`
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
