/**
 * `cclink init`: create the key (or import one), sealed under a passphrase
 * unless `--no-passphrase`.
 */
import { Console, Effect, Option, Redacted } from "effect"
import { readFile } from "node:fs/promises"
import { Declined, FileError } from "../../domain/errors.js"
import { toDisplay } from "../../domain/keyDisplay.js"
import { Keypair } from "../../domain/keys.js"
import { KeyStore } from "../../services/KeyStore.js"
import { Passphrase } from "../../services/Passphrase.js"
import { TerminalPrompt } from "../../services/TerminalPrompt.js"
import type { InitOptions } from "../commands/init.js"
import { Keys } from "../layers/Keys.js"

const readImport = (source: string) =>
  Effect.tryPromise({
    try: () => source === "-" ? readStdin() : readFile(source, "utf8"),
    catch: (error) =>
      new FileError({
        path: source === "-" ? "stdin" : source,
        reason: `Cannot read the key to import (${(error as NodeJS.ErrnoException).code ?? "error"})`
      })
  })

const readStdin = async () => {
  const chunks: Array<Buffer> = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString("utf8")
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
      ? yield* Effect.flatMap(readImport(o.import.value), keyStore.parseImport)
      : Keypair.generate()
    // The seed and the passphrase are wiped whatever happens once they exist: a passphrase
    // that cannot be read, or a failed write, must not leave them in memory.
    const getPassphrase = o.noPassphrase
      ? Effect.succeed(undefined)
      : Effect.flatMap(Passphrase, (passphrase) =>
        passphrase.get({
          kind: "passphrase",
          creating: true,
          fd: Option.getOrUndefined(o.passphraseFd),
          file: Option.getOrUndefined(o.passphraseFile)
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
