/**
 * Counts the UDP datagrams a DHT client sends: every `send` on a socket that
 * is not one of the test network's own nodes. The client opens its socket
 * inside bittorrent-dht, out of reach, so the count is taken where every
 * socket passes: `dgram.Socket.prototype.send`, restored with the scope.
 */
import { Effect, type Scope } from "effect"
import { Socket } from "node:dgram"
import type { Testnet } from "../src/dht/testnet.js"

export interface DatagramCounter {
  /** Datagrams sent so far by sockets outside the network. */
  readonly sent: () => number
}

export const countClientDatagrams = (network: Testnet): Effect.Effect<DatagramCounter, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const own = new Set<Socket>(network.nodes.map((node) => node._rpc.socket.socket))
      const original = Socket.prototype.send
      let sent = 0
      Socket.prototype.send = function(this: Socket, ...args: Array<unknown>) {
        if (!own.has(this)) sent++
        return Reflect.apply(original, this, args)
      } as typeof original
      return { original, counter: { sent: () => sent } }
    }),
    ({ original }) => Effect.sync(() => (Socket.prototype.send = original))
  ).pipe(Effect.map(({ counter }) => counter))
