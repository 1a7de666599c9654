/**
 * The words of a command line against cclink's real command tree, before
 * @effect/cli parses them (src/cli/checkOptions.ts). The end-to-end cases
 * are in basics.test.ts; these pin the rules one by one.
 */
import { Either } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { checkOptions } from "../../src/cli/checkOptions.js"
import { subcommands } from "../../src/cli/main.js"

const check = (...args: Array<string>) => checkOptions(subcommands, args)
const accepted = (...args: Array<string>) => Either.getOrThrow(check(...args))
const refused = (...args: Array<string>) => Either.getOrThrow(Either.flip(check(...args)))

describe("checkOptions", () => {
  it("passes known options and their values through unchanged", () => {
    expect(accepted("pickup", "--json", "--timeout", "5s", "--no-launch")).toEqual([
      "pickup",
      "--json",
      "--timeout",
      "5s",
      "--no-launch"
    ])
    expect(accepted("--ttl", "1h", "--burn")).toEqual(["--ttl", "1h", "--burn"])
  })

  it("splits --name=value, which @effect/cli reads as an argument for a repeated option", () => {
    expect(accepted("pickup", "--relay=http://a", "--relay=http://b", "--no-dht")).toEqual([
      "pickup",
      "--relay",
      "http://a",
      "--relay",
      "http://b",
      "--no-dht"
    ])
  })

  it("takes the word after an option that needs a value as its value, whatever it looks like", () => {
    expect(accepted("init", "--import", "-", "--no-passphrase")).toEqual(["init", "--import", "-", "--no-passphrase"])
    expect(accepted("whoami", "--passphrase-fd", "-1")).toEqual(["whoami", "--passphrase-fd", "-1"])
  })

  it("refuses an unknown option, naming the command, with the closest long option when one is near", () => {
    expect(refused("whoami", "--jsn")).toBe(
      "Unknown option --jsn for `cclink whoami`. Did you mean --json? See `cclink whoami --help`."
    )
    expect(refused("--tll", "1h")).toBe("Unknown option --tll for `cclink`. Did you mean --ttl? See `cclink --help`.")
    expect(refused("pickup", "--completely-else")).toBe(
      "Unknown option --completely-else for `cclink pickup`. See `cclink pickup --help`."
    )
    expect(refused("pickup", "-x")).toBe("Unknown option -x for `cclink pickup`. See `cclink pickup --help`.")
  })

  it("refuses an option of another command", () => {
    expect(refused("whoami", "--burn")).toContain("Unknown option --burn for `cclink whoami`.")
  })

  it("refuses an option with no value left for it", () => {
    expect(refused("pickup", "--timeout")).toBe("The option --timeout needs a value. See `cclink pickup --help`.")
  })

  it("counts arguments: one for publish and pickup, none for whoami; after -- nothing is an option", () => {
    expect(accepted("pickup", "pk:x")).toEqual(["pickup", "pk:x"])
    expect(refused("pickup", "pk:x", "extra")).toBe("Unexpected argument \"extra\". See `cclink pickup --help`.")
    expect(refused("whoami", "x")).toBe("Unexpected argument \"x\". See `cclink whoami --help`.")
    expect(accepted("publish", "--", "--looks-like-an-option")).toEqual(["publish", "--", "--looks-like-an-option"])
    expect(refused("publish", "--", "a", "b")).toBe("Unexpected argument \"b\". See `cclink publish --help`.")
  })

  it("accepts the @effect/cli options cclink keeps on every command, and refuses the others", () => {
    expect(accepted("list", "--help")).toEqual(["list", "--help"])
    expect(refused("pickup", "--log-level", "info")).toContain("Unknown option --log-level")
    expect(refused("--wizard")).toContain("Unknown option --wizard")
    expect(accepted("--completions", "bash")).toEqual(["--completions", "bash"])
  })

  it("never throws, and only ever splits --name=value: the words keep their order", () => {
    const word = fc.oneof(
      fc.constantFrom("pickup", "publish", "whoami", "list", "--json", "--relay", "--timeout", "-", "--", "-y", "--x"),
      fc.constantFrom("--relay=http://a", "--ttl=1h", "--wait=5m", "pk:x", "5s"),
      fc.string({ maxLength: 6 })
    )
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), (args) => {
        const result = check(...args)
        if (Either.isLeft(result)) {
          expect(result.left).toMatch(/^(Unknown option|Unexpected argument|The option)/)
          return
        }
        // Joined with a separator, the output is the input with some "=" turned into separators.
        const before = args.join("\u0000")
        const after = result.right.join("\u0000")
        expect(after).toHaveLength(before.length)
        for (let i = 0; i < before.length; i++) {
          if (after[i] !== before[i]) expect([before[i], after[i]]).toEqual(["=", "\u0000"])
        }
      }),
      { numRuns: 2000 }
    )
  })
})
