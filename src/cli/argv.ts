/**
 * Options whose value may be left out. @effect/cli wants a value for every
 * text option, so a bare `--wait` is given its default before parsing.
 */
import { Either } from "effect"
import { parseDuration } from "../domain/duration.js"
import { BARE_WAIT } from "./commands/pickup.js"

export const withOptionalValues = (argv: ReadonlyArray<string>): Array<string> =>
  argv.flatMap((arg, i) => {
    if (arg !== "--wait") return [arg]
    const next = argv[i + 1]
    return next !== undefined && Either.isRight(parseDuration(next)) ? [arg] : [`--wait=${BARE_WAIT}`]
  })
