/**
 * The `claude` lookup and launch per platform: pure functions, so each
 * platform's rules are checked on every machine (the live lookup on this
 * one is in ClaudeLauncher.test.ts).
 */
import { describe, expect, it } from "vitest"
import { claudeCandidates, launchCommand, needsExecuteBit } from "../../src/services/claudeExecutable.js"

describe("claudeCandidates", () => {
  it("Linux and macOS: `claude` in each absolute PATH folder, in order; relative and empty entries skipped", () => {
    for (const platform of ["linux", "darwin"] as const) {
      expect(claudeCandidates(platform, { PATH: "/usr/local/bin::bin:./x:/opt/claude/bin" })).toEqual([
        "/usr/local/bin/claude",
        "/opt/claude/bin/claude"
      ])
      // PATHEXT means nothing there.
      expect(claudeCandidates(platform, { PATH: "/bin", PATHEXT: ".EXE" })).toEqual(["/bin/claude"])
    }
    expect(claudeCandidates("linux", {})).toEqual([])
  })

  it("Windows: each PATH folder (;-separated, quotes removed) with each PATHEXT extension, in the shell's order", () => {
    expect(
      claudeCandidates("win32", {
        PATH: "C:\\Windows\\system32;\"C:\\Program Files\\nodejs\";C:\\Users\\alice\\.local\\bin\\",
        PATHEXT: ".COM;.EXE;.BAT;.CMD"
      })
    ).toEqual([
      "C:\\Windows\\system32\\claude.com",
      "C:\\Windows\\system32\\claude.exe",
      "C:\\Windows\\system32\\claude.bat",
      "C:\\Windows\\system32\\claude.cmd",
      "C:\\Program Files\\nodejs\\claude.com",
      "C:\\Program Files\\nodejs\\claude.exe",
      "C:\\Program Files\\nodejs\\claude.bat",
      "C:\\Program Files\\nodejs\\claude.cmd",
      "C:\\Users\\alice\\.local\\bin\\claude.com",
      "C:\\Users\\alice\\.local\\bin\\claude.exe",
      "C:\\Users\\alice\\.local\\bin\\claude.bat",
      "C:\\Users\\alice\\.local\\bin\\claude.cmd"
    ])
  })

  it("Windows: PATHEXT defaults to .COM;.EXE;.BAT;.CMD; no bare `claude` (npm's shell script for Git Bash)", () => {
    const found = claudeCandidates("win32", { PATH: "D:\\tools" })
    expect(found).toEqual([
      "D:\\tools\\claude.com",
      "D:\\tools\\claude.exe",
      "D:\\tools\\claude.bat",
      "D:\\tools\\claude.cmd"
    ])
    expect(found).not.toContain("D:\\tools\\claude")
  })

  it("Windows: relative, drive-relative and root-relative entries are skipped; UNC shares are kept", () => {
    expect(claudeCandidates("win32", { PATH: "bin;.;C:tools;\\tools;;\\\\server\\share\\bin", PATHEXT: ".EXE" }))
      .toEqual(["\\\\server\\share\\bin\\claude.exe"])
  })
})

describe("needsExecuteBit", () => {
  it("only where POSIX modes exist", () => {
    expect(needsExecuteBit("linux")).toBe(true)
    expect(needsExecuteBit("darwin")).toBe(true)
    expect(needsExecuteBit("win32")).toBe(false)
  })
})

describe("launchCommand", () => {
  const id = "c0ffee00-1234-4abc-9def-0123456789ab"

  it("starts the file itself on Linux and macOS, and a Windows .exe", () => {
    expect(launchCommand("linux", "/usr/bin/claude", ["--resume", id], undefined)).toEqual({
      command: "/usr/bin/claude",
      args: ["--resume", id],
      verbatim: false
    })
    expect(launchCommand("win32", "C:\\bin\\claude.exe", ["--resume", id], "C:\\Windows\\system32\\cmd.exe"))
      .toEqual({ command: "C:\\bin\\claude.exe", args: ["--resume", id], verbatim: false })
    // A file named .cmd is no batch file outside Windows.
    expect(launchCommand("darwin", "/opt/claude.cmd", [], undefined).command).toBe("/opt/claude.cmd")
  })

  it("Windows batch files (.cmd, .bat) through cmd.exe, every word quoted and the line quoted for /s", () => {
    expect(
      launchCommand(
        "win32",
        "C:\\Program Files\\nodejs\\claude.CMD",
        ["--resume", id],
        "C:\\Windows\\system32\\cmd.exe"
      )
    ).toEqual({
      command: "C:\\Windows\\system32\\cmd.exe",
      args: ["/d", "/s", "/c", `""C:\\Program Files\\nodejs\\claude.CMD" "--resume" "${id}""`],
      verbatim: true
    })
    expect(launchCommand("win32", "C:\\R&D\\claude.bat", [], undefined)).toEqual({
      command: "cmd.exe",
      args: ["/d", "/s", "/c", "\"\"C:\\R&D\\claude.bat\"\""],
      verbatim: true
    })
  })
})
