/**
 * Networks for the tests of issue 5: a local DHT that can be restarted, as
 * the operators of Mainline nodes restart theirs, so every stored item is
 * gone while the network itself carries on; and a pkarr relay on 127.0.0.1.
 */
import { Effect, Exit, Scope } from "effect"
import * as Testnet from "../../../src/dht/testnet.js"
import { type Relay, startRelay } from "../../support/relayServer.js"
import { closedPort } from "../../support/udp.js"

const scoped = async <A>(effect: Effect.Effect<A, unknown, Scope.Scope>) => {
  const scope = Effect.runSync(Scope.make())
  const value = await Effect.runPromise(Scope.extend(effect, scope))
  return { value, close: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
}

export interface RestartableDht {
  /** The first node only: the one address that stays the same across restarts. */
  readonly bootstrap: ReadonlyArray<string>
  /** Stops every node and starts as many fresh ones, the first on the same port: no stored item survives. */
  readonly restart: () => Promise<void>
  readonly close: () => Promise<void>
}

export const startRestartableDht = async (size: number): Promise<RestartableDht> => {
  const port = await closedPort()
  const start = () => scoped(Testnet.make(size, { port }))
  let current = await start()
  return {
    bootstrap: [`127.0.0.1:${port}`],
    restart: async () => {
      await current.close()
      current = await start()
    },
    close: () => current.close()
  }
}

export interface LocalRelay extends Relay {
  readonly close: () => Promise<void>
}

/** test/support/relayServer.ts's relay: keeps the newest packet per key, counts requests. */
export const startLocalRelay = async (): Promise<LocalRelay> => {
  const { value, close } = await scoped(startRelay())
  return { ...value, close }
}
