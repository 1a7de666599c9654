/**
 * A minimal pkarr relay following pkarr's design/relays.md, for the relay
 * tests: it stores verified packets per key in memory, keeps the newest seq,
 * answers 404 for a key it has nothing for, and honours `If-Match` (CAS).
 *
 * pkarr 1.3.0 ships a relay (`pkarr/lib/relay.js`) and relay-pkarr.test.ts
 * runs cclink against it. It is not the peer for the other tests because it
 * has no store of its own (every request is a lookup on a DHT behind it), it
 * answers 500 rather than 409 when the DHT holds a newer or the same packet,
 * so a client cannot tell a conflict from an outage, and it logs every
 * request. Packets are checked with pkarr's own `SignedPacket`, so this relay
 * is also an independent implementation accepting cclink's bytes.
 */
import { Effect } from "effect"
import { SignedPacket } from "pkarr"
import z32 from "z32"
import { readBody, serve } from "./httpServer.js"

const MAX_PAYLOAD_BYTES = 64 + 8 + 1000

export interface RelayOptions {
  /** Answer the first requests with 503, as an overloaded relay does. */
  readonly unavailable?: number
}

export interface Relay {
  readonly url: string
  /** Requests received so far, any method. */
  readonly requests: () => number
  /** The relay form stored for a key. */
  readonly stored: (publicKey: Uint8Array) => Uint8Array | undefined
}

const keyOf = (path: string | undefined): Uint8Array | undefined => {
  try {
    const key = z32.decode((path ?? "").replace(/^\//, ""))
    return key.length === 32 ? key : undefined
  } catch {
    return undefined
  }
}

const seqOf = (bytes: Uint8Array) => Buffer.from(bytes).readBigUInt64BE(64)

export const startRelay = (options: RelayOptions = {}) =>
  Effect.gen(function*() {
    const packets = new Map<string, Buffer>()
    let requests = 0
    const url = yield* serve(async (request, response) => {
      requests++
      const key = keyOf(request.url)
      const status = (code: number, body?: Uint8Array) => {
        response.writeHead(code, body === undefined ? {} : { "content-type": "application/pkarr.org/relays#payload" })
        response.end(body)
      }
      if (requests <= (options.unavailable ?? 0)) return status(503)
      if (key === undefined) return status(400)
      const id = z32.encode(key)
      if (request.method === "GET") {
        const bytes = packets.get(id)
        return bytes === undefined ? status(404) : status(200, bytes)
      }
      if (request.method !== "PUT") return status(405)
      const body = await readBody(request, MAX_PAYLOAD_BYTES)
      if (body === undefined) return status(413)
      try {
        SignedPacket.fromBytes(key, body)
      } catch {
        return status(400)
      }
      const held = packets.get(id)
      const cas = request.headers["if-match"]
      if (held !== undefined && cas !== undefined && String(seqOf(held)) !== cas) return status(412)
      if (held !== undefined && (seqOf(held) > seqOf(body) || (seqOf(held) === seqOf(body) && !body.equals(held)))) {
        return status(409)
      }
      packets.set(id, body)
      return status(204)
    })
    return {
      url,
      requests: () => requests,
      stored: (publicKey) => {
        const bytes = packets.get(z32.encode(publicKey))
        return bytes === undefined ? undefined : Uint8Array.from(bytes)
      }
    } satisfies Relay
  })
