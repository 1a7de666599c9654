/** `cclink publish`: its options and help; the work is in ../handlers/publish.ts, loaded when it runs. */
import { Args, Command, Options } from "@effect/cli"
import { lazy } from "../lazy.js"
import * as shared from "../options.js"

export const options = {
  sessionId: Args.text({ name: "SESSION_ID" }).pipe(
    Args.withDescription("The Claude Code session id (a UUID); default: the newest active session here."),
    Args.optional
  ),
  ttl: Options.text("ttl").pipe(
    Options.withDefault("24h"),
    Options.withDescription("How long the handoff stays valid: seconds or 90m, 8h, 2d (1m to 30d).")
  ),
  burn: Options.boolean("burn").pipe(Options.withDescription("Single use: the first pickup removes the handoff.")),
  share: Options.text("share").pipe(
    Options.optional,
    Options.withDescription("Encrypt to this public key (pk:... or z32) instead of your own.")
  ),
  pin: Options.boolean("pin").pipe(
    Options.withDescription("Protect with a PIN (prompted twice; or --pin-file, --pin-fd, CCLINK_PIN).")
  ),
  ...shared.pinSources,
  qr: Options.boolean("qr").pipe(Options.withDescription("Also show the pickup command as a QR code.")),
  keepalive: Options.boolean("keepalive").pipe(
    Options.withDescription(
      "Stay in the foreground and republish the handoff on a schedule until it expires, is replaced or is revoked."
    )
  ),
  every: Options.text("every").pipe(
    Options.withDefault("30m"),
    Options.withDescription("With --keepalive or --carry: how often to republish (default 30m).")
  ),
  carry: Options.boolean("carry").pipe(
    Options.withDescription(
      "Carry the conversation itself: stay in the foreground and serve it, encrypted, peer to peer, to the " +
        "picker (a --burn handoff: to the first one), until the handoff expires, is replaced or is revoked, or Ctrl-C."
    )
  ),
  json: shared.json,
  ...shared.passphraseSources,
  ...shared.network,
  ...shared.carryNetwork
}

export type PublishOptions = Command.Command.ParseConfig<typeof options>

export const command = Command.make("publish", options, lazy(() => import("../handlers/publish.js"))).pipe(
  Command.withDescription(
    "Publish the current Claude Code session as an encrypted handoff under your key.\n\n" +
      "Examples:\n" +
      "  cclink                                  publish the newest active session here\n" +
      "  cclink --ttl 2h --burn                  valid two hours, single use\n" +
      "  cclink --share pk:<their key>           encrypt to a colleague's key\n" +
      "  cclink --pin                            protect with a PIN (prompted twice)\n" +
      "  cclink --pin-file ~/.cclink-pin --burn  PIN from a file, single use\n" +
      "  cclink --share pk:<their key> --carry   hand the conversation itself to a colleague"
  )
)
