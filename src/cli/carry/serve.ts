/**
 * `cclink publish --carry`, what the publisher prints while it serves (the
 * serving itself is the `CarryPublisher` service, src/carry/publisher.ts):
 * one line per transfer and per keepalive round (one JSON object each with
 * `--json`), and the reason serving stopped, last. Ctrl-C or SIGTERM stops
 * it as any other reason does, with exit 0.
 */
import { Effect } from "effect"
import { formatDuration } from "../../domain/duration.js"
import { expiresAt } from "../../domain/expiry.js"
import type { ServeEvent } from "../../services/Carry.js"
import { CarryPublisher, type ServeOptions, type ServingEnd } from "../../services/CarryPublisher.js"
import { eventLog, KEEPALIVE_ENDINGS, logRound } from "../keepalive.js"
import { stopRequested } from "../outcome.js"
import { formatBytes, localTime } from "../show.js"

const ENDINGS: Record<ServingEnd, string> = {
  ...KEEPALIVE_ENDINGS,
  burned: "the conversation was transferred, and the handoff burned.",
  interrupted: "stopped by request; the conversation is no longer served."
}

const seconds = (millis: number) => Math.round(millis / 100) / 10

const transferEvent = (event: ServeEvent) => ({
  event: "transfer",
  remote: event.remote,
  via: event.via,
  bytes: event.bytes,
  seconds: seconds(event.millis),
  complete: event._tag === "Transferred",
  ...(event._tag === "Transferred" ? { offset: event.offset } : { reason: event.reason })
})

const transferLine = (event: ServeEvent) => {
  const took = `${formatBytes(event.bytes)} in ${seconds(event.millis).toFixed(1)} s`
  return event._tag === "Transferred"
    ? `transfer to ${event.remote} (${event.via}): ${took}, complete${
      event.offset > 0 ? ` (resumed at ${formatBytes(event.offset)})` : ""
    }`
    : `transfer to ${event.remote} (${event.via}) did not complete: ${took}; ${event.reason}`
}

/** Serves until the handoff ends, saying what happens as it happens (`json`: one object per event). */
export const serveLogged = (options: Omit<ServeOptions, "stop" | "onEvent"> & { readonly json: boolean }) =>
  Effect.gen(function*() {
    const { burn, carrying, published } = options
    const log = eventLog(options.json)
    const { files, size } = carrying.packed
    yield* log(
      { event: "serving", bytes: size, files, burn: burn !== undefined },
      `Serving the conversation (${formatBytes(size)}, ${files} file${files === 1 ? "" : "s"}) ${
        burn === undefined ? "until" : "for one transfer, at most until"
      } ${localTime(expiresAt(published.record))} (in ${formatDuration(published.record.ttl)}). Ctrl-C to stop.`
    )
    const round = logRound(log)
    const end = yield* (yield* CarryPublisher).serve({
      ...options,
      stop: stopRequested,
      onEvent: (event) =>
        event._tag === "Transferred" || event._tag === "Interrupted"
          ? log(transferEvent(event), transferLine(event))
          : round(event)
    })
    yield* log({ event: "stopped", reason: end }, `Stopped: ${ENDINGS[end]}`)
  })
