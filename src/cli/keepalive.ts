/**
 * What publish does while it stays in the foreground (`--keepalive`,
 * `--carry`): one line per event, `HH:MM text`, or with `--json` one JSON
 * object with the time; and the rounds that keep the handoff on the DHT.
 */
import { Console, type Duration, Effect } from "effect"
import { expiresAt } from "../domain/expiry.js"
import type { PublicKey } from "../domain/keys.js"
import type { Published } from "../services/Handoffs.js"
import { keepAlive, type KeepaliveEvent } from "../services/Keepalive.js"

export type EventLog = (event: Record<string, unknown>, text: string) => Effect.Effect<void>

const clock = () => new Date().toTimeString().slice(0, 5)

export const eventLog = (json: boolean): EventLog => (event, text) =>
  Console.log(json ? JSON.stringify({ time: new Date().toISOString(), ...event }) : `${clock()} ${text}`)

/** Why keeping the handoff alive ended, as the last line says it. */
export const KEEPALIVE_ENDINGS = {
  expired: "the handoff expired.",
  replaced: "a newer handoff replaced this one.",
  revoked: "the handoff was revoked or burned."
} as const

/** One keepalive round, as a line. */
export const logRound = (log: EventLog) => (event: KeepaliveEvent) =>
  event._tag === "Republished"
    ? log(
      { event: "republished", storedOn: event.report.storedOn, contacted: event.report.contacted },
      `republished: stored on ${event.report.storedOn} of ${event.report.contacted} nodes`
    )
    : log({ event: "failed", reason: event.error.message }, `republish failed, will retry: ${event.error.message}`)

/**
 * The signed packet just published stored again every `every`, a line per
 * round, until the handoff expires or the key's newest packet is another.
 */
export const keepAliveLogged = (log: EventLog, publisher: PublicKey, published: Published, every: Duration.Duration) =>
  keepAlive({
    publisher,
    // The exact bytes just signed, stored unchanged every round.
    bytes: published.report.bytes,
    seq: published.report.seq,
    expiresAt: expiresAt(published.record),
    every,
    onEvent: logRound(log)
  })
