/**
 * Real HTTP servers on 127.0.0.1 for the relay tests, closed with the scope
 * (open connections included, so a server that never answers cannot keep
 * the test alive).
 */
import { Effect } from "effect"
import { createServer, type IncomingMessage, type RequestListener } from "node:http"
import type { AddressInfo } from "node:net"

/** Starts `handler` on a free port; yields its base URL. */
export const serve = (handler: RequestListener) =>
  Effect.acquireRelease(
    Effect.async<ReturnType<typeof createServer>>((resume) => {
      const server = createServer(handler)
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
    }),
    (server) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map((server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`))

/** A URL where nothing listens: a port that was free a moment ago. */
export const closedPort = Effect.scoped(serve(() => {}))

/** The request body, or undefined past `limit` bytes. */
export const readBody = (request: IncomingMessage, limit: number): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    let size = 0
    request.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) chunks.push(chunk)
    })
    request.on("end", () => resolve(size <= limit ? Buffer.concat(chunks) : undefined))
    request.on("error", reject)
  })
