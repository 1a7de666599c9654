/**
 * A real pseudo-terminal for prompt tests: one tmux server per session, on its
 * own socket, running a command whose screen the test reads and types into.
 */
import { execFileSync } from "node:child_process"
import { readFileSync, rmSync } from "node:fs"
import { setTimeout as sleep } from "node:timers/promises"

let sessions = 0

export const tmuxSession = (command: string) => {
  const socket = `cclink-test-${process.pid}-${++sessions}`
  const tmux = (...args: ReadonlyArray<string>) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" })
  // The pane stays open after the command, so its last screen and exit status can be read.
  tmux("new-session", "-d", "-s", "t", "-x", "120", "-y", "30", `${command}; echo "EXIT=$?"; sleep 300`)
  const socketPath = tmux("display-message", "-p", "#{socket_path}").trim()

  const screen = () => tmux("capture-pane", "-p", "-t", "t")
  return {
    screen,
    /** Types `text` literally (no key names). */
    type: (text: string) => void tmux("send-keys", "-t", "t", "-l", text),
    /** Presses keys by tmux name: "Enter", "C-c", "C-d". */
    press: (...keys: ReadonlyArray<string>) => void tmux("send-keys", "-t", "t", ...keys),
    /** Waits for `text` on the screen (tmux trims trailing spaces); a generous deadline, only so a broken prompt cannot hang the suite. */
    waitFor: async (text: string, deadlineMs = 30_000) => {
      for (const start = Date.now(); Date.now() - start < deadlineMs; await sleep(50)) {
        const current = screen()
        if (current.includes(text)) return current
      }
      throw new Error(`"${text}" never appeared on the terminal:\n${screen()}`)
    },
    close: () => {
      tmux("kill-server")
      rmSync(socketPath, { force: true })
    }
  }
}

/**
 * Runs the bundled prompt child (promptChild.ts) on a terminal with `request`.
 * After it exits the screen shows the terminal modes it left ("icanon echo"
 * when restored) and `EXIT=<its status>`; `outcome` reads what it wrote.
 */
export const promptInTerminal = (childPath: string, request: object, resultFile: string) => {
  const session = tmuxSession(
    `env -u CCLINK_PASSPHRASE -u CCLINK_PIN ${process.execPath} ${childPath} '${
      JSON.stringify(request)
    }' ${resultFile}` +
      `; status=$?; stty -a | tr ' ;' '\\n\\n' | grep -x -e echo -e -echo -e icanon -e -icanon | tr '\\n' ' '` +
      `; (exit $status)`
  )
  return { session, outcome: () => JSON.parse(readFileSync(resultFile, "utf8")) as unknown }
}
