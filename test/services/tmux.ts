/** The prompt tests' child process on a real terminal (../support/tmux.ts). */
import { readFileSync } from "node:fs"
import { tmuxSession } from "../support/tmux.js"

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
      // The pane stays open after the command, so its last screen and exit status can be read.
      `; (exit $status); echo "EXIT=$?"; sleep 300`
  )
  return { session, outcome: () => JSON.parse(readFileSync(resultFile, "utf8")) as unknown }
}
