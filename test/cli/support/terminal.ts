/**
 * The CLI on a real pseudo-terminal: a tmux server on its own socket runs one
 * `cclink` command with exactly the given environment; the test reads the
 * screen and types into it, as a person would.
 */
import { execFileSync } from "node:child_process"
import { rmSync } from "node:fs"
import { setTimeout as sleep } from "node:timers/promises"
import { builtCli } from "./build.js"
import { expectClean } from "./cli.js"

const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`

let sessions = 0

export interface Terminal {
  /** The visible screen as text; with `escapes`, the colours and styles as ANSI sequences too. */
  readonly screen: (options?: { readonly escapes?: boolean }) => string
  /** Types `text` literally. */
  readonly type: (text: string) => void
  /** Presses keys by tmux name: "Enter", "C-c". */
  readonly press: (...keys: ReadonlyArray<string>) => void
  /** Waits until `text` is on the screen; the deadline is generous, only so a broken prompt cannot hang the suite. */
  readonly waitFor: (text: string) => Promise<string>
  /** Waits for the command to end and resolves to its exit status. */
  readonly exitCode: () => Promise<number>
  readonly close: () => void
}

export const onTerminal = async (
  args: ReadonlyArray<string>,
  options: { readonly env: Readonly<Record<string, string>>; readonly cwd: string }
): Promise<Terminal> => {
  const socket = `cclink-e2e-${process.pid}-${++sessions}`
  const tmux = (...tmuxArgs: ReadonlyArray<string>) =>
    execFileSync("tmux", ["-L", socket, "-f", "/dev/null", ...tmuxArgs], { encoding: "utf8" })
  const environment = Object.entries(options.env).map(([name, value]) => quote(`${name}=${value}`)).join(" ")
  const command = [process.execPath, await builtCli(), ...args].map(quote).join(" ")
  // The pane outlives the command so its last screen and exit status can be read.
  // dprint-ignore
  tmux(
    "new-session", "-d", "-s", "t", "-x", "200", "-y", "50", "-c", options.cwd,
    `env -i ${environment} ${command}; echo "EXIT=$?"; sleep 600`
  )
  const socketPath = tmux("display-message", "-p", "#{socket_path}").trim()
  const screen = (o: { readonly escapes?: boolean } = {}) =>
    tmux("capture-pane", "-p", ...(o.escapes === true ? ["-e"] : []), "-t", "t")
  const waitFor = async (text: string) => {
    for (const started = Date.now(); Date.now() - started < 30_000; await sleep(50)) {
      const current = screen()
      if (current.includes(text)) return current
    }
    throw new Error(`"${text}" never appeared on the terminal:\n${screen()}`)
  }
  return {
    screen,
    type: (text) => void tmux("send-keys", "-t", "t", "-l", text),
    press: (...keys) => void tmux("send-keys", "-t", "t", ...keys),
    waitFor,
    exitCode: async () => {
      const final = await waitFor("EXIT=")
      expectClean(final, `terminal of cclink ${args.join(" ")}`)
      return Number(/EXIT=(\d+)/.exec(final)![1])
    },
    close: () => {
      try {
        tmux("kill-server")
      } catch {
        // Already gone.
      }
      // tmux leaves its socket file behind.
      rmSync(socketPath, { force: true })
    }
  }
}
