/** `cclink revoke`: its options and help; the work is in ../handlers/revoke.ts, loaded when it runs. */
import { Command } from "@effect/cli"
import { type About, parserOptions } from "../described.js"
import { lazy } from "../lazy.js"
import * as shared from "../options.js"

export const spec = { ...shared.passphraseSources, ...shared.network, yes: shared.yes, json: shared.json }

export const options = parserOptions(spec)

export const about: About = {
  summary: "remove your active handoff (an empty record replaces it)",
  examples: [
    ["cclink revoke", "asks first on a terminal"],
    ["cclink revoke -y", "no question (scripts; required without a terminal)"]
  ]
}

export const command = Command.make("revoke", options, lazy(() => import("../handlers/revoke.js"))).pipe(
  Command.withDescription(about.summary)
)
