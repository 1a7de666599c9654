/**
 * A carry network for the tests of one file: HyperDHT's test network in the
 * test's process (src/carry/testnet.ts), started before them, stopped after;
 * and a misbehaving publisher on it.
 */
import { Effect, Either, Exit, Scope } from "effect"
import HyperDHT, { type SecretStream } from "hyperdht"
import { randomBytes } from "node:crypto"
import { afterAll, beforeAll } from "vitest"
import * as CarryTestnet from "../../src/carry/testnet.js"
import { clientPublicKey } from "../../src/crypto/carryClientKey.js"
import { decodeRequest, REQUEST_BYTES } from "../../src/domain/carryProtocol.js"
import { equals } from "../../src/domain/keys.js"

export const useCarryNetwork = (size = 10): { readonly bootstrap: ReadonlyArray<string> } => {
  const scope = Effect.runSync(Scope.make())
  let bootstrap: ReadonlyArray<string> | undefined
  beforeAll(async () => {
    bootstrap = (await Effect.runPromise(Scope.extend(CarryTestnet.make(size), scope))).bootstrap
  })
  afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))
  return {
    get bootstrap() {
      if (bootstrap === undefined) throw new Error("The carry network starts in beforeAll, before the tests.")
      return bootstrap
    }
  }
}

/**
 * A server that speaks the protocol's opening and then does whatever
 * `behave` does with the connection: the misbehaving publisher of the tests.
 */
export const rogueServer = (
  bootstrap: ReadonlyArray<string>,
  behave: (socket: SecretStream, offset: number, connection: number) => void
) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const node = new HyperDHT({ bootstrap, ephemeral: true, port: [0, 0] })
      await node.ready()
      const clientSecret = randomBytes(16)
      const admitted = clientPublicKey(clientSecret)
      const keyPair = HyperDHT.keyPair()
      let connections = 0
      const server = node.createServer({ firewall: (key) => !equals(key, admitted) }, (socket) => {
        socket.on("error", () => {})
        let buffered = Buffer.alloc(0)
        const onData = (data: Buffer) => {
          buffered = Buffer.concat([buffered, data])
          if (buffered.length < REQUEST_BYTES) return
          socket.off("data", onData)
          behave(socket, Either.getOrThrow(decodeRequest(buffered.subarray(0, REQUEST_BYTES))).offset, ++connections)
        }
        socket.on("data", onData)
      })
      await server.listen(keyPair)
      return { node, server, serverKey: new Uint8Array(keyPair.publicKey), clientSecret: new Uint8Array(clientSecret) }
    }),
    ({ node, server }) =>
      Effect.promise(async () => {
        await server.close()
        await node.destroy({ force: true })
      })
  )
