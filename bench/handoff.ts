/**
 * A full handoff as users run it: `cclink publish` on home A, then
 * `cclink pickup --no-launch` on home B (same key, session file synced), each
 * a subprocess of the built CLI against the local network. Measured with a
 * plaintext key and with a passphrase key plus a PIN, interleaved round by
 * round. The routing cache lives in each home as for users: warm after the
 * unmeasured first round.
 */
import { Effect } from "effect"
import type { Testnet } from "../src/dht/testnet.js"
import { cclink, environment } from "./cli.js"
import { type Home, type KeyKind, PIN, tempDir, withKey, withSameKey, writeSession } from "./homes.js"
import { summarize, type Summary } from "./stats.js"

export interface HandoffResult {
  readonly key: "plaintext" | "passphrase + PIN"
  readonly publishMs: Summary
  readonly pickupMs: Summary
  /** Publish then pickup, back to back. */
  readonly totalMs: Summary
}

export interface Machines {
  readonly kind: KeyKind
  readonly a: Home
  readonly b: Home
  /** The project folder, one path on both homes (same machine). */
  readonly project: string
  /** Environment additions for network commands: the bootstrap nodes, and the PIN when used. */
  readonly network: Readonly<Record<string, string>>
}

/** Two homes with one key, and a project: the user's two machines. */
export const machines = (network: Testnet, kind: KeyKind) =>
  Effect.gen(function*() {
    const a = yield* withKey(kind)
    const b = yield* withSameKey(a, kind)
    const project = yield* tempDir("cclink-bench-project-")
    const bootstrap: Record<string, string> = { CCLINK_BOOTSTRAP: network.bootstrap.join(",") }
    return {
      kind,
      a,
      b,
      project,
      network: kind === "passphrase" ? { ...bootstrap, CCLINK_PIN: PIN } : bootstrap
    } satisfies Machines
  })

/** Publishes a new session from A, answering the milliseconds it took and the session id. */
export const publish = (m: Machines) =>
  Effect.gen(function*() {
    const sessionId = yield* writeSession([m.a, m.b], m.project)
    const published = yield* cclink(["publish", "--json"], {
      env: environment({ ...m.a.env, ...m.network }),
      cwd: m.project
    })
    return { ms: published.ms, sessionId }
  })

/** Picks up on B and checks it found `sessionId`: a pickup of an older handoff is a failed handoff. */
export const pickup = (m: Machines, sessionId: string, nodeFlags: ReadonlyArray<string> = []) =>
  cclink(
    ["pickup", "--no-launch", "--json"],
    { env: environment({ ...m.b.env, ...m.network }), cwd: m.b.dir },
    nodeFlags
  )
    .pipe(
      Effect.filterOrDieMessage(
        (finished) => (JSON.parse(finished.stdout) as { sessionId?: unknown }).sessionId === sessionId,
        "pickup found another session than the one just published"
      )
    )

const handoff = (m: Machines) =>
  Effect.gen(function*() {
    const published = yield* publish(m)
    const picked = yield* pickup(m, published.sessionId)
    return { publish: published.ms, pickup: picked.ms }
  })

export const measure = (network: Testnet, rounds: number) =>
  Effect.scoped(Effect.gen(function*() {
    const kinds = [yield* machines(network, "plaintext"), yield* machines(network, "passphrase")]
    const samples = kinds.map(() => ({ publish: new Array<number>(), pickup: new Array<number>() }))
    for (let round = -1; round < rounds; round++) {
      for (const [index, m] of kinds.entries()) {
        const times = yield* handoff(m)
        if (round < 0) continue
        samples[index]!.publish.push(times.publish)
        samples[index]!.pickup.push(times.pickup)
      }
    }
    return kinds.map(({ kind }, index): HandoffResult => {
      const { publish, pickup } = samples[index]!
      return {
        key: kind === "plaintext" ? "plaintext" : "passphrase + PIN",
        publishMs: summarize(publish),
        pickupMs: summarize(pickup),
        totalMs: summarize(publish.map((ms, i) => ms + pickup[i]!))
      }
    })
  }))
