/** `cclink pickup`: its options and help; the work is in ../handlers/pickup.ts, loaded when it runs. */
import { Args, Command, Options } from "@effect/cli"
import { type About, argument, handoff, parserOptions } from "../described.js"
import { lazy } from "../lazy.js"
import * as shared from "../options.js"

/** How long `--wait` without a value waits (../argv.ts gives it before parsing). */
export const BARE_WAIT = "10m"

export const spec = {
  publisher: argument(
    Args.text({ name: "PUBKEY" }).pipe(Args.optional),
    "whose handoff (pk:... or z32); default: your own key"
  ),
  projectDir: handoff(
    Options.directory("project-dir").pipe(Options.withPseudoName("DIR"), Options.optional),
    "start claude here, whatever path the handoff names"
  ),
  wait: handoff(
    Options.text("wait").pipe(Options.withPseudoName("[DURATION]"), Options.optional),
    `wait until there is a new handoff (--wait alone: ${BARE_WAIT})`
  ),
  burn: handoff(Options.boolean("burn"), "remove the handoff once picked up (your own key only)"),
  noLaunch: handoff(Options.boolean("no-launch"), "put the session in place and print the resume command"),
  withMemory: handoff(Options.boolean("with-memory"), "install someone else's carried project memory"),
  ...shared.pinSources,
  ...shared.passphraseSources,
  ...shared.network,
  ...shared.carryNetwork,
  yes: shared.yes,
  qr: shared.qr("the session id"),
  json: shared.json
}

export const options = parserOptions(spec)

export const about: About = {
  summary: "resolve, verify and decrypt a handoff, then resume it with claude",
  examples: [
    ["cclink pickup", "your own latest handoff"],
    ["cclink pickup pk:<their key>", "one shared with you, or PIN-protected"],
    ["cclink pickup --wait", `wait up to ${BARE_WAIT} for the next handoff`],
    ["cclink pickup --project-dir ~/src/app", "the project lives there on this machine"],
    ["cclink pickup --no-launch --json", "what would be resumed, as JSON"]
  ]
}

export const command = Command.make("pickup", options, lazy(() => import("../handlers/pickup.js"))).pipe(
  Command.withDescription(about.summary)
)
