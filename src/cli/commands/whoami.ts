/** `cclink whoami`: its options and help; the work is in ../handlers/whoami.ts, loaded when it runs. */
import { Command } from "@effect/cli"
import { type About, parserOptions } from "../described.js"
import { lazy } from "../lazy.js"
import * as shared from "../options.js"

export const spec = { ...shared.passphraseSources, json: shared.json }

export const options = parserOptions(spec)

export const about: About = {
  summary: "show your public key, its fingerprint and the key file",
  examples: [
    ["cclink whoami", "the key to give to a colleague"],
    ["cclink whoami --json", "the same, for scripts"],
    ["cclink whoami --passphrase-file ~/.cclink-pw", "unlock a key with a passphrase"]
  ]
}

export const command = Command.make("whoami", options, lazy(() => import("../handlers/whoami.js"))).pipe(
  Command.withDescription(about.summary)
)
