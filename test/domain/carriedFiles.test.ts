import { Either } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  actionFor,
  type CarriedKind,
  carriedKind,
  compareLocal,
  type LocalCopy,
  placeable
} from "../../src/domain/carriedFiles.js"
import { parseSessionId } from "../../src/domain/sessionId.js"

const id = Either.getOrThrow(parseSessionId("9b2f6c1e-7a4d-4e8b-b3c5-0d1e2f3a4b5c"))
const other = "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d"

describe("carriedKind", () => {
  it.each<[string, CarriedKind]>([
    [`${id}.jsonl`, "session"],
    [`${id}/subagents/agent-a1b2.jsonl`, "sessionFolder"],
    [`${id}/tool-results/toolu_01.txt`, "sessionFolder"],
    ["memory/MEMORY.md", "memory"],
    ["memory/topics/build notes.md", "memory"],
    ["memory/ünïcode/проект.md", "memory"]
  ])("accepts %s as %s", (name, kind) => {
    expect(carriedKind(name, id)).toEqual(Either.right(kind))
  })

  it.each([
    ["an absolute path", `/${id}.jsonl`],
    ["an absolute memory path", "/etc/passwd"],
    ["a parent segment", `memory/../../${id}.jsonl`],
    ["a parent segment at the end", "memory/.."],
    ["a dot segment", `${id}/./x`],
    ["an empty segment", "memory//x"],
    ["a trailing slash", "memory/x/"],
    ["the memory folder itself", "memory"],
    ["the session folder itself", id],
    ["another session", `${other}.jsonl`],
    ["another session's folder", `${other}/subagents/a.jsonl`],
    ["a project file", "CLAUDE.md"],
    ["a file beside the sessions", "settings.json"],
    ["the session under another case", `${id.toUpperCase()}.jsonl`],
    ["a backslash", "memory\\..\\x"],
    ["a NUL", "memory/a\u0000b"],
    ["a newline", "memory/a\nb"],
    ["nothing", ""],
    ["a segment over 255 bytes", `memory/${"é".repeat(128)}`],
    ["too deep", `memory/${"a/".repeat(20)}b`]
  ])("refuses %s", (_, name) => {
    expect(Either.isLeft(carriedKind(name, id))).toBe(true)
  })

  it("never accepts a name that could leave the folder, whatever it is", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("memory", id, "..", ".", "", "a", "/", "b.md"), { maxLength: 6 }),
        (parts) => {
          const name = parts.join("/")
          const accepted = Either.isRight(carriedKind(name, id))
          const segments = name.split("/")
          if (accepted) {
            expect(segments.every((segment) => segment !== "" && segment !== "." && segment !== ".."))
              .toBe(true)
          }
        }
      )
    )
  })
})

describe("compareLocal and actionFor", () => {
  it.each<[number, { size: number; agrees: boolean } | undefined, LocalCopy]>([
    [10, undefined, "absent"],
    [10, { size: 10, agrees: true }, "identical"],
    [10, { size: 4, agrees: true }, "olderPrefix"],
    [10, { size: 0, agrees: true }, "olderPrefix"],
    [10, { size: 12, agrees: true }, "newerPrefix"],
    [10, { size: 10, agrees: false }, "different"],
    [10, { size: 4, agrees: false }, "different"]
  ])("a carried file of %i bytes against %o is %s", (size, local, copy) => {
    expect(compareLocal(size, local)).toBe(copy)
  })

  it("places, leaves, updates a session's files, never cuts a newer one back; keeps a memory file; a different session file conflicts", () => {
    const table = (["session", "sessionFolder", "memory"] as const).map((kind) =>
      (["absent", "identical", "olderPrefix", "newerPrefix", "different"] as const).map((copy) => actionFor(kind, copy))
    )
    expect(table).toEqual([
      ["place", "leave", "update", "newerHere", "conflict"],
      ["place", "leave", "update", "newerHere", "conflict"],
      ["place", "leave", "keepLocal", "keepLocal", "keepLocal"]
    ])
  })

  it("places nothing when any session file conflicts or is newer here", () => {
    expect(placeable(["place", "leave", "update", "keepLocal"])).toBe(true)
    expect(placeable(["place", "conflict"])).toBe(false)
    expect(placeable(["place", "newerHere"])).toBe(false)
  })
})
