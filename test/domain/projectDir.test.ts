import { Option } from "effect"
import { describe, expect, it } from "vitest"
import { encodeProjectDir, folderNameOverride, isSameOrNested, projectFolderName } from "../../src/domain/projectDir.js"

describe("encodeProjectDir", () => {
  it("replaces every character but ASCII letters and digits with -", () => {
    expect(encodeProjectDir("/Users/alice/my.repo")).toBe("-Users-alice-my-repo")
    expect(encodeProjectDir("/home/alice/x_y z")).toBe("-home-alice-x-y-z")
  })

  it("maps each UTF-16 unit of a non-ASCII name to - as Claude Code's regex does", () => {
    expect(encodeProjectDir("/tmp/café")).toBe("-tmp-caf-")
    expect(encodeProjectDir("/tmp/cafe\u0301")).toBe("-tmp-cafe-")
    expect(encodeProjectDir("/tmp/🚀")).toBe("-tmp---")
  })

  it("Windows paths: the drive's colon and each backslash become -", () => {
    expect(encodeProjectDir("C:\\Users\\alice\\x")).toBe("C--Users-alice-x")
    expect(encodeProjectDir("D:\\src\\my.app")).toBe("D--src-my-app")
    expect(encodeProjectDir("\\\\server\\share\\x")).toBe("--server-share-x")
  })

  it("keeps a name of 200 characters whole", () => {
    const path = `/${"x".repeat(199)}`
    expect(encodeProjectDir(path)).toBe(`-${"x".repeat(199)}`)
  })

  it("cuts a longer name at 200 and adds the base-36 hash of the whole path, as the binary named it", () => {
    // Seen with Claude Code 2.1.332 started in this directory (the hash covers the non-ASCII ending).
    const path = `/tmp/cc4/${"a".repeat(120)}/${"b.".repeat(60)}/ünï`
    const name = encodeProjectDir(path)
    expect(name).toBe(`${path.replace(/[^a-zA-Z0-9]/g, "-").slice(0, 200)}-ht4dez`)
    // A negative hash loses its sign.
    expect(encodeProjectDir(`/${"x".repeat(200)}`)).toBe(`-${"x".repeat(199)}-d0i18x`)
  })

  it("keeps two long paths that share their first 200 characters apart", () => {
    const prefix = `/${"p".repeat(210)}`
    expect(encodeProjectDir(`${prefix}/one`)).not.toBe(encodeProjectDir(`${prefix}/two`))
    expect(encodeProjectDir(`${prefix}/one`).slice(0, 200)).toBe(encodeProjectDir(`${prefix}/two`).slice(0, 200))
  })

  it("keeps distinct paths of the two machines distinct", () => {
    expect(encodeProjectDir("/Users/alice/x")).not.toBe(encodeProjectDir("/home/alice/x"))
  })
})

describe("folderNameOverride", () => {
  const config = "/cfg"

  it("honours CLAUDE_CODE_PROJECT_DIR_NAME only with a non-empty CLAUDE_CONFIG_DIR", () => {
    expect(folderNameOverride({ CLAUDE_CONFIG_DIR: config, CLAUDE_CODE_PROJECT_DIR_NAME: "work" })).toEqual(
      Option.some("work")
    )
    expect(folderNameOverride({ CLAUDE_CODE_PROJECT_DIR_NAME: "work" })).toEqual(Option.none())
    expect(folderNameOverride({ CLAUDE_CONFIG_DIR: "", CLAUDE_CODE_PROJECT_DIR_NAME: "work" })).toEqual(Option.none())
  })

  it("takes 1 to 64 letters, digits, _ and -", () => {
    const valid = ["a", "A_b-9", "x".repeat(64)]
    const invalid = ["", "x".repeat(65), "a.b", "a b", "a/b", "é", "../x"]
    for (const name of valid) {
      expect(folderNameOverride({ CLAUDE_CONFIG_DIR: config, CLAUDE_CODE_PROJECT_DIR_NAME: name }), name)
        .toEqual(Option.some(name))
    }
    for (const name of invalid) {
      expect(folderNameOverride({ CLAUDE_CONFIG_DIR: config, CLAUDE_CODE_PROJECT_DIR_NAME: name }), name)
        .toEqual(Option.none())
    }
  })

  it("refuses Windows device names in any case, on every platform", () => {
    for (const name of ["con", "PRN", "Aux", "nul", "com0", "COM9", "lpt1", "LPT9"]) {
      expect(folderNameOverride({ CLAUDE_CONFIG_DIR: config, CLAUDE_CODE_PROJECT_DIR_NAME: name }), name)
        .toEqual(Option.none())
    }
    expect(folderNameOverride({ CLAUDE_CONFIG_DIR: config, CLAUDE_CODE_PROJECT_DIR_NAME: "console" })).toEqual(
      Option.some("console")
    )
  })
})

describe("projectFolderName", () => {
  it("is the override when Claude Code honours it, the encoded directory otherwise", () => {
    const settings = { CLAUDE_CONFIG_DIR: "/cfg", CLAUDE_CODE_PROJECT_DIR_NAME: "shared" }
    expect(projectFolderName("/home/alice/x", settings)).toBe("shared")
    expect(projectFolderName("/home/alice/x", { CLAUDE_CODE_PROJECT_DIR_NAME: "shared" })).toBe("-home-alice-x")
    expect(projectFolderName("C:\\Users\\alice\\x", {})).toBe("C--Users-alice-x")
  })
})

describe("isSameOrNested", () => {
  it("accepts the same directory and either one inside the other", () => {
    expect(isSameOrNested("/a/x", "/a/x")).toBe(true)
    expect(isSameOrNested("/a/x", "/a/x/src/lib")).toBe(true)
    expect(isSameOrNested("/a/x/src", "/a/x")).toBe(true)
    expect(isSameOrNested("/", "/a")).toBe(true)
  })

  it("compares whole segments, not string prefixes", () => {
    expect(isSameOrNested("/a/x", "/a/xy")).toBe(false)
    expect(isSameOrNested("/a/xy", "/a/x")).toBe(false)
    expect(isSameOrNested("/a/x", "/b/x")).toBe(false)
  })
})
