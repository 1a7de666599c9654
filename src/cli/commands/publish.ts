/** `cclink publish`: its options and help; the work is in ../handlers/publish.ts, loaded when it runs. */
import { Args, Command, Options } from "@effect/cli"
import { formatDuration } from "../../domain/duration.js"
import { MAX_TTL, MIN_TTL } from "../../domain/expiry.js"
import { type About, argument, handoff, parserOptions } from "../described.js"
import { lazy } from "../lazy.js"
import * as shared from "../options.js"

export const spec = {
  sessionId: argument(
    Args.text({ name: "SESSION_ID" }).pipe(Args.optional),
    "session id (a UUID); default: the newest one here"
  ),
  ttl: handoff(
    Options.text("ttl").pipe(Options.withPseudoName("DURATION")),
    `validity, 90m/8h/2d/seconds, ${formatDuration(MIN_TTL)} to ${formatDuration(MAX_TTL)}`,
    "24h"
  ),
  burn: handoff(Options.boolean("burn"), "single use: the first pickup removes the handoff"),
  share: handoff(
    Options.text("share").pipe(Options.withPseudoName("PUBKEY"), Options.optional),
    "encrypt to this key (pk:... or z32) instead of yours"
  ),
  pin: handoff(Options.boolean("pin"), "protect with a PIN (prompted twice, or see Secrets)"),
  carry: handoff(Options.boolean("carry"), "also hand over the conversation, served peer to peer"),
  keepalive: handoff(Options.boolean("keepalive"), "republish until it expires, is replaced or is revoked"),
  every: handoff(
    Options.text("every").pipe(Options.withPseudoName("DURATION")),
    "with --keepalive or --carry: how often",
    "30m"
  ),
  ...shared.pinSources,
  ...shared.passphraseSources,
  ...shared.network,
  ...shared.carryNetwork,
  qr: shared.qr("the pickup command"),
  json: shared.json
}

export const options = parserOptions(spec)

export const about: About = {
  summary: "publish the current session as an encrypted handoff (the default)",
  examples: [
    ["cclink", "publish the newest active session here"],
    ["cclink --ttl 2h --burn", "valid two hours, single use"],
    ["cclink --share pk:<their key>", "encrypt to a colleague's key"],
    ["cclink --pin", "protect with a PIN (prompted twice)"],
    ["cclink --pin-file ~/.cclink-pin --burn", "PIN from a file, single use"],
    ["cclink --share pk:<their key> --carry", "a colleague gets the conversation too"]
  ]
}

export const command = Command.make("publish", options, lazy(() => import("../handlers/publish.js"))).pipe(
  Command.withDescription(about.summary)
)
