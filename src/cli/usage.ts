/**
 * What @effect/cli's usage tree of a command, an option or an argument
 * names, in order: the one walk of it that ./checkOptions.ts (what a
 * command line may hold), ./help.ts (how the help shows it) and the tests
 * make. A command's tree holds its own name, its options (`--ttl`, `-y`)
 * and its positional arguments (`<PUBKEY>`).
 */
import type { Usage } from "@effect/cli/Usage"
import { Option } from "effect"

export interface Named {
  /** `--yes` and `-y`; `<PUBKEY>` for an argument; `pickup` for the command. */
  readonly names: ReadonlyArray<string>
  /** The name of the value that follows, when one does: `DURATION`. */
  readonly value: Option.Option<string>
  /** Whether it may be given more than once. */
  readonly repeated: boolean
}

/** Everything `usage` names. cclink's commands have no alternatives (`Alternation`) among their arguments. */
export const namedIn = (usage: Usage, repeated = false): Array<Named> => {
  switch (usage._tag) {
    case "Named":
      return [{ names: usage.names, value: usage.acceptedValues, repeated }]
    case "Optional":
      return namedIn(usage.usage, repeated)
    case "Repeated":
      return namedIn(usage.usage, true)
    case "Alternation":
    case "Concat":
      return [...namedIn(usage.left, repeated), ...namedIn(usage.right, repeated)]
    case "Empty":
    case "Mixed":
      return []
  }
}

/** A positional argument: @effect/cli names those `<PUBKEY>`. */
export const isArgument = (named: Named): boolean => named.names.some((name) => name.startsWith("<"))

/** The positional arguments `usage` takes, as the help names them: `PUBKEY`. */
export const argumentNames = (usage: Usage): Array<string> =>
  namedIn(usage).filter(isArgument).map((named) => named.names[0]!.replace(/^<(.*)>$/, "$1"))
