/**
 * The permission rule for secret files per platform: POSIX modes where they
 * exist, none on Windows (Node reports 0666 or 0444 there whatever the ACL).
 */
import { Either } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { modeAccepted, readSecretFileSync } from "../../src/services/secretFileRead.js"
import { writeWithMode } from "../support/files.js"

const root = mkdtempSync(join(tmpdir(), "cclink-secret-read-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const KEY = { what: "key file", modes: [0o600], maxBytes: 64 }

describe("modeAccepted", () => {
  it("Linux and macOS: only the modes given", () => {
    for (const platform of ["linux", "darwin"] as const) {
      expect(modeAccepted(platform, 0o600, [0o600])).toBe(true)
      expect(modeAccepted(platform, 0o400, [0o600, 0o400])).toBe(true)
      for (const mode of [0o644, 0o640, 0o604, 0o700, 0o666, 0o400]) {
        expect(modeAccepted(platform, mode, [0o600])).toBe(false)
      }
    }
  })

  it("Windows: what Node reports as the mode there (0666, 0444) is no refusal", () => {
    for (const mode of [0o666, 0o444, 0o644]) expect(modeAccepted("win32", mode, [0o600])).toBe(true)
  })
})

describe("readSecretFileSync", () => {
  it("refuses a file others can read on Linux, and reads it under Windows' rule", () => {
    const file = writeWithMode(join(root, "open-key"), "secret", 0o644)
    expect(readSecretFileSync(file, KEY, "linux")).toEqual(Either.left({ _tag: "WrongMode", mode: 0o644 }))
    const read = readSecretFileSync(file, KEY, "win32")
    expect(Either.isRight(read) && Buffer.from(read.right).toString()).toBe("secret")
  })
})
