/** `cclink revoke`: replace your handoff with an empty packet. */
import { Command } from "@effect/cli"
import { Console, Effect, Option } from "effect"
import { Declined } from "../../domain/errors.js"
import { KeyStore } from "../../services/KeyStore.js"
import { TerminalPrompt } from "../../services/TerminalPrompt.js"
import { handoffsLayer } from "../network.js"
import * as shared from "../options.js"
import { withSpinner } from "../spinner.js"

const options = { yes: shared.yes, json: shared.json, ...shared.passphraseSources, ...shared.network }

export const handler = (o: Command.Command.ParseConfig<typeof options>) =>
  Effect.gen(function*() {
    if (!o.yes) {
      const terminal = yield* TerminalPrompt
      if (!terminal.interactive) {
        return yield* new Declined({ what: "revoking needs confirmation: run `cclink revoke -y`." })
      }
      if (!(yield* terminal.confirm("Revoke your active handoff?"))) return yield* new Declined({ what: "nothing revoked" })
    }
    const keypair = yield* (yield* KeyStore).load({
      fd: Option.getOrUndefined(o.passphraseFd),
      file: Option.getOrUndefined(o.passphraseFile)
    })
    const { Handoffs } = yield* Effect.promise(() => import("../../services/Handoffs.js"))
    const report = yield* withSpinner("Revoking", o.json, (dhtOptions) =>
      Effect.flatMap(Handoffs, (handoffs) => handoffs.revoke(keypair, dhtOptions))).pipe(
        Effect.provide(handoffsLayer(o)),
        Effect.ensuring(Effect.sync(() => keypair.wipe()))
      )
    yield* Console.log(
      o.json
        ? JSON.stringify({ revoked: true, seq: report.seq, storedOn: report.storedOn })
        : `Revoked: an empty record replaces your handoff (stored on ${report.storedOn} nodes).`
    )
  })

export const command = Command.make("revoke", options, handler).pipe(
  Command.withDescription(
    "Remove your active handoff: an empty record replaces it on the DHT.\n\n" +
      "Examples:\n" +
      "  cclink revoke      asks first on a terminal\n" +
      "  cclink revoke -y   no question (scripts; required without a terminal)"
  )
)
