/** `cclink list`: its options and help; the work is in ../handlers/list.ts, loaded when it runs. */
import { Args, Command } from "@effect/cli"
import { type About, argument, parserOptions } from "../described.js"
import { lazy } from "../lazy.js"
import * as shared from "../options.js"

export const spec = {
  publisher: argument(
    Args.text({ name: "PUBKEY" }).pipe(Args.optional),
    "whose handoff (pk:... or z32); default: your own key"
  ),
  ...shared.passphraseSources,
  ...shared.network,
  json: shared.json
}

export const options = parserOptions(spec)

export const about: About = {
  summary: "show the active handoff: project, age, time left, burn, recipient",
  examples: [
    ["cclink list", "your own handoff, as a table"],
    ["cclink list pk:<their key>", "someone else's (the project stays hidden)"],
    ["cclink list --json", "for scripts"]
  ]
}

export const command = Command.make("list", options, lazy(() => import("../handlers/list.js"))).pipe(
  Command.withDescription(about.summary)
)
