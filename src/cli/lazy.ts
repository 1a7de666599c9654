/**
 * A command's work is loaded when the command runs, not when the command tree
 * is built: `cclink whoami` never evaluates the DHT, the session scanner or
 * the ciphers, which keeps start-up short.
 *
 * The handler's `run` takes the options type its module declares, and
 * `Command.make` checks that what the parser gives is assignable to it: a
 * handler asking for an option its command does not parse, or taking one
 * with another type, fails to compile at the command. So a handler never
 * imports its command, not even for a type.
 */
import { Effect } from "effect"

export const lazy =
  <O, A, E, R>(load: () => Promise<{ readonly run: (options: O) => Effect.Effect<A, E, R> }>) =>
  (options: O): Effect.Effect<A, E, R> => Effect.flatMap(Effect.promise(load), (handler) => handler.run(options))
