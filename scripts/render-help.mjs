// Build step: renders every command's --help from the command definitions
// into dist/help.json, so `cclink --help` prints it without loading the
// command tree. The text is exactly what the command tree prints for
// `--help` with other words around it (test/cli/help.test.ts checks this).
import { writeFileSync } from "node:fs"
import { createRequire } from "node:module"

const { HELP_PATHS, renderHelp } = createRequire(import.meta.url)("../dist/cclink.cjs")
const texts = {}
for (const path of HELP_PATHS) texts[path] = renderHelp(path)
writeFileSync(new URL("../dist/help.json", import.meta.url), JSON.stringify(texts))
