import { it } from "@effect/vitest"
import { Effect, Exit, Option, TestClock } from "effect"
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect } from "vitest"
import { encodeProjectDir } from "../../src/domain/projectDir.js"
import { Sessions } from "../../src/services/Sessions.js"
import {
  hoursAgo,
  makeDir,
  makeHome,
  NOW,
  sessionId,
  summaryLine,
  tempRoot,
  userLine,
  withSessions,
  writeSession,
  writeSessionFile
} from "./claudeHome.js"

const { root, cleanup } = tempRoot()
afterAll(cleanup)

const ids = {
  a: "11111111-1111-4111-8111-111111111111",
  b: "22222222-2222-4222-8222-222222222222",
  c: "33333333-3333-4333-8333-333333333333",
  d: "44444444-4444-4444-8444-444444444444",
  e: "55555555-5555-4555-8555-555555555555",
  f: "66666666-6666-4666-8666-666666666666",
  hex: "abcdef12-3456-4789-8abc-def012345678"
}

/** One home per scenario so scenarios never see each other's files. */
let homes = 0
const freshHome = () => makeHome(join(root, `home${++homes}`, "alice"))

const discover = (dir: string) => Effect.flatMap(Sessions, (sessions) => sessions.discover(dir))
const projectOf = (file: string) => Effect.flatMap(Sessions, (sessions) => sessions.projectOf(file))
const atNow = TestClock.setTime(NOW)

/** Bytes this process has read through read(2) so far (Linux), to prove a file was not read whole. */
const bytesRead = (): number | undefined => {
  if (!existsSync("/proc/self/io")) return undefined
  const match = /^rchar: (\d+)$/m.exec(readFileSync("/proc/self/io", "utf8"))
  return match === null ? undefined : Number(match[1])
}

describe("Sessions.discover", () => {
  it.effect("finds sessions of the directory, of projects inside it and of the project it lies in, newest first", () => {
    const { home, projectsDir } = freshHome()
    const project = makeDir(join(home, "work", "x"))
    const inner = makeDir(join(project, "packages", "core"))
    const sibling = makeDir(join(home, "work", "xy"))
    writeSession(projectsDir, project, ids.a, hoursAgo(3))
    writeSession(projectsDir, inner, ids.b, hoursAgo(1))
    writeSession(projectsDir, sibling, ids.c, hoursAgo(0.5))
    return Effect.gen(function*() {
      yield* atNow
      const fromProject = yield* discover(project)
      expect(fromProject.map((s) => s.sessionId)).toEqual([ids.b, ids.a])
      expect(fromProject[0]).toEqual({
        sessionId: ids.b,
        project: inner,
        file: join(projectsDir, encodeProjectDir(inner), `${ids.b}.jsonl`),
        mtime: hoursAgo(1)
      })
      const fromInner = yield* discover(`${inner}/../core`)
      expect(fromInner.map((s) => s.sessionId)).toEqual([ids.b, ids.a])
      const fromSibling = yield* discover(sibling)
      expect(fromSibling.map((s) => s.sessionId)).toEqual([ids.c])
    }).pipe(withSessions({ HOME: home }))
  })

  it.effect("counts only sessions modified in the last 24 hours of the effect clock", () => {
    const { home, projectsDir } = freshHome()
    const project = makeDir(join(home, "x"))
    writeSession(projectsDir, project, ids.a, hoursAgo(23))
    writeSession(projectsDir, project, ids.b, hoursAgo(25))
    writeSession(projectsDir, project, ids.c, hoursAgo(1))
    return Effect.gen(function*() {
      yield* atNow
      expect((yield* discover(project)).map((s) => s.sessionId)).toEqual([ids.c, ids.a])
      yield* TestClock.adjust("2 hours")
      expect((yield* discover(project)).map((s) => s.sessionId)).toEqual([ids.c])
    }).pipe(withSessions({ HOME: home }))
  })

  it.effect("reads CLAUDE_CONFIG_DIR instead of ~/.claude when it is set", () => {
    const { home, projectsDir } = freshHome()
    const other = makeHome(join(root, "elsewhere-config"))
    const project = makeDir(join(home, "x"))
    writeSession(projectsDir, project, ids.a, hoursAgo(1))
    writeSession(other.projectsDir, project, ids.b, hoursAgo(1))
    return Effect.gen(function*() {
      yield* atNow
      const viaHome = yield* discover(project).pipe(withSessions({ HOME: home }))
      expect(viaHome.map((s) => s.sessionId)).toEqual([ids.a])
      const viaConfig = yield* discover(project).pipe(withSessions({ HOME: home, CLAUDE_CONFIG_DIR: other.configDir }))
      expect(viaConfig.map((s) => s.sessionId)).toEqual([ids.b])
      const projectsDirSeen = yield* Effect.map(Sessions, (s) => s.projectsDir).pipe(
        withSessions({ HOME: home, CLAUDE_CONFIG_DIR: other.configDir })
      )
      expect(projectsDirSeen).toBe(other.projectsDir)
    })
  })

  it.effect("takes CLAUDE_CODE_SESSION_ID as the current session when its file exists", () => {
    const { home, projectsDir } = freshHome()
    const project = makeDir(join(home, "x"))
    const unrelated = makeDir(join(home, "y"))
    writeSession(projectsDir, project, ids.a, hoursAgo(1))
    // Older than the others and in another project: only the variable can pick it.
    writeSession(projectsDir, unrelated, ids.b, hoursAgo(30))
    return Effect.gen(function*() {
      yield* atNow
      const named = yield* discover(project).pipe(withSessions({ HOME: home, CLAUDE_CODE_SESSION_ID: ids.b }))
      expect(named.map((s) => [s.sessionId, s.project])).toEqual([[ids.b, unrelated]])
      const missing = yield* discover(project).pipe(withSessions({ HOME: home, CLAUDE_CODE_SESSION_ID: ids.c }))
      expect(missing.map((s) => s.sessionId)).toEqual([ids.a])
      const garbage = yield* discover(project).pipe(withSessions({ HOME: home, CLAUDE_CODE_SESSION_ID: "../../x" }))
      expect(garbage.map((s) => s.sessionId)).toEqual([ids.a])
    })
  })

  it.effect("ignores files that are not Claude session files", () => {
    const { home, projectsDir } = freshHome()
    const project = makeDir(join(home, "x"))
    writeSession(projectsDir, project, ids.a, hoursAgo(1))
    writeSessionFile(projectsDir, project, "notes", userLine(project, "notes"), hoursAgo(1))
    writeSessionFile(projectsDir, project, ids.hex.toUpperCase(), userLine(project, ids.hex), hoursAgo(1))
    writeFileSync(join(projectsDir, "stray.jsonl"), userLine(project, ids.c))
    return Effect.gen(function*() {
      yield* atNow
      expect((yield* discover(project)).map((s) => s.sessionId)).toEqual([ids.a])
    }).pipe(withSessions({ HOME: home }))
  })

  it.effect("fails with NotFound saying how to start a session or pass an id", () => {
    const { home, projectsDir } = freshHome()
    const project = makeDir(join(home, "x"))
    writeSession(projectsDir, project, ids.a, hoursAgo(48))
    return Effect.gen(function*() {
      yield* atNow
      for (const env of [{ HOME: home }, { HOME: join(root, "no-such-home") }]) {
        const exit = yield* Effect.exit(discover(project).pipe(withSessions(env)))
        expect(exit).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "NotFound" } } })
        if (Exit.isFailure(exit) && exit.cause._tag === "Fail") {
          expect(exit.cause.error.message).toContain(project)
          expect(exit.cause.error.message).toContain("`claude` in this folder")
          expect(exit.cause.error.message).toContain("cclink <session-id>")
        }
      }
    })
  })
})

describe("Sessions.projectOf", () => {
  const { home, projectsDir } = freshHome()
  const project = "/Users/alice/x"
  const write = (id: string, body: string | Uint8Array) => writeSessionFile(projectsDir, project, id, body, hoursAgo(1))
  const run = (file: string) => projectOf(file).pipe(withSessions({ HOME: home }))

  it.effect("skips summaries, garbage, empty and relative cwds to the first line with one", () =>
    Effect.gen(function*() {
      const file = write(
        ids.a,
        [
          summaryLine(),
          "not json at all {",
          JSON.stringify({ cwd: "" }),
          JSON.stringify({ cwd: 42 }),
          JSON.stringify({ cwd: "." }),
          "",
          userLine(project, ids.a),
          userLine("/somewhere/else", ids.a)
        ].join("\n") + "\n"
      )
      expect(yield* run(file)).toEqual(Option.some(project))
    }))

  it.effect("tolerates a truncated last line and uses a complete one without its newline", () =>
    Effect.gen(function*() {
      const truncated = write(ids.a, `${summaryLine()}\n${userLine(project, ids.a).slice(0, 60)}`)
      expect(yield* run(truncated)).toEqual(Option.none())
      const unterminated = write(ids.b, `${summaryLine()}\n${userLine(project, ids.b)}`)
      expect(yield* run(unterminated)).toEqual(Option.some(project))
    }))

  it.effect("gives up after 20 lines", () =>
    Effect.gen(function*() {
      const lines = (n: number) => Array.from({ length: n }, () => summaryLine())
      const line20 = write(ids.a, [...lines(19), userLine(project, ids.a)].join("\n") + "\n")
      expect(yield* run(line20)).toEqual(Option.some(project))
      const line21 = write(ids.b, [...lines(20), userLine(project, ids.b)].join("\n") + "\n")
      expect(yield* run(line21)).toEqual(Option.none())
    }))

  it.effect("finds a cwd on line 3 of a 50 MB file without reading the file whole", () =>
    Effect.gen(function*() {
      const big = "x".repeat(1024 * 1024)
      const head = `${JSON.stringify({ type: "summary", summary: big })}\n${
        JSON.stringify({ type: "file-history-snapshot", snapshot: big })
      }\n${userLine(project, ids.c)}\n`
      const tail = Buffer.alloc(48 * 1024 * 1024, `${userLine("/later", ids.c)}\n`)
      const file = write(ids.c, Buffer.concat([Buffer.from(head), tail]))
      const before = bytesRead()
      expect(yield* run(file)).toEqual(Option.some(project))
      const after = bytesRead()
      if (before !== undefined && after !== undefined) {
        expect(after - before).toBeLessThan(8 * 1024 * 1024)
        // The meter works: reading the file whole shows up in it.
        const whole = bytesRead()!
        readFileSync(file)
        expect(bytesRead()! - whole).toBeGreaterThan(50 * 1024 * 1024)
      }
    }))

  it.effect("reads at most a bounded prefix when the first line is huge", () =>
    Effect.gen(function*() {
      const huge = JSON.stringify({ type: "summary", summary: "y".repeat(40 * 1024 * 1024) })
      const file = write(ids.d, `${huge}\n${userLine(project, ids.d)}\n`)
      const before = bytesRead()
      expect(yield* run(file)).toEqual(Option.none())
      const after = bytesRead()
      if (before !== undefined && after !== undefined) expect(after - before).toBeLessThan(8 * 1024 * 1024)
    }))

  it.effect("keeps multi-byte characters split across reads intact", () =>
    Effect.gen(function*() {
      const unicodeProject = "/Users/zoë/プロジェクト"
      // Pushes the cwd's characters across the 64 KiB read boundary.
      const filler = JSON.stringify({ type: "summary", summary: "é".repeat(32 * 1024 + 7) })
      const file = write(ids.e, `${filler}\n${userLine(unicodeProject, ids.e)}\n`)
      expect(yield* run(file)).toEqual(Option.some(unicodeProject))
    }))

  it.effect("has no project for a missing file", () =>
    Effect.gen(function*() {
      expect(yield* run(join(projectsDir, "nope", `${ids.f}.jsonl`))).toEqual(Option.none())
    }))
})

describe("Sessions.findById", () => {
  it.effect("finds the newest file with that id in any project folder", () => {
    const { home, projectsDir } = freshHome()
    writeSession(projectsDir, "/Users/alice/x", ids.a, hoursAgo(50))
    const newer = writeSession(projectsDir, "/home/alice/x", ids.a, hoursAgo(2))
    return Effect.gen(function*() {
      const sessions = yield* Sessions
      expect(yield* sessions.findById(sessionId(ids.a))).toEqual({
        sessionId: ids.a,
        file: newer,
        mtime: hoursAgo(2)
      })
      const exit = yield* Effect.exit(sessions.findById(sessionId(ids.b)))
      expect(exit).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "NotFound" } } })
    }).pipe(withSessions({ HOME: home }))
  })
})
