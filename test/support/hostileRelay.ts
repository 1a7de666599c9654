/**
 * A relay that lies, as a real HTTP server on 127.0.0.1: it answers every
 * `GET` with what the test chose (an old packet, a forged one, another key's,
 * garbage, an endless body, or nothing ever) and claims to store every `PUT`
 * while keeping nothing.
 */
import { serve } from "./httpServer.js"

export type Lie =
  | { readonly _tag: "Body"; readonly bytes: Uint8Array; readonly contentType?: string }
  /** Streams bytes until the client gives up. */
  | { readonly _tag: "Endless" }
  /** Accepts the connection and never answers. */
  | { readonly _tag: "Silent" }

export const body = (bytes: Uint8Array, contentType?: string): Lie => ({ _tag: "Body", bytes, contentType })
export const endless: Lie = { _tag: "Endless" }
export const silent: Lie = { _tag: "Silent" }

export const startHostileRelay = (lie: Lie) =>
  serve((request, response) => {
    request.resume()
    if (request.method === "PUT") return void response.writeHead(204).end()
    switch (lie._tag) {
      case "Body":
        return void response.writeHead(200, {
          "content-type": lie.contentType ?? "application/pkarr.org/relays#payload"
        })
          .end(lie.bytes)
      case "Endless": {
        const chunk = Buffer.alloc(16 * 1024, 0x61)
        response.writeHead(200)
        const pump = () => {
          while (!response.destroyed && response.write(chunk));
          if (!response.destroyed) response.once("drain", pump)
        }
        return pump()
      }
      case "Silent":
        return
    }
  })
