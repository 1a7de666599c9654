/**
 * The prompt tests' child process (promptChild.ts, bundled once per file) and
 * a temporary folder, made before a file's tests and removed after; the child
 * runs in a pipe (`start` of childScript.ts) or on a real terminal.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll } from "vitest"
import { tmuxSession } from "../support/tmux.js"
import { type Bundle, bundle } from "./childScript.js"

export const usePromptChild = (name: string) => {
  const root = mkdtempSync(join(tmpdir(), `cclink-${name}-`))
  let child: Bundle | undefined
  let results = 0
  beforeAll(async () => {
    child = await bundle(join(import.meta.dirname, "promptChild.ts"))
  })
  afterAll(() => {
    child?.remove()
    rmSync(root, { recursive: true, force: true })
  })
  const path = () => {
    if (child === undefined) throw new Error("The prompt child is bundled in beforeAll, before the tests.")
    return child.path
  }
  return {
    root,
    /** The bundled child script. */
    path,
    /**
     * Runs the child on a terminal with `request`. After it exits the screen
     * shows the terminal modes it left ("icanon echo" when restored) and
     * `EXIT=<its status>`; `outcome` reads what it wrote.
     */
    inTerminal: (request: object) => {
      const resultFile = join(root, `result${++results}.json`)
      const session = tmuxSession(
        `env -u CCLINK_PASSPHRASE -u CCLINK_PIN ${process.execPath} ${path()} '${
          JSON.stringify(request)
        }' ${resultFile}` +
          `; status=$?; stty -a | tr ' ;' '\\n\\n' | grep -x -e echo -e -echo -e icanon -e -icanon | tr '\\n' ' '` +
          // The pane stays open after the command, so its last screen and exit status can be read.
          `; (exit $status); echo "EXIT=$?"; sleep 300`
      )
      return { session, outcome: () => JSON.parse(readFileSync(resultFile, "utf8")) as unknown }
    }
  }
}
