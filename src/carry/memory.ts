/**
 * `Carry` inside one process, for tests of what sits above the transfer:
 * servers are entries in a map shared by the layer, a fetch reads the served
 * file directly. It keeps the live layer's rules: only the client key derived
 * from the ticket's secret gets in, a server that stopped is unreachable,
 * the bytes land in a new 0600 file and are checked against the ticket, and
 * the server reports each transfer as an event.
 */
import { Effect, Layer, Queue, Ref } from "effect"
import { randomBytes } from "node:crypto"
import { createReadStream } from "node:fs"
import { clientPublicKey } from "../crypto/carryClientKey.js"
import { CLIENT_SECRET_BYTES, SERVER_KEY_BYTES } from "../domain/carryTicket.js"
import { TransferFailed } from "../domain/errors.js"
import { fileError } from "../domain/fileError.js"
import { equals } from "../domain/keys.js"
import { Carry, type Offer, type ServeEvent } from "../services/Carry.js"
import { mismatch, Overflow, scopedDownload } from "./download.js"

interface Listening {
  readonly admitted: Uint8Array
  readonly offer: Offer
  readonly events: Queue.Queue<ServeEvent>
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex")

export const layer: Layer.Layer<Carry> = Layer.effect(
  Carry,
  Effect.gen(function*() {
    const servers = yield* Ref.make(new Map<string, Listening>())

    const serve = (offer: Offer) =>
      Effect.gen(function*() {
        const serverKey = randomBytes(SERVER_KEY_BYTES)
        const clientSecret = randomBytes(CLIENT_SECRET_BYTES)
        const events = yield* Queue.unbounded<ServeEvent>()
        const entry: Listening = { admitted: clientPublicKey(clientSecret), offer, events }
        yield* Effect.acquireRelease(
          Ref.update(servers, (map) => new Map(map).set(hex(serverKey), entry)),
          () =>
            Effect.zipRight(
              Ref.update(servers, (map) => {
                const next = new Map(map)
                next.delete(hex(serverKey))
                return next
              }),
              Queue.shutdown(events)
            )
        )
        return { serverKey: Uint8Array.from(serverKey), clientSecret: Uint8Array.from(clientSecret), events }
      })

    const fetch: Carry["Type"]["fetch"] = (ticket, destination, options) =>
      Effect.scoped(Effect.gen(function*() {
        const server = (yield* Ref.get(servers)).get(hex(ticket.serverKey))
        if (server === undefined || !equals(server.admitted, clientPublicKey(ticket.clientSecret))) {
          return yield* new TransferFailed({ why: "notServing", detail: "no server", received: 0, size: ticket.size })
        }
        const download = yield* scopedDownload(destination, ticket)
        const started = Date.now()
        const copied = yield* Effect.tryPromise({
          try: async () => {
            for await (const chunk of createReadStream(server.offer.file)) {
              await download.write(chunk as Buffer)
              options.onProgress?.(download.received)
            }
            return download.verify()
          },
          catch: (error) => error instanceof Overflow ? mismatch() : fileError(destination, "Cannot copy", error)
        })
        const event: ServeEvent = copied
          ? { _tag: "Transferred", remote: "memory", via: "direct", bytes: download.received, offset: 0, millis: 0 }
          : {
            _tag: "Interrupted",
            remote: "memory",
            via: "direct",
            bytes: download.received,
            millis: Date.now() - started,
            reason: "the picker refused the bytes (digest mismatch)"
          }
        // The server may have stopped meanwhile: its queue is shut down then, and the event dropped.
        yield* Effect.sync(() => Queue.unsafeOffer(server.events, event))
        return copied ? { via: "direct" as const, attempts: 1 } : yield* mismatch()
      }))

    return Carry.of({ serve, fetch })
  })
)
