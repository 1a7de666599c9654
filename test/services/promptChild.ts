/**
 * Child process for the Passphrase and TerminalPrompt tests that need a real
 * process: a file descriptor inherited from the parent, no terminal at all, or
 * a real terminal (tmux). Uses the live layers and the real environment.
 *
 *   node promptChild.mjs '<SecretRequest JSON>' [result file]
 *   node promptChild.mjs '{"confirm":"<question>"}' [result file]
 *
 * The outcome, `{"value":...}` or `{"error":"<tag>","message":"..."}`, goes to
 * stdout, or to the result file when one is given: on a terminal the screen
 * then shows only "DONE" or the error message, never the secret. Exit 0 or 1.
 */
import { Effect, Either, Layer, Redacted } from "effect"
import { writeFileSync } from "node:fs"
import type { Declined, PassphraseError, PermissionError } from "../../src/domain/errors.js"
import { Passphrase, type SecretRequest } from "../../src/services/Passphrase.js"
import { TerminalPrompt } from "../../src/services/TerminalPrompt.js"

const [requestJson = "{}", resultFile] = process.argv.slice(2)
const request = JSON.parse(requestJson) as SecretRequest | { readonly confirm: string }

const program: Effect.Effect<
  string | boolean,
  PassphraseError | PermissionError | Declined,
  Passphrase | TerminalPrompt
> = "confirm" in request
  ? Effect.flatMap(TerminalPrompt, (terminal) => terminal.confirm(request.confirm))
  : Effect.flatMap(Passphrase, (passphrase) => passphrase.get(request)).pipe(Effect.map(Redacted.value))

const result = await Effect.runPromise(
  program.pipe(
    Effect.either,
    Effect.provide(Passphrase.layer.pipe(Layer.provideMerge(TerminalPrompt.layer)))
  )
)
const outcome = Either.isRight(result)
  ? { value: result.right }
  : { error: result.left._tag, message: result.left.message }

if (resultFile === undefined) {
  process.stdout.write(JSON.stringify(outcome))
} else {
  writeFileSync(resultFile, JSON.stringify(outcome))
  process.stderr.write(`${Either.isRight(result) ? "DONE" : result.left.message}\n`)
}
process.exitCode = Either.isRight(result) ? 0 : 1
