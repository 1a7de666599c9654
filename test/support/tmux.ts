/**
 * A real pseudo-terminal for tests: one tmux server per session, on its own
 * socket and without the user's configuration, running one shell command
 * whose screen the test reads and types into, as a person would.
 */
import { execFileSync } from "node:child_process"
import { rmSync } from "node:fs"
import { setTimeout as sleep } from "node:timers/promises"

let sessions = 0

export interface TmuxSession {
  /** The visible screen as text; with `escapes`, the colours and styles as ANSI sequences too. */
  readonly screen: (options?: { readonly escapes?: boolean }) => string
  /** Types `text` literally (no key names). */
  readonly type: (text: string) => void
  /** Presses keys by tmux name: "Enter", "C-c", "C-d". */
  readonly press: (...keys: ReadonlyArray<string>) => void
  /** Waits until `text` is on the screen (tmux trims trailing spaces); the deadline is generous, only so a broken prompt cannot hang the suite. */
  readonly waitFor: (text: string) => Promise<string>
  readonly close: () => void
}

/** Starts `command` (a shell command line) in a `width` x `height` terminal, in `cwd`. */
export const tmuxSession = (
  command: string,
  options: { readonly cwd?: string; readonly width?: number; readonly height?: number } = {}
): TmuxSession => {
  const socket = `cclink-test-${process.pid}-${++sessions}`
  const tmux = (...args: ReadonlyArray<string>) =>
    execFileSync("tmux", ["-L", socket, "-f", "/dev/null", ...args], { encoding: "utf8" })
  const size = ["-x", String(options.width ?? 120), "-y", String(options.height ?? 30)]
  tmux("new-session", "-d", "-s", "t", ...size, ...(options.cwd === undefined ? [] : ["-c", options.cwd]), command)
  const socketPath = tmux("display-message", "-p", "#{socket_path}").trim()
  const screen = (o: { readonly escapes?: boolean } = {}) =>
    tmux("capture-pane", "-p", ...(o.escapes === true ? ["-e"] : []), "-t", "t")
  return {
    screen,
    type: (text) => void tmux("send-keys", "-t", "t", "-l", text),
    press: (...keys) => void tmux("send-keys", "-t", "t", ...keys),
    waitFor: async (text) => {
      for (const started = Date.now(); Date.now() - started < 30_000; await sleep(50)) {
        const current = screen()
        if (current.includes(text)) return current
      }
      throw new Error(`"${text}" never appeared on the terminal:\n${screen()}`)
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
