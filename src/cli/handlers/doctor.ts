/**
 * `cclink doctor`: one line per check, with the fix when one fails. Exits 0
 * only when every check passes.
 */
import { Console, Effect, Either, Layer } from "effect"
import { formatDuration } from "../../domain/duration.js"
import { expiresAt, nowSeconds } from "../../domain/expiry.js"
import { toDisplay } from "../../domain/keyDisplay.js"
import { Keypair, type PublicKey } from "../../domain/keys.js"
import { ClaudeLauncher } from "../../services/ClaudeLauncher.js"
import { KeyStore } from "../../services/KeyStore.js"
import { Sessions } from "../../services/Sessions.js"
import { Claude } from "../layers/Claude.js"
import { Keys } from "../layers/Keys.js"
import { handoffsLayer, type NetworkOptions, settings } from "../network.js"
import { passphraseSource, type PassphraseSourceOptions } from "../secretSources.js"
import { homeRelative } from "../show.js"
import { green, red } from "../style.js"

interface Check {
  readonly name: string
  readonly ok: boolean
  readonly detail: string
  readonly fix?: string | undefined
}

const pass = (name: string, detail: string): Check => ({ name, ok: true, detail })
const fail = (name: string, detail: string, fix?: string): Check => ({ name, ok: false, detail, fix })

/** What `cclink doctor` parses (../commands/doctor.ts). */
export interface DoctorOptions extends NetworkOptions, PassphraseSourceOptions {
  readonly json: boolean
}

export const run = (o: DoctorOptions) =>
  Effect.gen(function*() {
    // Options are checked before the key is opened, so a typo never costs a passphrase.
    const config = yield* settings(o)
    const keyStore = yield* KeyStore
    const checks: Array<Check> = []

    const key = yield* Effect.either(keyStore.load(passphraseSource(o)))
    checks.push(Either.match(key, {
      onRight: (keypair) => pass("key", `${keyStore.path} opens: ${toDisplay(keypair.publicKey)}`),
      onLeft: (error) =>
        fail(
          "key",
          error.message.split("\n")[0]!,
          error._tag === "NotFound"
            ? "cclink init"
            : error._tag === "PermissionError"
            ? error.fix
            : error.message.split("\n")[1]
        )
    }))
    // Without a key, the network is still checked, with a key nobody uses.
    const publisher: PublicKey = Either.isRight(key) ? key.right.publicKey : Keypair.generate().publicKey
    // Only the public key is needed from here on.
    if (Either.isRight(key)) key.right.wipe()

    const where = config.useDht
      ? `the DHT (${config.bootstrap.length === 0 ? "Mainline bootstrap nodes" : config.bootstrap.join(",")})`
      : `the relays (${config.relays.join(", ")})`
    const { Handoffs } = yield* Effect.promise(() => import("../../services/Handoffs.js"))
    const started = Date.now()
    const lookup = yield* Effect.flatMap(Handoffs, (handoffs) => Effect.either(handoffs.resolve(publisher))).pipe(
      Effect.provide(handoffsLayer(config)),
      Effect.catchTag("InvalidInput", (error) => Effect.succeed(Either.left(error)))
    )
    const elapsed = ((Date.now() - started) / 1000).toFixed(1)
    checks.push(
      !config.useDht && config.relays.length === 0
        ? fail("network", "--no-dht leaves no transport", "Give --relay URL or set CCLINK_RELAYS.")
        : Either.isLeft(lookup) && lookup.left._tag === "NetworkError"
        ? fail(
          "network",
          `${where} did not answer: ${lookup.left.reason}`,
          config.useDht
            ? "Check that outgoing UDP is allowed, or use relays: --relay URL (add --no-dht where UDP is blocked)."
            : "Check the relay URLs and your connection."
        )
        : pass("network", `${where} answered in ${elapsed} s`)
    )

    checks.push(
      yield* (yield* ClaudeLauncher).locate.pipe(
        Effect.map((path) => pass("claude", `found at ${path}`)),
        Effect.orElseSucceed(() =>
          fail("claude", "`claude` is not on PATH", "npm install -g @anthropic-ai/claude-code")
        )
      )
    )

    const sessions = yield* Sessions
    const recent = yield* sessions.recent
    checks.push(
      recent.length > 0
        ? pass(
          "sessions",
          `${recent.length} session(s) active in the last 24h under ${homeRelative(sessions.projectsDir)}`
        )
        : fail(
          "sessions",
          `no session modified in the last 24h under ${homeRelative(sessions.projectsDir)}`,
          "Start one with `claude` in your project (or set CLAUDE_CONFIG_DIR if Claude Code keeps its state elsewhere)."
        )
    )

    if (Either.isRight(key)) {
      const now = yield* nowSeconds
      checks.push(Either.match(lookup, {
        onRight: ({ record }) =>
          expiresAt(record) > now
            ? pass("handoff", `your last handoff resolves (published ${formatDuration(now - record.createdAt)} ago)`)
            : fail("handoff", `your last handoff expired ${formatDuration(now - expiresAt(record))} ago`, "cclink"),
        onLeft: (error) =>
          error._tag === "NotFound"
            ? pass("handoff", "no active handoff published under your key")
            : error._tag === "NetworkError" || (!config.useDht && config.relays.length === 0)
            ? fail("handoff", "not checked: the network did not answer", "see the network check")
            : fail("handoff", error.message.split("\n")[0]!, "cclink revoke -y, then publish again with cclink")
      }))
    }

    const ok = checks.every((check) => check.ok)
    if (o.json) {
      yield* Console.log(JSON.stringify({ ok, checks }))
    } else {
      const out = process.stdout
      yield* Console.log(
        checks.map((check) =>
          `${check.ok ? green(out)("ok  ") : red(out)("FAIL")} ${check.name.padEnd(9)} ${check.detail}` +
          (check.ok || check.fix === undefined ? "" : `\n               fix: ${check.fix}`)
        ).join("\n")
      )
    }
    if (!ok) yield* Effect.sync(() => (process.exitCode = 1))
  }).pipe(Effect.provide(Layer.mergeAll(Keys, Claude)))
