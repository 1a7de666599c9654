/**
 * Questions asked on the terminal: prompts on stderr (stdout stays for
 * output), answers from stdin, hidden input for secrets. Ctrl-C or Ctrl-D at
 * a prompt is `Declined`, after the terminal is restored.
 */
import { Context, Effect, Layer, Redacted, Ref } from "effect"
import { createInterface } from "node:readline"
import { Writable } from "node:stream"
import { Declined } from "../domain/errors.js"

export class TerminalPrompt extends Context.Tag("cclink/TerminalPrompt")<TerminalPrompt, {
  /** True when stdin and stderr are both terminals: someone can see a question and answer it. */
  readonly interactive: boolean
  /** Reads one line without echoing it. */
  readonly secret: (prompt: string) => Effect.Effect<Redacted.Redacted<string>, Declined>
  /** Asks a yes/no question; only "y" or "yes" (any case) is yes. */
  readonly confirm: (question: string) => Effect.Effect<boolean, Declined>
  /** Lists numbered choices and asks for one; Enter alone takes the first. Resolves to its index. */
  readonly choose: (question: string, choices: ReadonlyArray<string>) => Effect.Effect<number, Declined>
}>() {
  static readonly layer = Layer.sync(TerminalPrompt, () => {
    const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true
    const ask = (prompt: string, what: string, hidden: boolean) =>
      interactive ? readLine(prompt, what, hidden) : Effect.fail(noTerminal(what))
    return TerminalPrompt.of({
      interactive,
      secret: (prompt) => ask(prompt, subject(prompt), true).pipe(Effect.map(Redacted.make)),
      confirm: (question) => ask(`${question} [y/N] `, question, false).pipe(Effect.map(isYes)),
      choose: (question, choices) => {
        const listing = [
          question,
          ...choices.map((choice, i) => `  ${i + 1}) ${choice}`),
          `Choice [1-${choices.length}, default 1]: `
        ]
        return pickAgain(
          ask(listing.join("\n"), question, false).pipe(Effect.map((answer) => choiceIndex(answer, choices.length)))
        )
      }
    })
  })

  /**
   * Answers the prompts in order from `answers`; a prompt with no answer left,
   * or any prompt when not `interactive`, is `Declined`.
   */
  static readonly layerTest = (options: { readonly interactive: boolean; readonly answers?: ReadonlyArray<string> }) =>
    Layer.effect(
      TerminalPrompt,
      Effect.gen(function*() {
        const remaining = yield* Ref.make(options.interactive ? options.answers ?? [] : [])
        const ask = (what: string) =>
          Ref.modify(remaining, ([next, ...rest]) => [next, rest] as const).pipe(
            Effect.flatMap((answer) => (answer === undefined ? Effect.fail(noTerminal(what)) : Effect.succeed(answer)))
          )
        return TerminalPrompt.of({
          interactive: options.interactive,
          secret: (prompt) => ask(subject(prompt)).pipe(Effect.map(Redacted.make)),
          confirm: (question) => ask(question).pipe(Effect.map(isYes)),
          choose: (question, choices) =>
            ask(question).pipe(
              Effect.flatMap((answer) => {
                const index = choiceIndex(answer, choices.length)
                return index === undefined ? Effect.fail(new Declined({ what: question })) : Effect.succeed(index)
              })
            )
        })
      })
    )
}

const isYes = (answer: string): boolean => /^\s*y(es)?\s*$/i.test(answer)

/** "" -> 0 (the default, first choice); "2" -> 1; anything else or out of range -> undefined. */
const choiceIndex = (answer: string, count: number): number | undefined => {
  const text = answer.trim()
  if (text === "") return 0
  const n = /^\d+$/.test(text) ? Number(text) : NaN
  return n >= 1 && n <= count ? n - 1 : undefined
}

/** Asks again until the answer names a choice (Ctrl-C or Ctrl-D still decline). */
const pickAgain = (pick: Effect.Effect<number | undefined, Declined>): Effect.Effect<number, Declined> =>
  Effect.flatMap(pick, (index) => index === undefined ? pickAgain(pick) : Effect.succeed(index))

/** "New passphrase: " -> "New passphrase", for `Declined`. */
const subject = (prompt: string): string => prompt.replace(/[\s:]+$/, "")

const noTerminal = (what: string) => new Declined({ what: `${what} (no terminal to answer on)` })

/**
 * One line from stdin through readline in terminal mode (raw input, line
 * editing). For hidden input everything readline echoes after the prompt is
 * dropped, and the line never enters readline's history.
 */
const readLine = (prompt: string, what: string, hidden: boolean) =>
  Effect.async<string, Declined>((resume) => {
    let muted = false
    let done = false
    const output = new Writable({
      write(chunk, encoding, callback) {
        if (!muted) process.stderr.write(chunk, encoding)
        callback()
      }
    })
    const rl = createInterface({ input: process.stdin, output, terminal: true, historySize: 0 })
    const finish = (result: Effect.Effect<string, Declined>) => {
      if (done) return
      done = true
      rl.close()
      if (hidden) process.stderr.write("\n")
      resume(result)
    }
    rl.on("SIGINT", () => finish(Effect.fail(new Declined({ what }))))
    rl.on("close", () => finish(Effect.fail(new Declined({ what }))))
    rl.question(prompt, (answer) => finish(Effect.succeed(answer)))
    muted = hidden
    return Effect.sync(() => {
      done = true
      rl.close()
    })
  })
