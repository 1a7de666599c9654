/**
 * Start-up: `cclink --version`, `--help` and `whoami` (a plaintext key, so no
 * Argon2 in the way) against a bare `node -e 0`, side by side.
 */
import { Effect } from "effect"
import { cclink, environment, node } from "./cli.js"
import { withKey } from "./homes.js"
import { type Comparison, sideBySide } from "./sideBySide.js"

export interface StartupResult extends Comparison {
  readonly command: string
}

/** Each command with what its output must contain, so an error path is never what gets timed. */
const COMMANDS: ReadonlyArray<{ readonly args: ReadonlyArray<string>; readonly prints: RegExp }> = [
  { args: ["--version"], prints: /^\d+\.\d+\.\d+/ },
  { args: ["--help"], prints: /pickup/ },
  { args: ["whoami"], prints: /pk:/ }
]

export const measure = (runs: number) =>
  Effect.scoped(Effect.gen(function*() {
    const home = yield* withKey("plaintext")
    const options = { env: environment(home.env) }
    const baseline = Effect.map(node(["-e", "0"], options), (finished) => finished.ms)
    return yield* Effect.forEach(COMMANDS, ({ args, prints }) => {
      const candidate = cclink(args, options).pipe(
        Effect.filterOrDieMessage(
          (finished) => prints.test(finished.stdout),
          `cclink ${args.join(" ")} printed something unexpected`
        ),
        Effect.map((finished) => finished.ms)
      )
      return Effect.map(
        sideBySide(runs, candidate, baseline),
        (comparison): StartupResult => ({ command: `cclink ${args.join(" ")}`, ...comparison })
      )
    })
  }))
