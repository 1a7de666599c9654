/** `cclink list`: its options and help; the work is in ../handlers/list.ts, loaded when it runs. */
import { Args, Command } from "@effect/cli"
import { lazy } from "../lazy.js"
import * as shared from "../options.js"

export const options = {
  publisher: Args.text({ name: "PUBKEY" }).pipe(
    Args.withDescription("Whose handoff to list; default: your own key."),
    Args.optional
  ),
  json: shared.json,
  ...shared.passphraseSources,
  ...shared.network
}

export type ListOptions = Command.Command.ParseConfig<typeof options>

export const command = Command.make("list", options, lazy(() => import("../handlers/list.js"))).pipe(
  Command.withDescription(
    "Show your active handoff: project (when you can decrypt it), age, time left, burn, recipient.\n\n" +
      "Examples:\n" +
      "  cclink list                 your own handoff, as a table\n" +
      "  cclink list pk:<their key>  someone else's (the project stays hidden)\n" +
      "  cclink list --json          for scripts"
  )
)
