/** `cclink pickup`: its options and help; the work is in ../handlers/pickup.ts, loaded when it runs. */
import { Args, Command, Options } from "@effect/cli"
import { lazy } from "../lazy.js"
import * as shared from "../options.js"

export const options = {
  publisher: Args.text({ name: "PUBKEY" }).pipe(
    Args.withDescription("Whose handoff to pick up (pk:... or z32); default: your own key."),
    Args.optional
  ),
  yes: shared.yes,
  burn: Options.boolean("burn").pipe(
    Options.withDescription("Remove the handoff after this pickup, even if it was not published with --burn.")
  ),
  noLaunch: Options.boolean("no-launch").pipe(
    Options.withDescription("Print the resume command instead of starting claude.")
  ),
  projectDir: Options.directory("project-dir").pipe(
    Options.optional,
    Options.withDescription("Where the project lives on this machine, when its path differs from the publisher's.")
  ),
  qr: Options.boolean("qr").pipe(Options.withDescription("Show the session id as a QR code.")),
  wait: Options.text("wait").pipe(
    Options.optional,
    Options.withDescription(
      "If there is no new handoff yet, wait for one: --wait alone waits 10m, or give a duration (--wait 30m)."
    )
  ),
  json: shared.json,
  ...shared.pinSources,
  ...shared.passphraseSources,
  ...shared.network,
  ...shared.carryNetwork
}

export type PickupOptions = Command.Command.ParseConfig<typeof options>

export const command = Command.make("pickup", options, lazy(() => import("../handlers/pickup.js"))).pipe(
  Command.withDescription(
    "Pick up a handoff: resolve, verify, decrypt, and resume it with claude. A handoff published with\n" +
      "--carry brings the conversation itself: it is fetched from the publisher, checked, and placed first\n" +
      "(--timeout then bounds the time without progress).\n\n" +
      "Examples:\n" +
      "  cclink pickup                      your own latest handoff\n" +
      "  cclink pickup pk:<their key>       a handoff shared with you or PIN-protected\n" +
      "  cclink pickup --no-launch --json   print what would be resumed, as JSON\n" +
      "  cclink pickup --project-dir ~/src/app   the project lives elsewhere on this machine"
  )
)
