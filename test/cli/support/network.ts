/**
 * The network side of the end-to-end tests: a real local DHT in the test's
 * process (the CLI subprocesses reach it over UDP on 127.0.0.1), a client that
 * publishes hand-crafted records the CLI would never write, and addresses
 * where nothing answers.
 */
import { Duration, Effect, Exit, Layer, Scope } from "effect"
import { createSocket } from "node:dgram"
import { afterAll, beforeAll } from "vitest"
import * as Mainline from "../../../src/dht/mainline.js"
import * as Testnet from "../../../src/dht/testnet.js"
import type { Keypair } from "../../../src/domain/keys.js"
import { Dht, DhtConfig, type PublishReport } from "../../../src/services/Dht.js"

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

const client = (bootstrap: ReadonlyArray<string>) =>
  Mainline.layer.pipe(
    Layer.provide(Layer.succeed(DhtConfig, {
      bootstrap,
      relays: [],
      useDht: true,
      timeout: Duration.seconds(20),
      stateDir: undefined
    }))
  )

/** Publishes `record` verbatim (any text) under the keypair, in a packet it signs correctly. */
export const publishRaw = (
  bootstrap: ReadonlyArray<string>,
  keypair: Keypair,
  record: string
): Promise<PublishReport> =>
  Effect.runPromise(Effect.flatMap(Dht, (dht) => dht.publish(keypair, record)).pipe(Effect.provide(client(bootstrap))))

/** A UDP port on 127.0.0.1 that was free a moment ago and has nobody listening now. */
export const closedPort = (): Promise<number> =>
  new Promise((resolve) => {
    const socket = createSocket("udp4")
    socket.bind(0, "127.0.0.1", () => {
      const { port } = socket.address()
      socket.close(() => resolve(port))
    })
  })

/** A UDP socket that counts datagrams and never answers: shows whether a command sent anything at all. */
export interface UdpSink {
  readonly address: string
  readonly received: () => number
  readonly close: () => void
}

export const udpSink = (): Promise<UdpSink> =>
  new Promise((resolve) => {
    const socket = createSocket("udp4")
    let received = 0
    let open = true
    socket.on("message", () => received++)
    socket.bind(0, "127.0.0.1", () =>
      resolve({
        address: `127.0.0.1:${socket.address().port}`,
        received: () => received,
        close: () => {
          if (open) socket.close()
          open = false
        }
      }))
  })
