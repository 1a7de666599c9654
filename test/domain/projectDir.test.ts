import { describe, expect, it } from "vitest"
import { encodeProjectDir, isSameOrNested } from "../../src/domain/projectDir.js"

describe("encodeProjectDir", () => {
  it("replaces every character but ASCII letters and digits with -", () => {
    expect(encodeProjectDir("/Users/alice/my.repo")).toBe("-Users-alice-my-repo")
    expect(encodeProjectDir("/home/alice/x_y z")).toBe("-home-alice-x-y-z")
    expect(encodeProjectDir("C:\\Users\\alice\\x")).toBe("C--Users-alice-x")
  })

  it("maps each UTF-16 unit of a non-ASCII name to - as Claude Code's regex does", () => {
    expect(encodeProjectDir("/tmp/café")).toBe("-tmp-caf-")
    expect(encodeProjectDir("/tmp/🚀")).toBe("-tmp---")
  })

  it("keeps distinct paths of the two machines distinct", () => {
    expect(encodeProjectDir("/Users/alice/x")).not.toBe(encodeProjectDir("/home/alice/x"))
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
