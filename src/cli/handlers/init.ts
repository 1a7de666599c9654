/**
 * `cclink init`: create the key (or import one), sealed under a passphrase
 * unless `--no-passphrase`.
 */
import { Console, Effect, Option, Redacted } from "effect"
import { open } from "node:fs/promises"
import { Declined, FileError } from "../../domain/errors.js"
import { toDisplay } from "../../domain/keyDisplay.js"
import { Keypair } from "../../domain/keys.js"
import { KeyStore } from "../../services/KeyStore.js"
import { Passphrase } from "../../services/Passphrase.js"
import { readDescriptor } from "../../services/secretFile.js"
import { TerminalPrompt } from "../../services/TerminalPrompt.js"
import { Keys } from "../layers/Keys.js"
import { passphraseSource, type PassphraseSourceOptions } from "../secretSources.js"

/** A key file is 64 hex digits; the bound keeps a mistaken source (a log, a device) from being read whole. */
const MAX_IMPORT_BYTES = 4096

/** The key to import as bytes (never a string, which could not be wiped), from a file or stdin (`-`). */
const readImport = (source: string): Effect.Effect<Uint8Array, FileError> => {
  const options = { what: "key to import", maxBytes: MAX_IMPORT_BYTES }
  return source === "-"
    ? readDescriptor(0, "stdin", options)
    : Effect.acquireUseRelease(
      Effect.tryPromise({
        try: () => open(source, "r"),
        catch: (error) =>
          new FileError({
            path: source,
            reason: `Cannot read the key to import (${(error as NodeJS.ErrnoException).code ?? "error"})`
          })
      }),
      (file) => readDescriptor(file.fd, source, options),
      (file) => Effect.promise(() => file.close())
    )
}

/** What `cclink init` parses (../commands/init.ts). */
export interface InitOptions extends PassphraseSourceOptions {
  readonly import: Option.Option<string>
  readonly noPassphrase: boolean
  readonly yes: boolean
}

export const run = (o: InitOptions) =>
  Effect.gen(function*() {
    const keyStore = yield* KeyStore
    if (yield* keyStore.exists) {
      const terminal = yield* TerminalPrompt
      if (!o.yes) {
        if (!terminal.interactive) {
          return yield* new Declined({
            what:
              `a key already exists at ${keyStore.path}.\nRun \`cclink init -y\` to replace it (the old key is lost).`
          })
        }
        const replace = yield* terminal.confirm(
          `A key already exists at ${keyStore.path}. Replace it? The old key is lost.`
        )
        if (!replace) return yield* new Declined({ what: "the existing key is kept" })
      }
    }

    const keypair = Option.isSome(o.import)
      ? yield* Effect.acquireUseRelease(
        readImport(o.import.value),
        keyStore.parseImport,
        (bytes) => Effect.sync(() => bytes.fill(0))
      )
      : Keypair.generate()
    // The seed and the passphrase are wiped whatever happens once they exist: a passphrase
    // that cannot be read, or a failed write, must not leave them in memory.
    const getPassphrase = o.noPassphrase
      ? Effect.succeed(undefined)
      : Effect.flatMap(Passphrase, (passphrase) =>
        passphrase.get({
          kind: "passphrase",
          creating: true,
          ...passphraseSource(o)
        }))
    const sealed = yield* Effect.acquireUseRelease(
      getPassphrase,
      (passphrase) => Effect.as(keyStore.save(keypair, { passphrase, overwrite: true }), passphrase !== undefined),
      (passphrase) => Effect.sync(() => passphrase !== undefined && Redacted.unsafeWipe(passphrase))
    ).pipe(Effect.ensuring(Effect.sync(() => keypair.wipe())))

    yield* Console.log([
      `${Option.isSome(o.import) ? "Imported" : "Created"} key: ${keyStore.path}${
        sealed ? " (passphrase-protected)" : " (unencrypted)"
      }`,
      `Public key: ${toDisplay(keypair.publicKey)}`,
      "",
      "Next: copy this key file to your other machines (or run `cclink init --import` there),",
      "then run `cclink` in a Claude Code project to publish, and `cclink pickup` elsewhere."
    ].join("\n"))
  }).pipe(Effect.provide(Keys))
