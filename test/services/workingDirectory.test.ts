/**
 * The working directory a program started in a directory sees, per
 * platform: the physical path on Linux and macOS (checked here on real
 * files), the normalized path as given on Windows (pure: checked anywhere).
 */
import { Effect } from "effect"
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { workingDirectory } from "../../src/services/workingDirectory.js"

const root = realpathSync(mkdtempSync(join(tmpdir(), "cclink-cwd-")))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const cwdOf = (platform: NodeJS.Platform, dir: string) => Effect.runPromise(workingDirectory(platform, dir))

describe("workingDirectory", () => {
  it("Linux and macOS: symbolic links resolved, as getcwd reports them", async () => {
    const real = join(root, "real")
    mkdirSync(join(real, "inner"), { recursive: true })
    symlinkSync(real, join(root, "link"))
    for (const platform of ["linux", "darwin"] as const) {
      expect(await cwdOf(platform, join(root, "link"))).toBe(real)
      expect(await cwdOf(platform, join(root, "link", "inner", ".."))).toBe(real)
      expect(await cwdOf(platform, `${join(root, "link")}/`)).toBe(real)
    }
  })

  it("Linux and macOS: a directory that is not there keeps its resolved path", async () => {
    expect(await cwdOf("linux", join(root, "gone", "..", "absent"))).toBe(join(root, "absent"))
  })

  it("Windows: absolute, backslashes, no trailing separator, links and letter case kept", async () => {
    expect(await cwdOf("win32", "C:/Users/alice/x/")).toBe("C:\\Users\\alice\\x")
    expect(await cwdOf("win32", "C:\\Users\\alice\\x\\src\\..")).toBe("C:\\Users\\alice\\x")
    expect(await cwdOf("win32", "c:\\Users\\Alice\\X")).toBe("c:\\Users\\Alice\\X")
    expect(await cwdOf("win32", "\\\\server\\share\\x")).toBe("\\\\server\\share\\x")
  })
})
