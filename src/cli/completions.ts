/**
 * `cclink --completions SHELL`: @effect/cli's completion script for the
 * command tree, less the built-in options cclink refuses (`--wizard`,
 * `--log-level`: ./checkOptions.ts), which @effect/cli offers on every
 * command. A completion must not offer what the parser then rejects.
 */
import { Command } from "@effect/cli"
import { Effect } from "effect"
import { REFUSED_BUILT_IN } from "./checkOptions.js"

const SCRIPTS = {
  bash: Command.getBashCompletions,
  sh: Command.getBashCompletions,
  fish: Command.getFishCompletions,
  zsh: Command.getZshCompletions
}

export const SHELLS = Object.keys(SCRIPTS).sort()

const names = REFUSED_BUILT_IN.map((name) => name.slice(2)).join("|")
/** bash lists option words in `opts="... --wizard ..."`. */
const bashWord = new RegExp(` --(?:${names})(?=[ "])`, "g")
/** fish has a line `complete -c cclink ... -l wizard ...` per option and command. */
const fishLine = new RegExp(` -l (?:${names})(?: |$)`)
/** zsh has a line `'--wizard[Start wizard mode...]' \` per option and command. */
const zshLine = new RegExp(`^\\s*'--(?:${names})\\[`)

const withoutRefused = (shell: keyof typeof SCRIPTS, lines: ReadonlyArray<string>): Array<string> => {
  switch (shell) {
    case "bash":
    case "sh":
      return lines.map((line) => line.replace(bashWord, ""))
    case "fish":
      return lines.filter((line) => !fishLine.test(line))
    case "zsh":
      return lines.filter((line) => !zshLine.test(line))
  }
}

const isShell = (shell: string): shell is keyof typeof SCRIPTS => Object.hasOwn(SCRIPTS, shell)

/** The script for `shell` (bash, fish, sh, zsh), or the one line saying which shells there are. */
export const completionScript = <Name extends string, R, E, A>(
  command: Command.Command<Name, R, E, A>,
  shell: string
): Effect.Effect<string, string> =>
  isShell(shell)
    ? Effect.map(SCRIPTS[shell](command, "cclink"), (lines) => withoutRefused(shell, lines).join("\n"))
    : Effect.fail(`--completions: no script for "${shell}"; use ${SHELLS.join(", ")}.`)
