/** `cclink revoke`: its options and help; the work is in ../handlers/revoke.ts, loaded when it runs. */
import { Command } from "@effect/cli"
import { lazy } from "../lazy.js"
import * as shared from "../options.js"

export const options = { yes: shared.yes, json: shared.json, ...shared.passphraseSources, ...shared.network }

export type RevokeOptions = Command.Command.ParseConfig<typeof options>

export const command = Command.make("revoke", options, lazy(() => import("../handlers/revoke.js"))).pipe(
  Command.withDescription(
    "Remove your active handoff: an empty record replaces it on the DHT.\n\n" +
      "Examples:\n" +
      "  cclink revoke      asks first on a terminal\n" +
      "  cclink revoke -y   no question (scripts; required without a terminal)"
  )
)
