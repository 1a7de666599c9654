import { it } from "@effect/vitest"
import { type ConfigError, ConfigProvider, Effect, Either, Layer, Redacted } from "effect"
import fc from "fast-check"
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { afterAll, describe, expect } from "vitest"
import type { Argon2Costs } from "../../src/crypto/argon2Costs.js"
import { toDisplay, toZ32 } from "../../src/domain/keyDisplay.js"
import { Keypair } from "../../src/domain/keys.js"
import { EnvelopeCosts, KeyStore } from "../../src/services/KeyStore.js"
import { Passphrase, type SecretKind } from "../../src/services/Passphrase.js"
import { TerminalPrompt } from "../../src/services/TerminalPrompt.js"
import { modeOf } from "../support/files.js"

const root = mkdtempSync(join(tmpdir(), "cclink-keystore-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let homes = 0
const freshHome = () => join(root, `home${++homes}`)

const SMALL: Argon2Costs = { memoryKiB: 64, iterations: 1, parallelism: 1 }
const PASSPHRASE = "violet-ostrich-sings"

const seed = (n: number) => Uint8Array.from({ length: 32 }, (_, i) => (i * 29 + n) & 0xff)
const keypair = (n: number) => Either.getOrThrow(Keypair.fromSeed(seed(n)))
const hex = (n: number) => Buffer.from(seed(n)).toString("hex")

const layerWith = (
  env: Record<string, string>,
  passphrase: Layer.Layer<Passphrase, ConfigError.ConfigError> = Passphrase.layerTest({}),
  costs: Argon2Costs | "spec" = SMALL
) =>
  KeyStore.layer.pipe(
    Layer.provide(passphrase),
    Layer.provide(costs === "spec" ? Layer.empty : Layer.succeed(EnvelopeCosts, costs)),
    Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))
  )

/** Runs `use` against the store of a fresh home (or of the given environment). */
const withStore = <A, E>(
  use: (store: KeyStore["Type"]) => Effect.Effect<A, E>,
  options: { env?: Record<string, string>; secrets?: Partial<Record<SecretKind, string>>; costs?: Argon2Costs } = {}
) =>
  KeyStore.pipe(
    Effect.flatMap(use),
    Effect.provide(
      layerWith(
        options.env ?? { HOME: freshHome() },
        Passphrase.layerTest(options.secrets ?? {}),
        options.costs ?? SMALL
      )
    )
  )

/** Writes a key file by hand, as another tool (or the reference) would. */
const writeKeyFile = (path: string, contents: string | Uint8Array, mode = 0o600) => {
  mkdirSync(join(path, ".."), { recursive: true, mode: 0o700 })
  writeFileSync(path, contents)
  chmodSync(path, mode)
}

describe("KeyStore path", () => {
  it.effect("is ~/.pubky/secret_key under HOME", () => {
    const home = freshHome()
    return withStore((store) => Effect.sync(() => expect(store.path).toBe(join(home, ".pubky", "secret_key"))), {
      env: { HOME: home }
    })
  })

  it.effect("CCLINK_KEY_FILE overrides it: saves and loads go there, not under HOME", () => {
    const home = freshHome()
    const file = join(freshHome(), "elsewhere", "my_key")
    return withStore(
      (store) =>
        Effect.gen(function*() {
          expect(store.path).toBe(file)
          yield* store.save(keypair(1), { overwrite: false })
          expect(readFileSync(file, "utf8")).toBe(hex(1))
          expect(existsSync(join(home, ".pubky"))).toBe(false)
          expect(toZ32((yield* store.load()).publicKey)).toBe(toZ32(keypair(1).publicKey))
        }),
      { env: { HOME: home, CCLINK_KEY_FILE: file } }
    )
  })

  it.effect("a relative CCLINK_KEY_FILE is resolved against the working directory; an empty one is unset", () =>
    Effect.gen(function*() {
      const home = freshHome()
      yield* withStore((store) => Effect.sync(() => expect(store.path).toBe(resolve("keys/k"))), {
        env: { HOME: home, CCLINK_KEY_FILE: "keys/k" }
      })
      yield* withStore((store) => Effect.sync(() => expect(store.path).toBe(join(home, ".pubky", "secret_key"))), {
        env: { HOME: home, CCLINK_KEY_FILE: "" }
      })
    }))
})

describe("KeyStore plaintext keys", () => {
  it.effect("saves 64 lower-case hex digits and nothing else, at 0600, and loads them back", () =>
    withStore((store) =>
      Effect.gen(function*() {
        expect(yield* store.exists).toBe(false)
        yield* store.save(keypair(7), { overwrite: false })
        expect(yield* store.exists).toBe(true)
        expect(readFileSync(store.path, "latin1")).toBe(hex(7))
        expect(modeOf(store.path)).toBe(0o600)
        expect(readdirSync(join(store.path, ".."))).toEqual(["secret_key"])
        const loaded = yield* store.load()
        expect(loaded.seed()).toEqual(seed(7))
        expect(toDisplay(loaded.publicKey)).toBe(toDisplay(keypair(7).publicKey))
      })
    ))

  it.effect("loads a key written with surrounding whitespace and upper-case digits", () =>
    withStore((store) =>
      Effect.gen(function*() {
        writeKeyFile(store.path, `\n  ${hex(3).toUpperCase()}\r\n\t`)
        expect((yield* store.load()).seed()).toEqual(seed(3))
      })
    ))

  it.effect("refuses a key file that is not a key, with the reason and without echoing it", () =>
    withStore((store) =>
      Effect.gen(function*() {
        const cases: ReadonlyArray<[string, string]> = [
          ["", "is empty"],
          [hex(1).slice(0, 63), "has 63 hex digits, not 64"],
          [`${hex(1).slice(0, 60)}zzzz`, "contains characters that are not hex digits"],
          [`${hex(1)}${hex(2)}`, "has 128 hex digits, not 64"]
        ]
        for (const [contents, reason] of cases) {
          writeKeyFile(store.path, contents)
          const error = yield* Effect.flip(store.load())
          expect(error._tag).toBe("InvalidInput")
          expect(error.message).toBe(`The key file ${store.path} is not a valid key: it ${reason}.`)
        }
      })
    ))

  it.effect("a missing key is NotFound, naming the path and `cclink init`", () =>
    withStore((store) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(store.load())
        expect(error._tag).toBe("NotFound")
        expect(error.message).toBe(`No key at ${store.path}.\nRun \`cclink init\` to create a key.`)
      })
    ))

  it.effect("a key path that is a directory, or a file far too large, is a FileError", () =>
    withStore((store) =>
      Effect.gen(function*() {
        mkdirSync(store.path, { recursive: true, mode: 0o600 })
        chmodSync(store.path, 0o600)
        expect(yield* Effect.flip(store.load())).toMatchObject({ _tag: "FileError", code: "EISDIR" })
        rmSync(store.path, { recursive: true })
        writeKeyFile(store.path, "0".repeat(10_000))
        expect(yield* Effect.flip(store.load())).toMatchObject({ _tag: "FileError", code: "EFBIG" })
      })
    ))
})

describe("KeyStore permissions", () => {
  it.effect("refuses a key file at any mode but 0600, naming the chmod fix", () =>
    withStore((store) =>
      Effect.gen(function*() {
        for (const mode of [0o644, 0o640, 0o604, 0o660, 0o400, 0o700, 0o666, 0o601]) {
          writeKeyFile(store.path, hex(1), mode)
          const error = yield* Effect.flip(store.load())
          expect(error._tag).toBe("PermissionError")
          expect(error.message).toBe(
            `The key file is mode 0${mode.toString(8)}, not 0600: ${store.path}\nFix: chmod 600 ${store.path}`
          )
        }
        chmodSync(store.path, 0o600)
        expect((yield* store.load()).seed()).toEqual(seed(1))
      })
    ))

  it.effect("quotes the path in the fix when a shell needs it", () => {
    const file = join(freshHome(), "it's mine", "secret key")
    return withStore(
      (store) =>
        Effect.gen(function*() {
          writeKeyFile(file, hex(1), 0o644)
          const error = yield* Effect.flip(store.load())
          expect(error.message).toContain(`Fix: chmod 600 '${file.replace("'", `'\\''`)}'`)
        }),
      { env: { CCLINK_KEY_FILE: file } }
    )
  })

  it.effect("creates the folder 0700 and the file 0600 whatever the umask", () =>
    Effect.acquireUseRelease(
      Effect.sync(() => process.umask(0o277)),
      () =>
        withStore((store) =>
          Effect.gen(function*() {
            yield* store.save(keypair(2), { overwrite: false })
            expect(statSync(join(store.path, "..")).mode & 0o777).toBe(0o700)
            expect(modeOf(store.path)).toBe(0o600)
          })
        ),
      (previous) => Effect.sync(() => process.umask(previous))
    ))

  it.effect("replacing a key that was 0644 leaves a 0600 file", () =>
    withStore((store) =>
      Effect.gen(function*() {
        writeKeyFile(store.path, hex(1), 0o644)
        yield* store.save(keypair(2), { overwrite: true })
        expect(modeOf(store.path)).toBe(0o600)
        expect(readFileSync(store.path, "latin1")).toBe(hex(2))
      })
    ))
})

describe("KeyStore overwrite", () => {
  it.effect("refuses to replace a key unless asked, and replaces it when asked", () =>
    withStore((store) =>
      Effect.gen(function*() {
        yield* store.save(keypair(1), { overwrite: false })
        const error = yield* Effect.flip(store.save(keypair(2), { overwrite: false }))
        expect(error._tag).toBe("InvalidInput")
        expect(error.message).toContain(`A key already exists at ${store.path}`)
        expect(readFileSync(store.path, "latin1")).toBe(hex(1))

        yield* store.save(keypair(2), { overwrite: true })
        expect(readFileSync(store.path, "latin1")).toBe(hex(2))
        expect(readdirSync(join(store.path, ".."))).toEqual(["secret_key"])
      })
    ))
})

describe("KeyStore envelopes", () => {
  const passphrase = Redacted.make(PASSPHRASE)

  it.effect("saves a CCLINKEK envelope at 0600 and loads it with the passphrase", () =>
    withStore(
      (store) =>
        Effect.gen(function*() {
          yield* store.save(keypair(4), { passphrase, overwrite: false })
          const bytes = readFileSync(store.path)
          expect(bytes.subarray(0, 9).toString("latin1")).toBe("CCLINKEK\x01")
          expect([bytes.readUInt32BE(9), bytes.readUInt32BE(13), bytes.readUInt32BE(17)]).toEqual([64, 1, 1])
          expect(bytes.includes(Buffer.from(seed(4)))).toBe(false)
          expect(bytes.toString("latin1")).not.toContain(hex(4))
          expect(modeOf(store.path)).toBe(0o600)
          expect((yield* store.load()).seed()).toEqual(seed(4))
        }),
      { secrets: { passphrase: PASSPHRASE } }
    ))

  it.effect("a wrong passphrase is DecryptionFailed; no passphrase at all is PassphraseError", () => {
    const home = freshHome()
    return Effect.gen(function*() {
      yield* withStore((store) => store.save(keypair(4), { passphrase, overwrite: false }), { env: { HOME: home } })
      const wrong = yield* Effect.flip(
        withStore((store) => store.load(), { env: { HOME: home }, secrets: { passphrase: "not-the-passphrase" } })
      )
      expect(wrong._tag).toBe("DecryptionFailed")
      const none = yield* Effect.flip(withStore((store) => store.load(), { env: { HOME: home } }))
      expect(none._tag).toBe("PassphraseError")
    })
  })

  it.effect("load hands its passphrase sources to Passphrase (here a 0600 file)", () => {
    const home = freshHome()
    const passphraseFile = join(home, "pass.txt")
    const live = Passphrase.layer.pipe(Layer.provide(TerminalPrompt.layerTest({ interactive: false })))
    return Effect.gen(function*() {
      const store = yield* KeyStore
      yield* store.save(keypair(6), { passphrase, overwrite: false })
      writeFileSync(passphraseFile, `${PASSPHRASE}\n`, { mode: 0o600 })
      expect((yield* store.load({ file: passphraseFile })).seed()).toEqual(seed(6))
      expect((yield* Effect.flip(store.load()))._tag).toBe("PassphraseError")
    }).pipe(Effect.provide(layerWith({ HOME: home }, live)))
  })

  it.effect("refuses to seal under a passphrase shorter than 8 characters, writing nothing", () =>
    withStore((store) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(
          store.save(keypair(1), { passphrase: Redacted.make("1234567"), overwrite: false })
        )
        expect(error._tag).toBe("PassphraseError")
        expect(error.message).toBe("A new passphrase must be at least 8 characters.")
        expect(existsSync(store.path)).toBe(false)
      })
    ))

  it.effect("writes the spec's costs (64 MiB, t=3, p=1) by default, and opens them", () => {
    const home = freshHome()
    return Effect.gen(function*() {
      const store = yield* KeyStore
      yield* store.save(keypair(8), { passphrase, overwrite: false })
      const bytes = readFileSync(store.path)
      expect([bytes.readUInt32BE(9), bytes.readUInt32BE(13), bytes.readUInt32BE(17)]).toEqual([65536, 3, 1])
      expect((yield* store.load()).seed()).toEqual(seed(8))
    }).pipe(Effect.provide(layerWith({ HOME: home }, Passphrase.layerTest({ passphrase: PASSPHRASE }), "spec")))
  })
})

describe("KeyStore.parseImport", () => {
  const parse = (text: string) => withStore((store) => store.parseImport(new TextEncoder().encode(text)))

  it.effect("takes 64 hex digits in either case, surrounding whitespace aside", () =>
    Effect.gen(function*() {
      expect((yield* parse(hex(5))).seed()).toEqual(seed(5))
      expect((yield* parse(` \t${hex(5).toUpperCase()}\r\n`)).seed()).toEqual(seed(5))
    }))

  it.effect("refuses anything else with the reason, never quoting the input", () =>
    Effect.gen(function*() {
      const publicKey = toZ32(keypair(1).publicKey)
      const cases: ReadonlyArray<[string, string]> = [
        ["   \n", "is empty"],
        [hex(1).slice(1), "has 63 hex digits, not 64"],
        [`${hex(1)}a`, "has 65 hex digits, not 64"],
        [`${hex(1).slice(0, 63)}g`, "contains characters that are not hex digits"],
        [`${hex(1).slice(0, 32)} ${hex(1).slice(32)}`, "contains characters that are not hex digits"],
        [`0x${hex(1)}`, "contains characters that are not hex digits"],
        [`pk:${publicKey}`, "is a public key; the secret key is 64 hex digits"],
        [publicKey, "is a public key; the secret key is 64 hex digits"],
        ["CCLINKEK\x01\x00\x01\x00\x00", "is an encrypted key (CCLINKEK envelope), not a plaintext key"],
        [
          "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ",
          "is an age identity, not a cclink key"
        ]
      ]
      for (const [input, reason] of cases) {
        const error = yield* Effect.flip(parse(input))
        expect(error.message).toBe(`Cannot import the key: it ${reason}.`)
        if (input.trim().length > 0) expect(error.message).not.toContain(input.trim().slice(0, 12))
      }
    }))

  it("accepts exactly the strings that are 64 hex digits once trimmed", () =>
    fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEF \n\tg:"), maxLength: 80 }),
          fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString("hex"))
        ),
        async (text) => {
          const result = await Effect.runPromise(Effect.either(parse(text)))
          const valid = /^[ \n\t]*[0-9a-fA-F]{64}[ \n\t]*$/.test(text)
          expect(Either.isRight(result)).toBe(valid)
          if (Either.isRight(result)) {
            expect(Buffer.from(result.right.seed()).toString("hex")).toBe(text.trim().toLowerCase())
          }
        }
      ),
      { numRuns: 200 }
    ))
})

describe("KeyStore leftovers of killed writes", () => {
  it.effect("a save removes temporary files older than a minute, and leaves recent ones to their writer", () => {
    const home = freshHome()
    const folder = join(home, ".pubky")
    const stale = join(folder, ".secret_key.00112233445566aa.tmp")
    const recent = join(folder, ".secret_key.00112233445566bb.tmp")
    const unrelated = join(folder, ".other.00112233445566cc.tmp")
    return withStore(
      (store) =>
        Effect.gen(function*() {
          for (const file of [stale, recent, unrelated]) writeKeyFile(file, hex(9))
          const old = new Date(Date.now() - 5 * 60_000)
          utimesSync(stale, old, old)
          utimesSync(unrelated, old, old)
          yield* store.save(keypair(2), { overwrite: false })
          expect(existsSync(stale)).toBe(false)
          expect(existsSync(recent)).toBe(true)
          expect(existsSync(unrelated)).toBe(true)
          expect(readFileSync(store.path, "utf8")).toBe(hex(2))
        }),
      { env: { HOME: home } }
    )
  })
})
