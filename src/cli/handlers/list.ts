/**
 * `cclink list`: the key's active handoff as a table (one record per key, so
 * at most one row): project when it can be decrypted, age, time left, burn,
 * recipient.
 */
import { Console, Effect, Option } from "effect"
import { formatDuration } from "../../domain/duration.js"
import { expiresAt, nowSeconds } from "../../domain/expiry.js"
import { toZ32 } from "../../domain/keyDisplay.js"
import { type Keypair } from "../../domain/keys.js"
import { parsePublicKey } from "../../domain/publicKey.js"
import { KeyStore } from "../../services/KeyStore.js"
import { Keys } from "../layers/Keys.js"
import { handoffsLayer, type NetworkOptions, settings } from "../network.js"
import { passphraseSource, type PassphraseSourceOptions } from "../secretSources.js"
import { homeRelative } from "../show.js"
import { withSpinner } from "../spinner.js"

const NONE = "No active handoffs."

/** What `cclink list` parses (../commands/list.ts). */
export interface ListOptions extends NetworkOptions, PassphraseSourceOptions {
  readonly publisher: Option.Option<string>
  readonly json: boolean
}

export const run = (o: ListOptions) =>
  Effect.gen(function*() {
    // Options are checked before the key is opened, so a typo never costs a passphrase.
    const network = yield* settings(o)
    const explicit = Option.isSome(o.publisher) ? yield* parsePublicKey(o.publisher.value) : undefined
    const keypair: Keypair | undefined = explicit === undefined
      ? yield* (yield* KeyStore).load(passphraseSource(o))
      : undefined
    const publisher = explicit ?? keypair!.publicKey
    const { Handoffs } = yield* Effect.promise(() => import("../../services/Handoffs.js"))

    const row = yield* Effect.gen(function*() {
      const handoffs = yield* Handoffs
      const found = yield* withSpinner(
        "Looking up handoffs",
        o.json,
        (dhtOptions) => handoffs.resolve(publisher, dhtOptions)
      ).pipe(
        Effect.map(Option.some),
        Effect.catchTag("NotFound", () => Effect.succeedNone)
      )
      const now = yield* nowSeconds
      if (Option.isNone(found) || expiresAt(found.value.record) <= now) return Option.none()
      const verified = found.value
      const { record } = verified
      const project = record.pinSalt !== undefined || keypair === undefined
        ? Option.none<string>()
        : yield* handoffs.open(verified, { _tag: "Keypair", keypair }).pipe(
          Effect.map((payload) => Option.some(payload.project)),
          Effect.orElseSucceed(() => Option.none<string>())
        )
      return Option.some({
        project,
        createdAt: record.createdAt,
        expiresAt: expiresAt(record),
        age: now - record.createdAt,
        left: expiresAt(record) - now,
        burn: record.burn,
        pin: record.pinSalt !== undefined,
        recipient: record.recipient
      })
    }).pipe(Effect.provide(handoffsLayer(network)), Effect.ensuring(Effect.sync(() => keypair?.wipe())))

    if (o.json) {
      return yield* Console.log(JSON.stringify({
        publisher: toZ32(publisher),
        handoffs: Option.match(row, {
          onNone: () => [],
          onSome: (r) => [{
            project: Option.getOrNull(r.project),
            createdAt: r.createdAt,
            expiresAt: r.expiresAt,
            burn: r.burn,
            pin: r.pin,
            recipient: r.recipient ?? null
          }]
        })
      }))
    }
    if (Option.isNone(row)) return yield* Console.log(NONE)
    const r = row.value
    const cells = [
      ["PROJECT", "AGE", "LEFT", "BURN", "RECIPIENT"],
      [
        Option.match(r.project, { onNone: () => r.pin ? "(PIN-protected)" : "(encrypted)", onSome: homeRelative }),
        formatDuration(r.age),
        formatDuration(r.left),
        r.burn ? "yes" : "no",
        r.recipient === undefined ? (r.pin ? "PIN" : "self") : `pk:${r.recipient}`
      ]
    ]
    const widths = cells[0]!.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)))
    yield* Console.log(
      cells.map((line) => line.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n")
    )
  }).pipe(Effect.provide(Keys))
