/** `cclink init`: its options and help; the work is in ../handlers/init.ts, loaded when it runs. */
import { Command, Options } from "@effect/cli"
import { type About, key, parserOptions } from "../described.js"
import { lazy } from "../lazy.js"
import * as shared from "../options.js"

export const spec = {
  import: key(
    Options.text("import").pipe(Options.withPseudoName("PATH"), Options.optional),
    "import a 64-hex-digit key from this file (- for stdin)"
  ),
  noPassphrase: key(Options.boolean("no-passphrase"), "store the key unencrypted (plaintext hex, mode 0600)"),
  ...shared.passphraseSources,
  yes: shared.yes
}

export const options = parserOptions(spec)

export const about: About = {
  summary: "create your key (Ed25519), passphrase-protected by default",
  examples: [
    ["cclink init", "new key, passphrase prompted twice"],
    ["cclink init --import ~/backup/secret_key", "import an existing key"],
    ["cclink init --passphrase-file ~/.pw", "passphrase from a file (mode 0600)"],
    ["cclink init --no-passphrase -y", "unencrypted, replace without asking"]
  ]
}

export const command = Command.make("init", options, lazy(() => import("../handlers/init.js"))).pipe(
  Command.withDescription(about.summary)
)
