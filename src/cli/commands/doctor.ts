/** `cclink doctor`: its options and help; the work is in ../handlers/doctor.ts, loaded when it runs. */
import { Command } from "@effect/cli"
import { type About, parserOptions } from "../described.js"
import { lazy } from "../lazy.js"
import * as shared from "../options.js"

export const spec = { ...shared.passphraseSources, ...shared.network, json: shared.json }

export const options = parserOptions(spec)

export const about: About = {
  summary: "check key, network, claude, sessions and your last handoff",
  examples: [
    ["cclink doctor", "run every check, a fix for each failure"],
    ["cclink doctor --json", "the results, for scripts or a bug report"]
  ]
}

export const command = Command.make("doctor", options, lazy(() => import("../handlers/doctor.js"))).pipe(
  Command.withDescription(about.summary)
)
