/**
 * `cclink pickup [PUBKEY]`: resolve, verify, decrypt, place the session
 * file, honour burn, and start `claude --resume` in the project directory.
 */
import { Console, Duration, Effect, Either, Layer, Option, Redacted } from "effect"
import { formatDuration, parseDuration } from "../../domain/duration.js"
import { Declined, InvalidInput } from "../../domain/errors.js"
import { expiresAt, nowSeconds } from "../../domain/expiry.js"
import { toDisplay, toZ32 } from "../../domain/keyDisplay.js"
import { equals, type Keypair } from "../../domain/keys.js"
import { parsePublicKey } from "../../domain/publicKey.js"
import { parseSessionId, shortSessionId } from "../../domain/sessionId.js"
import { ClaudeLauncher, resumeCommand } from "../../services/ClaudeLauncher.js"
import type { Handoffs, Opener, Verified } from "../../services/Handoffs.js"
import { KeyStore } from "../../services/KeyStore.js"
import { Passphrase } from "../../services/Passphrase.js"
import { SessionPlacement } from "../../services/SessionPlacement.js"
import { TerminalPrompt } from "../../services/TerminalPrompt.js"
import { waitForHandoff } from "../../services/WaitForHandoff.js"
import type { PickupOptions } from "../commands/pickup.js"
import { Claude } from "../layers/Claude.js"
import { Keys } from "../layers/Keys.js"
import { handoffsLayer, settings } from "../network.js"
import { showQr } from "../qr.js"
import { homeRelative, localTime } from "../show.js"
import { withSpinner } from "../spinner.js"
import { bold, dim } from "../style.js"

export const run = (o: PickupOptions) =>
  Effect.gen(function*() {
    // Options are checked before the key is opened, so a typo never costs a passphrase.
    const network = yield* settings(o)
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

      const opener: Opener = record.pinSalt !== undefined
        ? {
          _tag: "Pin",
          pin: yield* (yield* Passphrase).get({
            kind: "PIN",
            creating: false,
            fd: Option.getOrUndefined(o.pinFd),
            file: Option.getOrUndefined(o.pinFile)
          })
        }
        : { _tag: "Keypair", keypair: yield* loadKey }
      const payload = yield* Effect.ensuring(
        handoffs.open(verified, opener),
        Effect.sync(() => opener._tag === "Pin" && Redacted.unsafeWipe(opener.pin))
      )
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

      /**
       * Where claude will find the session: its project folder, or `target`'s
       * once the session file is copied there (with -y, --project-dir or a yes).
       */
      const place = Effect.gen(function*() {
        const found = yield* located
        if (found._tag === "InProject" && inProject) return { dir: found.dir, file: found.file, copied: [] }
        if (Option.isNone(o.projectDir) && !o.yes && !terminal.interactive) {
          return yield* new InvalidInput({
            reason: `The project ${payload.project} is not on this machine.\n` +
              "Pass --project-dir DIR with where it lives here (or -y to use the current directory)."
          })
        }
        if (!o.yes && terminal.interactive) {
          const question = `The session file is not in ${homeRelative(target)}'s folder. Copy it there${
            o.noLaunch ? "" : ` and resume in ${homeRelative(target)}`
          }?`
          if (!(yield* terminal.confirm(question))) return yield* new Declined({ what: "pickup" })
        }
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

      if (o.noLaunch) {
        // Everything but starting claude: the session is put in place when it can be, so the
        // printed command works; when it cannot, the command is printed with the reason.
        const placed = yield* Effect.either(place)
        if (placed._tag === "Left" && !o.json) yield* Console.error(placed.left.message)
        const dir = placed._tag === "Right" ? placed.right.dir : target
        if (burnNow && own) yield* burn(handoffs, keypair!, o.json)
        if (o.json) {
          return yield* Console.log(JSON.stringify({
            sessionId,
            project: payload.project,
            hostname: payload.hostname,
            publisher: toZ32(publisher),
            createdAt: record.createdAt,
            expiresAt: expiresAt(record),
            burn: record.burn,
            burned: burnNow && own,
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
            command: resumeCommand(sessionId, dir)
          }))
        }
        yield* Console.log(resumeCommand(sessionId, dir))
        if (o.qr) yield* showQr(sessionId)
        return
      }

      if (!o.yes && terminal.interactive && inProject && located._tag === "Right") {
        const question = `Resume session ${shortSessionId(sessionId)} in ${homeRelative(located.right.dir)}?`
        if (!(yield* terminal.confirm(question))) return yield* new Declined({ what: "pickup" })
      }
      const { dir } = yield* place

      if (burnNow && own) yield* burn(handoffs, keypair!, o.json)
      else if (record.burn) {
        yield* Console.error("This is a burn-after-reading handoff; only its publisher can remove it.")
      }
      if (o.qr) yield* showQr(sessionId)
      yield* Console.error(`Resuming session ${bold(process.stderr)(shortSessionId(sessionId))}...`)
      yield* Console.error(dim(process.stderr)(`claude --resume ${sessionId}   (in ${homeRelative(dir)})`))
      keypair?.wipe()
      const code = yield* (yield* ClaudeLauncher).resume(sessionId, dir)
      return yield* Effect.sync(() => {
        process.exitCode = code
      })
    }).pipe(
      Effect.provide(handoffsLayer(network)),
      Effect.ensuring(Effect.sync(() => keypair?.wipe()))
    )
  }).pipe(Effect.provide(Layer.mergeAll(Keys, Claude)))

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
