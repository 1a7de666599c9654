/** `cclink revoke`: replace your handoff with an empty packet. */
import { Console, Effect } from "effect"
import { Declined } from "../../domain/errors.js"
import { KeyStore } from "../../services/KeyStore.js"
import { TerminalPrompt } from "../../services/TerminalPrompt.js"
import { Keys } from "../layers/Keys.js"
import { handoffsLayer, type NetworkOptions, settings } from "../network.js"
import { passphraseSource, type PassphraseSourceOptions } from "../secretSources.js"
import { withSpinner } from "../spinner.js"

/** What `cclink revoke` parses (../commands/revoke.ts). */
export interface RevokeOptions extends NetworkOptions, PassphraseSourceOptions {
  readonly yes: boolean
  readonly json: boolean
}

export const run = (o: RevokeOptions) =>
  Effect.gen(function*() {
    // Options are checked before the key is opened, so a typo never costs a passphrase.
    const network = yield* settings(o)
    if (!o.yes) {
      const terminal = yield* TerminalPrompt
      if (!terminal.interactive) {
        return yield* new Declined({ what: "revoking needs confirmation: run `cclink revoke -y`." })
      }
      if (!(yield* terminal.confirm("Revoke your active handoff?"))) {
        return yield* new Declined({ what: "nothing revoked" })
      }
    }
    const keypair = yield* (yield* KeyStore).load(passphraseSource(o))
    const { Handoffs } = yield* Effect.promise(() => import("../../services/Handoffs.js"))
    const report = yield* withSpinner(
      "Revoking",
      o.json,
      (dhtOptions) => Effect.flatMap(Handoffs, (handoffs) => handoffs.revoke(keypair, dhtOptions))
    ).pipe(
      Effect.provide(handoffsLayer(network)),
      Effect.ensuring(Effect.sync(() => keypair.wipe()))
    )
    yield* Console.log(
      o.json
        ? JSON.stringify({ revoked: true, seq: report.seq, storedOn: report.storedOn })
        : `Revoked: an empty record replaces your handoff (stored on ${report.storedOn} nodes).`
    )
  }).pipe(Effect.provide(Keys))
