/** `cclink doctor`: its options and help; the work is in ../handlers/doctor.ts, loaded when it runs. */
import { Command } from "@effect/cli"
import { lazy } from "../lazy.js"
import * as shared from "../options.js"

export const options = { json: shared.json, ...shared.passphraseSources, ...shared.network }

export type DoctorOptions = Command.Command.ParseConfig<typeof options>

export const command = Command.make("doctor", options, lazy(() => import("../handlers/doctor.js"))).pipe(
  Command.withDescription(
    "Check the key, the network, claude, Claude Code's sessions and your last handoff, with a fix for each failure.\n\n" +
      "Examples:\n" +
      "  cclink doctor          run every check, a fix for each failure\n" +
      "  cclink doctor --json   the results, for scripts or a bug report"
  )
)
