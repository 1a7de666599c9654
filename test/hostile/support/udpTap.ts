/**
 * A tap on every UDP socket of this process (testnet nodes and clients
 * alike), at `dgram.Socket#send`, restored with the scope:
 *
 * - `lossyUdp(rate)` drops each datagram with probability `rate` and reports
 *   it sent, as a lossy link does (`tc netem` is missing from these kernels);
 * - `capturedUdp()` keeps a copy of every datagram sent, for leak checks.
 */
import { Effect } from "effect"
import { Socket } from "node:dgram"

type Send = (this: Socket, ...args: Array<unknown>) => void

/** Replaces `send` for the scope; `wrap` gets the original and returns the replacement. */
const tap = <A>(wrap: (send: Send) => { readonly send: Send; readonly value: A }) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const original = Socket.prototype.send as unknown as Send
      const { send, value } = wrap(original)
      Socket.prototype.send = send as unknown as typeof Socket.prototype.send
      return { original, value }
    }),
    ({ original }) => Effect.sync(() => (Socket.prototype.send = original as unknown as typeof Socket.prototype.send))
  ).pipe(Effect.map(({ value }) => value))

export interface Loss {
  readonly sent: () => number
  readonly dropped: () => number
}

export const lossyUdp = (rate: number) =>
  tap<Loss>((send) => {
    let sent = 0
    let dropped = 0
    return {
      send: function(...args) {
        sent++
        if (Math.random() >= rate) return send.apply(this, args)
        dropped++
        const callback = args.at(-1)
        if (typeof callback === "function") process.nextTick(callback, null, 0)
      },
      value: { sent: () => sent, dropped: () => dropped }
    }
  })

export interface Capture {
  /** Copies of the datagrams sent since the last call, and forgets them. */
  readonly take: () => ReadonlyArray<Buffer>
  readonly total: () => { readonly datagrams: number; readonly bytes: number }
}

/** The message is the first argument of every form of `send`: a Buffer, a string, or an array of them. */
const bytesOf = (message: unknown): Buffer =>
  Array.isArray(message) ? Buffer.concat(message.map(bytesOf)) : Buffer.from(message as Uint8Array | string)

export const capturedUdp = () =>
  tap<Capture>((send) => {
    let pending: Array<Buffer> = []
    let datagrams = 0
    let bytes = 0
    return {
      send: function(...args) {
        const copy = bytesOf(args[0])
        pending.push(copy)
        datagrams++
        bytes += copy.length
        return send.apply(this, args)
      },
      value: {
        take: () => {
          const taken = pending
          pending = []
          return taken
        },
        total: () => ({ datagrams, bytes })
      }
    }
  })
