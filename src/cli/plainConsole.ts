/**
 * @effect/cli styles its help and usage errors with ANSI escapes whatever the
 * output is. Where colour is off (a pipe, a file, `NO_COLOR`), this console
 * strips them so scripts and logs read plain text.
 */
import { Console, Effect } from "effect"
import { colours, stripAnsi } from "./style.js"

const plain = (args: ReadonlyArray<unknown>) => args.map((arg) => typeof arg === "string" ? stripAnsi(arg) : arg)

export const withPlainConsole = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
  const stdout = colours(process.stdout)
  const stderr = colours(process.stderr)
  if (stdout && stderr) return self
  return Console.consoleWith((console) =>
    Console.withConsole(self, {
      ...console,
      log: (...args) => console.log(...(stdout ? args : plain(args))),
      error: (...args) => console.error(...(stderr ? args : plain(args)))
    })
  )
}
