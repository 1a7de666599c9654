/** `cclink whoami`: its options and help; the work is in ../handlers/whoami.ts, loaded when it runs. */
import { Command } from "@effect/cli"
import { lazy } from "../lazy.js"
import * as shared from "../options.js"

export const options = { json: shared.json, ...shared.passphraseSources }

export type WhoamiOptions = Command.Command.ParseConfig<typeof options>

export const command = Command.make("whoami", options, lazy(() => import("../handlers/whoami.js"))).pipe(
  Command.withDescription(
    "Show your public key (what others pass to --share or pickup), its fingerprint and the key file.\n\n" +
      "Examples:\n" +
      "  cclink whoami                                  the key to give to a colleague\n" +
      "  cclink whoami --json                           the same, for scripts\n" +
      "  cclink whoami --passphrase-file ~/.cclink-pw   unlock a passphrase-protected key"
  )
)
