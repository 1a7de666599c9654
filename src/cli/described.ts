/**
 * A command's options and arguments, each with the group it is listed under
 * and its one line of help, written together. The parser's options
 * (`parserOptions`) and the help text (./help.ts) are both made from them, so
 * the help cannot miss an option the parser takes, nor list one it does not.
 *
 * Adding an option is one line in a command's `spec`:
 *
 *   carry: handoff(Options.boolean("carry"), "send the transcript along"),
 *
 * A value is named in capitals with `Options.withPseudoName` (`DURATION`,
 * `HOST:PORT[,...]`); the help shows it as the parser takes it. A value
 * taken when the option is left out is given once, as the third argument:
 * the parser takes it and the help ends the line with `(default 24h)`.
 *
 *   ttl: handoff(Options.text("ttl").pipe(Options.withPseudoName("DURATION")), "validity", "24h"),
 */
import { type Args, Options } from "@effect/cli"

/** The sections of a command's help, in this order. */
export const GROUPS = {
  handoff: "Handoff",
  key: "Key",
  secrets: "Secrets",
  network: "Network",
  general: "General"
} as const

export type Group = keyof typeof GROUPS

export interface Described<A> {
  /** An @effect/cli option, or a positional argument. */
  readonly parser: Options.Options<A> | Args.Args<A>
  /** `undefined` for an argument, listed before the groups. */
  readonly group: Group | undefined
  /** One line, lower case, no final full stop: `validity, 90m/8h/2d`. */
  readonly help: string
  /** What the parser takes when the option is left out, as the help shows it: `(default 24h)`. */
  readonly default?: string
}

export type Spec = Readonly<Record<string, Described<unknown>>>

const inGroup =
  (group: Group) =>
  <A, D extends string | number = never>(parser: Options.Options<A>, help: string, fallback?: D): Described<A | D> =>
    fallback === undefined
      ? { parser, group, help }
      : { parser: Options.withDefault(parser, fallback), group, help, default: String(fallback) }

/** What the handoff is or how the command treats it. */
export const handoff = inGroup("handoff")
/** The key itself (`init`). */
export const key = inGroup("key")
/** Where passphrases and PINs come from. */
export const secrets = inGroup("secrets")
/** How the command reaches the DHT and the relays. */
export const network = inGroup("network")
/** Output and prompts. */
export const general = inGroup("general")

export const argument = <A>(parser: Args.Args<A>, help: string): Described<A> => ({ parser, group: undefined, help })

/** The parser's view of a spec: the record @effect/cli's `Command.make` takes. */
export const parserOptions = <S extends Spec>(spec: S): { readonly [K in keyof S]: S[K]["parser"] } =>
  Object.fromEntries(Object.entries(spec).map(([name, described]) => [name, described.parser])) as {
    readonly [K in keyof S]: S[K]["parser"]
  }

/** What the help says about a command besides its options. */
export interface About {
  /** One sentence, the command list's line in `cclink --help`. */
  readonly summary: string
  /** `[command line, what it does]`. */
  readonly examples: ReadonlyArray<readonly [string, string]>
}
