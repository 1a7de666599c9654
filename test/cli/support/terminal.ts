/**
 * The CLI on a real pseudo-terminal: a tmux server on its own socket runs one
 * `cclink` command with exactly the given environment; the test reads the
 * screen and types into it, as a person would.
 */
import { shellQuote } from "../../../src/domain/shellQuote.js"
import { type TmuxSession, tmuxSession } from "../../support/tmux.js"
import { builtCli } from "./build.js"
import { expectClean } from "./cli.js"

export interface Terminal extends TmuxSession {
  /** Waits for the command to end and resolves to its exit status. */
  readonly exitCode: () => Promise<number>
}

export const onTerminal = async (
  args: ReadonlyArray<string>,
  options: { readonly env: Readonly<Record<string, string>>; readonly cwd: string }
): Promise<Terminal> => {
  const environment = Object.entries(options.env).map(([name, value]) => shellQuote(`${name}=${value}`)).join(" ")
  const command = [process.execPath, await builtCli(), ...args].map(shellQuote).join(" ")
  // The pane outlives the command so its last screen and exit status can be read.
  const session = tmuxSession(`env -i ${environment} ${command}; echo "EXIT=$?"; sleep 600`, {
    cwd: options.cwd,
    width: 200,
    height: 50
  })
  return {
    ...session,
    exitCode: async () => {
      const final = await session.waitFor("EXIT=")
      expectClean(final, `terminal of cclink ${args.join(" ")}`)
      return Number(/EXIT=(\d+)/.exec(final)![1])
    }
  }
}
