import { it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Redacted } from "effect"
import { closeSync, openSync } from "node:fs"
import { join } from "node:path"
import { setTimeout as sleep } from "node:timers/promises"
import { describe, expect } from "vitest"
import { Passphrase, type SecretRequest } from "../../src/services/Passphrase.js"
import { TerminalPrompt } from "../../src/services/TerminalPrompt.js"
import { writeWithMode } from "../support/files.js"
import { start } from "./childScript.js"
import { usePromptChild } from "./promptHarness.js"

const child = usePromptChild("passphrase")
const { root } = child

let files = 0
/** A secret file with real permission bits. */
const secretFile = (contents: string | Uint8Array, mode = 0o600) =>
  writeWithMode(join(root, `secret${++files}`), contents, mode)

interface Setup {
  readonly env?: Record<string, string>
  /** Answers typed at the prompts; without them there is no terminal. */
  readonly answers?: ReadonlyArray<string>
}

/** The live Passphrase with the given environment and a scripted terminal. */
const get = (request: SecretRequest, setup: Setup = {}) =>
  Passphrase.pipe(
    Effect.flatMap((passphrase) => passphrase.get(request)),
    Effect.map(Redacted.value),
    Effect.provide(
      Passphrase.layer.pipe(
        Layer.provide(
          TerminalPrompt.layerTest(
            setup.answers === undefined ? { interactive: false } : { interactive: true, answers: setup.answers }
          )
        )
      )
    ),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(setup.env ?? {}))))
  )

const passphrase = { kind: "passphrase", creating: false } as const
const pin = { kind: "PIN", creating: false } as const

describe("Passphrase from a file", () => {
  it.effect("reads a file at mode 0600 or 0400", () =>
    Effect.gen(function*() {
      expect(yield* get({ ...passphrase, file: secretFile("six-oh-oh\n", 0o600) })).toBe("six-oh-oh")
      expect(yield* get({ ...passphrase, file: secretFile("four-oh-oh\n", 0o400) })).toBe("four-oh-oh")
    }))

  it.effect("refuses any other mode with the chmod fix", () =>
    Effect.gen(function*() {
      for (const mode of [0o644, 0o640, 0o604, 0o700, 0o660, 0o440]) {
        const file = secretFile("pw", mode)
        const error = yield* Effect.flip(get({ ...passphrase, file }))
        expect(error._tag).toBe("PermissionError")
        expect(error.message).toBe(
          `The passphrase file is mode 0${mode.toString(8)}, not 0600 or 0400: ${file}\nFix: chmod 600 ${file}`
        )
      }
      const file = secretFile("1234-5678", 0o644)
      expect((yield* Effect.flip(get({ ...pin, file }))).message).toContain("The PIN file is mode 0644")
    }))

  it.effect("strips exactly one trailing \\r\\n or \\n, nothing else", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<[string, string]> = [
        ["pw\n\n", "pw\n"],
        ["pw\r\n", "pw"],
        ["pw\n", "pw"],
        ["pw", "pw"],
        ["pw\r", "pw\r"],
        ["pw\n\r\n", "pw\n"],
        ["pw\r\n\r\n", "pw\r\n"],
        [" pw \t\n", " pw \t"],
        ["\ufeffpw\n", "\ufeffpw"],
        ["ünïcødé 🔑\n", "ünïcødé 🔑"]
      ]
      for (const [contents, expected] of cases) {
        expect(yield* get({ ...passphrase, file: secretFile(contents) }), JSON.stringify(contents)).toBe(expected)
      }
    }))

  it.effect("a missing, empty, oversized or non-UTF-8 file is a PassphraseError saying so", () =>
    Effect.gen(function*() {
      const missing = join(root, "no-such-file")
      expect((yield* Effect.flip(get({ ...passphrase, file: missing }))).message).toBe(
        `Cannot read the passphrase file (no such file or directory): ${missing}.`
      )
      for (const contents of ["", "\n", "\r\n"]) {
        const error = yield* Effect.flip(get({ ...passphrase, file: secretFile(contents) }))
        expect(error).toMatchObject({ _tag: "PassphraseError", message: "The passphrase is empty." })
      }
      const big = secretFile("x".repeat(70_000))
      expect((yield* Effect.flip(get({ ...passphrase, file: big }))).message).toBe(
        `The passphrase file is larger than 65536 bytes: ${big}.`
      )
      const latin1 = secretFile(Uint8Array.from([0x70, 0xe9, 0x0a]))
      expect((yield* Effect.flip(get({ ...passphrase, file: latin1 }))).message).toBe(
        "The passphrase is not valid UTF-8 text."
      )
    }))
})

describe("Passphrase from a file descriptor", () => {
  it.effect("reads an open descriptor to its end, stripping one newline", () =>
    Effect.acquireUseRelease(
      Effect.sync(() => openSync(secretFile("from a descriptor\n\n"), "r")),
      (fd) => Effect.map(get({ ...passphrase, fd }), (value) => expect(value).toBe("from a descriptor\n")),
      (fd) => Effect.sync(() => closeSync(fd))
    ))

  it.effect("a descriptor that is not open is a PassphraseError naming it", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(get({ ...pin, fd: 987 }))
      expect(error.message).toBe("Cannot read the PIN (not an open file descriptor): file descriptor 987.")
      expect((yield* Effect.flip(get({ ...pin, fd: -1 }))).message).toBe("--pin-fd takes a file descriptor number.")
    }))

  it("reads a pipe inherited as fd 3 whole, however the writer splits it", async () => {
    for (
      const [chunks, expected] of [[["correct ", "horse\n", "\n"], "correct horse\n"], [["pw\r", "\n"], "pw"]] as const
    ) {
      const { child: process3, finished } = start(
        child.path(),
        [JSON.stringify({ kind: "passphrase", creating: false, fd: 3 })],
        { stdio: ["ignore", "pipe", "pipe", "pipe"], env: withoutSecrets() }
      )
      const pipe = process3.stdio[3] as NodeJS.WritableStream
      for (const chunk of chunks) {
        pipe.write(chunk)
        await sleep(100)
      }
      pipe.end()
      const result = await finished
      expect(JSON.parse(result.stdout)).toEqual({ value: expected })
    }
  })
})

describe("Passphrase from the environment", () => {
  it.effect("CCLINK_PASSPHRASE answers passphrases and CCLINK_PIN answers PINs, never the other", () =>
    Effect.gen(function*() {
      const env = { CCLINK_PASSPHRASE: "env passphrase", CCLINK_PIN: "env-pin-2468" }
      expect(yield* get(passphrase, { env })).toBe("env passphrase")
      expect(yield* get(pin, { env })).toBe("env-pin-2468")
      expect((yield* Effect.flip(get(pin, { env: { CCLINK_PASSPHRASE: "env passphrase" } })))._tag).toBe(
        "PassphraseError"
      )
    }))

  it.effect("an empty variable counts as unset", () =>
    Effect.gen(function*() {
      expect(yield* get(passphrase, { env: { CCLINK_PASSPHRASE: "" }, answers: ["typed"] })).toBe("typed")
    }))
})

describe("Passphrase sources in priority order", () => {
  it.effect("fd, then file, then environment, then the terminal", () =>
    Effect.acquireUseRelease(
      Effect.sync(() => openSync(secretFile("from fd"), "r")),
      (fd) =>
        Effect.gen(function*() {
          const file = secretFile("from file")
          const setup = { env: { CCLINK_PASSPHRASE: "from env" }, answers: ["from terminal"] }
          expect(yield* get({ ...passphrase, fd, file }, setup)).toBe("from fd")
          expect(yield* get({ ...passphrase, file }, setup)).toBe("from file")
          expect(yield* get(passphrase, setup)).toBe("from env")
          expect(yield* get(passphrase, { answers: setup.answers })).toBe("from terminal")
        }),
      (fd) => Effect.sync(() => closeSync(fd))
    ))

  it.effect("a source given but unusable is an error, not a fall-through to the next one", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        get({ ...passphrase, file: secretFile("pw", 0o644) }, { env: { CCLINK_PASSPHRASE: "from env" } })
      )
      expect(error._tag).toBe("PermissionError")
    }))

  it.effect("no source and no terminal is an error naming every option", () =>
    Effect.gen(function*() {
      expect((yield* Effect.flip(get(passphrase))).message).toBe(
        "No passphrase: set CCLINK_PASSPHRASE, or pass --passphrase-file PATH or --passphrase-fd N."
      )
      expect((yield* Effect.flip(get(pin))).message).toBe(
        "No PIN: set CCLINK_PIN, or pass --pin-file PATH or --pin-fd N."
      )
    }))

  it("a real process with no terminal fails at once even while stdin stays open", async () => {
    const { finished } = start(child.path(), [JSON.stringify({ kind: "passphrase", creating: true })], {
      stdio: ["pipe", "pipe", "pipe"],
      env: withoutSecrets()
    })
    const result = await Promise.race([finished, sleep(30_000).then(() => "hung" as const)])
    expect(result).not.toBe("hung")
    expect(result !== "hung" && JSON.parse(result.stdout)).toEqual({
      error: "PassphraseError",
      message: "No passphrase: set CCLINK_PASSPHRASE, or pass --passphrase-file PATH or --passphrase-fd N."
    })
  }, 60_000)
})

describe("Passphrase when creating", () => {
  const creating = { kind: "passphrase", creating: true } as const

  it.effect("a new passphrase needs at least 8 characters, from any source", () =>
    Effect.gen(function*() {
      const short = yield* Effect.flip(get(creating, { env: { CCLINK_PASSPHRASE: "seven77" } }))
      expect(short.message).toBe("A new passphrase must be at least 8 characters.")
      expect((yield* Effect.flip(get({ ...creating, file: secretFile("ééééééé\n") }))).message).toBe(
        "A new passphrase must be at least 8 characters."
      )
      expect(yield* get(creating, { env: { CCLINK_PASSPHRASE: "eight888" } })).toBe("eight888")
      // A new PIN meets the PIN policy instead; existing passphrases and PINs are not measured.
      expect((yield* Effect.flip(get({ kind: "PIN", creating: true }, { env: { CCLINK_PIN: "1" } }))).message).toBe(
        "PIN must be at least 8 characters (got 1)"
      )
      expect(yield* get(passphrase, { env: { CCLINK_PASSPHRASE: "old" } })).toBe("old")
      expect(yield* get({ kind: "PIN", creating: false }, { env: { CCLINK_PIN: "1" } })).toBe("1")
    }))

  it.effect("on a terminal it is asked twice; a mismatch is refused", () =>
    Effect.gen(function*() {
      expect(yield* get(creating, { answers: ["brand new pass", "brand new pass"] })).toBe("brand new pass")
      const mismatch = yield* Effect.flip(get(creating, { answers: ["brand new pass", "brand new pas"] }))
      expect(mismatch).toMatchObject({ _tag: "PassphraseError", message: "The passphrases do not match." })
      const pins = yield* Effect.flip(get({ kind: "PIN", creating: true }, { answers: ["1357-2468", "1357-2469"] }))
      expect(pins.message).toBe("The PINs do not match.")
    }))

  it.effect("a too short first entry is refused before the confirmation; an existing one is asked once", () =>
    Effect.gen(function*() {
      // Only one answer: a second prompt would fail with Declined instead.
      expect((yield* Effect.flip(get(creating, { answers: ["short"] }))).message).toBe(
        "A new passphrase must be at least 8 characters."
      )
      expect(yield* get(passphrase, { answers: ["existing passphrase"] })).toBe("existing passphrase")
      expect((yield* Effect.flip(get(passphrase, { answers: [""] }))).message).toBe("The passphrase is empty.")
    }))
})

describe("Passphrase on a real terminal (tmux)", () => {
  const run = child.inTerminal

  it("asks twice without echoing what is typed, and restores the terminal", async () => {
    const { session, outcome } = run({ kind: "passphrase", creating: true })
    try {
      await session.waitFor("New passphrase:")
      session.type("correct horse battery")
      session.press("Enter")
      const afterFirst = await session.waitFor("Repeat passphrase:")
      expect(afterFirst).not.toContain("correct")
      session.type("correct horse battery")
      session.press("Enter")
      const done = await session.waitFor("EXIT=")
      expect(done).toContain("DONE")
      expect(done).toContain("EXIT=0")
      expect(done).not.toContain("horse")
      expect(done).toContain("icanon echo")
      expect(outcome()).toEqual({ value: "correct horse battery" })
    } finally {
      session.close()
    }
  }, 60_000)

  it("refuses a confirmation that does not match", async () => {
    const { session, outcome } = run({ kind: "passphrase", creating: true })
    try {
      await session.waitFor("New passphrase:")
      session.type("first passphrase")
      session.press("Enter")
      await session.waitFor("Repeat passphrase:")
      session.type("second passphrase")
      session.press("Enter")
      const done = await session.waitFor("EXIT=")
      expect(done).toContain("The passphrases do not match.")
      expect(done).toContain("EXIT=1")
      expect(done).not.toMatch(/first|second/)
      expect(outcome()).toEqual({ error: "PassphraseError", message: "The passphrases do not match." })
    } finally {
      session.close()
    }
  }, 60_000)
})

/** The test runner's environment without any secret a developer may have exported. */
const withoutSecrets = () => {
  const env = { ...process.env }
  delete env["CCLINK_PASSPHRASE"]
  delete env["CCLINK_PIN"]
  return env
}
