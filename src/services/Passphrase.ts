/**
 * Secret input for key passphrases and PINs, non-interactive first. Sources in
 * priority order: a file descriptor, a file (mode 0600 or 0400), the
 * environment, then a hidden prompt on the terminal. Never the command line:
 * the CLI refuses inline secrets, because argv leaks through `ps` and shell
 * history.
 */
import { Config, Context, Effect, Layer, Option, Redacted } from "effect"
import { type Declined, type FileError, PassphraseError, type PermissionError } from "../domain/errors.js"
import { checkPin } from "../domain/pinPolicy.js"
import { readDescriptor, readSecretFile } from "./secretFile.js"
import { TerminalPrompt } from "./TerminalPrompt.js"

export type SecretKind = "passphrase" | "PIN"

/** The `--passphrase-fd N` / `--passphrase-file PATH` options (or the `--pin-…` ones). */
export interface SecretSources {
  readonly fd?: number | undefined
  readonly file?: string | undefined
}

export interface SecretRequest extends SecretSources {
  readonly kind: SecretKind
  /** A new secret: confirmed on a terminal; a new passphrase must be long enough. */
  readonly creating: boolean
}

export const MIN_PASSPHRASE_LENGTH = 8

/** Refuses a new passphrase shorter than 8 characters (code points). PINs have their own policy. */
export const checkNewPassphrase = (passphrase: Redacted.Redacted<string>): Effect.Effect<void, PassphraseError> =>
  [...Redacted.value(passphrase)].length >= MIN_PASSPHRASE_LENGTH
    ? Effect.void
    : Effect.fail(
      new PassphraseError({ reason: `A new passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters.` })
    )

export class Passphrase extends Context.Tag("cclink/Passphrase")<Passphrase, {
  readonly get: (
    request: SecretRequest
  ) => Effect.Effect<Redacted.Redacted<string>, PassphraseError | PermissionError | Declined>
}>() {
  /** Reads `CCLINK_PASSPHRASE` and `CCLINK_PIN` once, when built. */
  static readonly layer = Layer.effect(
    Passphrase,
    Effect.gen(function*() {
      const terminal = yield* TerminalPrompt
      const environment = {
        passphrase: yield* fromEnvironment(ENVIRONMENT.passphrase),
        PIN: yield* fromEnvironment(ENVIRONMENT.PIN)
      }

      const prompt = (request: SecretRequest) =>
        terminal.secret(request.creating ? `New ${request.kind}: ` : `${capitalize(request.kind)}: `)

      const confirm = (request: SecretRequest, secret: Redacted.Redacted<string>) =>
        terminal.secret(`Repeat ${request.kind}: `).pipe(
          Effect.filterOrFail(
            (again) => Redacted.value(again) === Redacted.value(secret),
            () => new PassphraseError({ reason: `The ${request.kind}s do not match.` })
          )
        )

      const get = Effect.fn("Passphrase.get")(function*(request: SecretRequest) {
        const fromEnv = environment[request.kind]
        const fromTerminal = request.fd === undefined && request.file === undefined && Option.isNone(fromEnv)
        const secret = yield* (
          request.fd !== undefined
            ? fromDescriptor(request.kind, request.fd)
            : request.file !== undefined
            ? fromFile(request.kind, request.file, process.platform)
            : Option.isSome(fromEnv)
            // A fresh Redacted each time, so a caller wiping its copy leaves the next request intact.
            ? Effect.succeed(Redacted.make(Redacted.value(fromEnv.value)))
            : terminal.interactive
            ? prompt(request)
            : noSource(request.kind)
        )

        if (Redacted.value(secret) === "") {
          return yield* new PassphraseError({ reason: `The ${request.kind} is empty.` })
        }
        if (request.creating) {
          // The policy before the repeat prompt: a refused secret is typed once, and wiped.
          yield* Effect.onError(
            Effect.zipRight(
              request.kind === "passphrase" ? checkNewPassphrase(secret) : checkPin(secret),
              fromTerminal ? confirm(request, secret) : Effect.void
            ),
            () => Effect.sync(() => Redacted.unsafeWipe(secret))
          )
        }
        return secret
      })

      return Passphrase.of({ get })
    })
  )

  /** Answers every request of a kind with the given value; a kind without one fails as with no source. */
  static readonly layerTest = (secrets: Partial<Record<SecretKind, string>>) =>
    Layer.succeed(
      Passphrase,
      Passphrase.of({
        get: (request) => {
          const secret = secrets[request.kind]
          return secret === undefined ? noSource(request.kind) : Effect.succeed(Redacted.make(secret))
        }
      })
    )
}

const ENVIRONMENT: Record<SecretKind, string> = { passphrase: "CCLINK_PASSPHRASE", PIN: "CCLINK_PIN" }

/** The largest secret read from a file or descriptor: a passphrase, not a file dump. */
const MAX_BYTES = 64 * 1024

const noSource = (kind: SecretKind) => {
  const flag = kind.toLowerCase()
  return Effect.fail(
    new PassphraseError({
      reason: `No ${kind}: set ${ENVIRONMENT[kind]}, or pass --${flag}-file PATH or --${flag}-fd N.`
    })
  )
}

/** Set but empty counts as unset, as shells make it easy to export an empty variable. */
const fromEnvironment = (name: string) =>
  Config.option(Config.redacted(name)).pipe(Effect.map(Option.filter((value) => Redacted.value(value) !== "")))

const fromDescriptor = (kind: SecretKind, fd: number) =>
  Number.isSafeInteger(fd) && fd >= 0
    ? readDescriptor(fd, `file descriptor ${fd}`, { what: kind, maxBytes: MAX_BYTES }).pipe(
      Effect.mapError(unreadable),
      Effect.flatMap((bytes) => decode(kind, bytes))
    )
    : Effect.fail(new PassphraseError({ reason: `--${kind.toLowerCase()}-fd takes a file descriptor number.` }))

const fromFile = (kind: SecretKind, path: string, platform: NodeJS.Platform) =>
  readSecretFile(path, { what: `${kind} file`, modes: [0o600, 0o400], maxBytes: MAX_BYTES }, platform).pipe(
    Effect.catchTag("FileError", (error) => Effect.fail(unreadable(error))),
    Effect.flatMap((bytes) => decode(kind, bytes))
  )

const unreadable = (error: FileError) => new PassphraseError({ reason: `${error.message}.` })

/**
 * UTF-8 (strict, a byte-order mark kept as given) minus exactly one trailing
 * "\r\n" or "\n": `echo pw > file` and Windows editors both work, and nothing
 * else of the secret is touched.
 */
const decode = (kind: SecretKind, bytes: Uint8Array) =>
  Effect.try({
    try: () => {
      const end = bytes.at(-1) === 0x0a ? (bytes.at(-2) === 0x0d ? bytes.length - 2 : bytes.length - 1) : bytes.length
      return Redacted.make(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, end)))
    },
    catch: () => new PassphraseError({ reason: `The ${kind} is not valid UTF-8 text.` })
  }).pipe(Effect.ensuring(Effect.sync(() => bytes.fill(0))))

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)
