/**
 * The network side of the end-to-end tests: a real local DHT in the test's
 * process (the CLI subprocesses reach it over UDP on 127.0.0.1), and a client
 * that publishes hand-crafted records the CLI would never write.
 */
import { Effect, Exit, Scope } from "effect"
import { afterAll, beforeAll } from "vitest"
import * as Testnet from "../../../src/dht/testnet.js"
import type { Keypair } from "../../../src/domain/keys.js"
import type { PublishReport } from "../../../src/services/Dht.js"
import { withClient } from "../../dht/network.js"

export interface LocalDht {
  readonly bootstrap: ReadonlyArray<string>
  readonly close: () => Promise<void>
}

/** A testnet of `size` real nodes; `close` stops them all. */
export const startDht = async (size: number): Promise<LocalDht> => {
  const scope = Effect.runSync(Scope.make())
  const net = await Effect.runPromise(Scope.extend(Testnet.make(size), scope))
  return { bootstrap: net.bootstrap, close: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
}

/** A testnet of `size` nodes for the tests of one file: started before them (in `beforeAll`), stopped after. */
export const useDht = (size: number): Pick<LocalDht, "bootstrap"> => {
  let started: LocalDht | undefined
  beforeAll(async () => {
    started = await startDht(size)
  })
  afterAll(() => started?.close())
  return {
    get bootstrap() {
      if (started === undefined) throw new Error("The local DHT starts in beforeAll, before the tests.")
      return started.bootstrap
    }
  }
}

/** Publishes `record` verbatim (any text) under the keypair, in a packet it signs correctly. */
export const publishRaw = (
  bootstrap: ReadonlyArray<string>,
  keypair: Keypair,
  record: string
): Promise<PublishReport> => Effect.runPromise(withClient(bootstrap, (dht) => dht.publish(keypair, record)))
