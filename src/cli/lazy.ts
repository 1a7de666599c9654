/**
 * A command's work is loaded when the command runs, not when the command tree
 * is built: `cclink whoami` never evaluates the DHT, the session scanner or
 * the ciphers, which keeps start-up short.
 */
import { Effect } from "effect"

export const lazy =
  <O, A, E, R>(load: () => Promise<{ readonly run: (options: O) => Effect.Effect<A, E, R> }>) =>
  (options: O): Effect.Effect<A, E, R> => Effect.flatMap(Effect.promise(load), (handler) => handler.run(options))
