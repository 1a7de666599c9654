/**
 * A carry network for the tests of one file: HyperDHT's test network in the
 * test's process (src/carry/testnet.ts), started before them, stopped after.
 */
import { Effect, Exit, Scope } from "effect"
import { afterAll, beforeAll } from "vitest"
import * as CarryTestnet from "../../src/carry/testnet.js"

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
