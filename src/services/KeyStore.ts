/**
 * The user's key on disk, where keyFile.ts says: plaintext hex or a CCLINKEK
 * envelope (spec section 2), mode 0600 and nothing else, replaced atomically.
 */
import { Config, Context, Effect, Layer, Option, Redacted } from "effect"
import { type Argon2Costs, defaultCosts } from "../crypto/argon2Costs.js"
import { isEnvelope } from "../crypto/envelopeHeader.js"
import {
  type Declined,
  type DecryptionFailed,
  type FileError,
  InvalidInput,
  NotFound,
  type PassphraseError,
  type PermissionError
} from "../domain/errors.js"
import { Keypair } from "../domain/keys.js"
import { decodeSeedHex, encodeSeedHex } from "./hexSeed.js"
import { KEY_FILE_READ, keyFilePath } from "./keyFile.js"
import { checkNewPassphrase, Passphrase, type SecretSources } from "./Passphrase.js"
import { exists as secretFileExists, readSecretFile, writeSecretFile } from "./secretFile.js"

export interface SaveOptions {
  /** Seal the key in a CCLINKEK envelope under this passphrase; without one, plaintext hex. */
  readonly passphrase?: Redacted.Redacted<string> | undefined
  /** Replace an existing key; without it an existing key is refused. */
  readonly overwrite: boolean
}

/** The Argon2id costs new envelopes are written with: the spec's, unless a test asks for cheaper ones. */
export class EnvelopeCosts extends Context.Reference<EnvelopeCosts>()("cclink/EnvelopeCosts", {
  defaultValue: (): Argon2Costs => defaultCosts
}) {}

export class KeyStore extends Context.Tag("cclink/KeyStore")<KeyStore, {
  /** Absolute path of the key file. */
  readonly path: string
  readonly exists: Effect.Effect<boolean, FileError>
  /** Reads the key, asking `Passphrase` (with these sources) when it is an envelope. */
  readonly load: (
    sources?: SecretSources
  ) => Effect.Effect<
    Keypair,
    NotFound | PermissionError | FileError | InvalidInput | PassphraseError | DecryptionFailed | Declined
  >
  readonly save: (
    keypair: Keypair,
    options: SaveOptions
  ) => Effect.Effect<void, InvalidInput | PassphraseError | FileError>
  /** The key `cclink init --import` was given: 64 hex digits, surrounding whitespace aside. The caller wipes `bytes`. */
  readonly parseImport: (bytes: Uint8Array) => Effect.Effect<Keypair, InvalidInput>
}>() {
  /** Reads `CCLINK_KEY_FILE` and `HOME` once, when built. */
  static readonly layer = Layer.effect(
    KeyStore,
    Effect.gen(function*() {
      const passphrase = yield* Passphrase
      const costs = yield* EnvelopeCosts
      const path = yield* keyPath
      const { platform } = process

      const exists = secretFileExists(path, "key file")

      const unlockEnvelope = (bytes: Uint8Array, sources: SecretSources) =>
        Effect.acquireUseRelease(
          passphrase.get({ ...sources, kind: "passphrase", creating: false }),
          (secret) => Effect.flatMap(envelope, ({ openSeed }) => openSeed(bytes, secret)),
          (secret) => Effect.sync(() => Redacted.unsafeWipe(secret))
        )

      const seedOf = (
        bytes: Uint8Array,
        sources: SecretSources
      ): Effect.Effect<Uint8Array, InvalidInput | PassphraseError | PermissionError | DecryptionFailed | Declined> =>
        isEnvelope(bytes)
          ? unlockEnvelope(bytes, sources)
          : decodeSeedHex(bytes).pipe(
            Effect.mapError((reason) =>
              new InvalidInput({ reason: `The key file ${path} is not a valid key: it ${reason}.` })
            )
          )

      const load = Effect.fn("KeyStore.load")(function*(sources: SecretSources = {}) {
        const bytes = yield* readSecretFile(path, KEY_FILE_READ, platform).pipe(
          Effect.catchTag("FileError", (error) =>
            Effect.fail(
              error.code === "ENOENT"
                ? new NotFound({ what: `No key at ${path}.`, hint: "Run `cclink init` to create a key." })
                : error
            ))
        )
        const seed = yield* seedOf(bytes, sources).pipe(Effect.ensuring(Effect.sync(() => bytes.fill(0))))
        return yield* keypairOf(seed)
      })

      const alreadyExists = new InvalidInput({
        reason: `A key already exists at ${path}; it is only replaced when overwriting is asked for.`
      })

      const save = Effect.fn("KeyStore.save")(function*(keypair: Keypair, options: SaveOptions) {
        if (!options.overwrite && (yield* exists)) return yield* alreadyExists
        const { passphrase } = options
        const contents = passphrase === undefined
          ? encodeSeedHex(keypair.seed())
          : yield* checkNewPassphrase(passphrase).pipe(
            Effect.zipRight(envelope),
            Effect.flatMap(({ sealSeed }) => sealSeed(keypair.seed(), passphrase, costs))
          )
        yield* writeSecretFile(path, contents, { what: "key file", overwrite: options.overwrite, platform }).pipe(
          // Lost a race with another writer: the key that appeared meanwhile is kept.
          Effect.catchTag(
            "FileError",
            (error) => Effect.fail(error.code === "EEXIST" && error.path === path ? alreadyExists : error)
          ),
          Effect.ensuring(Effect.sync(() => contents.fill(0)))
        )
      })

      const parseImport = (bytes: Uint8Array) =>
        decodeSeedHex(bytes).pipe(
          Effect.mapError((reason) => new InvalidInput({ reason: `Cannot import the key: it ${reason}.` })),
          Effect.flatMap(keypairOf)
        )

      return KeyStore.of({ path, exists, load, save, parseImport })
    })
  )
}

/** The envelope's ciphers (age, Argon2) load only for envelope key files: `whoami` on a plaintext key stays fast. */
const envelope = Effect.promise(() => import("../crypto/envelope.js"))

const keyPath = Effect.map(
  Config.all({ keyFile: Config.option(Config.string("CCLINK_KEY_FILE")), home: Config.option(Config.string("HOME")) }),
  ({ home, keyFile }) => keyFilePath({ keyFile: Option.getOrUndefined(keyFile), home: Option.getOrUndefined(home) })
)

/** `Keypair` copies the seed, so this one is wiped whatever happens. */
const keypairOf = (seed: Uint8Array) =>
  Effect.suspend(() => Keypair.fromSeed(seed)).pipe(Effect.ensuring(Effect.sync(() => seed.fill(0))))
