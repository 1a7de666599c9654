/**
 * Usage errors the parser finds (a value of the wrong type, a file that is
 * not there) in cclink's form: one line after `cclink:`, exit 1. @effect/cli
 * prints them itself, unprefixed and followed by a blank line; parsing the
 * command line once before running it turns them into `InvalidInput`, which
 * is reported as every other error is. Parsing has no side effects.
 */
import { CliConfig, CommandDescriptor, HelpDoc, ValidationError } from "@effect/cli"
import { Effect } from "effect"
import { InvalidInput } from "../domain/errors.js"
import { stripAnsi } from "./style.js"

export const checkUsage = (command: CommandDescriptor.Command<unknown>, args: ReadonlyArray<string>) =>
  CommandDescriptor.parse(command, args, CliConfig.defaultConfig).pipe(
    Effect.asVoid,
    Effect.catchIf(
      (error) => ValidationError.isValidationError(error) && !ValidationError.isHelpRequested(error),
      (error) =>
        Effect.fail(
          new InvalidInput({ reason: stripAnsi(HelpDoc.toAnsiText(error.error)).trim().split(/\n+/).join(" ") })
        )
    )
  )
