import { FileSystem } from "@effect/platform"
import { NodeFileSystem } from "@effect/platform-node"
import { it } from "@effect/vitest"
import { Effect, Exit, Layer, TestClock } from "effect"
import {
  appendFileSync,
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync
} from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect } from "vitest"
import { encodeProjectDir } from "../../src/domain/projectDir.js"
import { type CarriedFiles, type Placed, Placement, SessionPlacement } from "../../src/services/SessionPlacement.js"
import type { SessionFile } from "../../src/services/Sessions.js"
import { resumeWithRealClaude, useRealClaude } from "../support/claude.js"
import {
  hoursAgo,
  makeDir,
  makeHome,
  sessionId,
  summaryLine,
  tempRoot,
  userLine,
  withSessions,
  writeSession,
  writeSessionFile
} from "./claudeHome.js"

useRealClaude()
const { root, cleanup } = tempRoot()
afterAll(cleanup)

const ID = sessionId("9b2f6c1e-7a4d-4e8b-b3c5-0d1e2f3a4b5c")
const OTHER = sessionId("0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d")

let scenarios = 0
/**
 * Machine A kept the project at `<root>/a/Users/alice/x`; machine B (this one)
 * keeps it at `<root>/b/home/alice/x`. B's projects folder holds the session
 * as synced from A: filed under A's path, with A's project memory beside it.
 */
const scenario = () => {
  const base = join(root, `s${++scenarios}`)
  const pathOnA = join(base, "a", "Users", "alice", "x")
  const b = makeHome(join(base, "b", "home", "alice"))
  const pathOnB = makeDir(join(b.home, "x"))
  const synced = writeSession(b.projectsDir, pathOnA, ID, hoursAgo(2))
  const syncedFolder = join(b.projectsDir, encodeProjectDir(pathOnA))
  makeDir(join(syncedFolder, "memory", "topics"))
  writeFileSync(join(syncedFolder, "memory", "MEMORY.md"), "# Notes from A\n")
  writeFileSync(join(syncedFolder, "memory", "topics", "build.md"), "npm run build\n")
  const folderOnB = join(b.projectsDir, encodeProjectDir(pathOnB))
  return { base, pathOnA, pathOnB, b, synced, syncedFolder, folderOnB, env: { HOME: b.home } }
}

const locate = (project: string, id = ID) => Effect.flatMap(SessionPlacement, (p) => p.locate(project, id))
const copyInto = (source: SessionFile, dir: string) => Effect.flatMap(SessionPlacement, (p) => p.copyInto(source, dir))
const withPlacement = (env: Record<string, string>) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(Effect.provide(SessionPlacement.layer), withSessions(env))

const elsewhere = (placement: Placement): SessionFile => {
  if (placement._tag !== "Elsewhere") expect.fail(`expected Elsewhere, got ${placement._tag}`)
  return placement.source
}
const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit) || exit.cause._tag !== "Fail") return expect.fail(`expected a failure, got ${exit}`)
  return exit.cause.error
}
/** Staging folders are removed once a copy ends, whatever happened. */
const noStagingLeft = (folder: string) =>
  expect(readdirSync(folder, { recursive: true }).filter((name) => String(name).includes(".cclink-"))).toEqual([])

describe("SessionPlacement.locate", () => {
  it.effect("resumes in the payload's project when it exists here and its folder holds the session", () => {
    const s = scenario()
    const file = writeSession(s.b.projectsDir, s.pathOnB, ID, hoursAgo(1))
    return Effect.gen(function*() {
      expect(yield* locate(s.pathOnB)).toEqual(Placement.InProject({ dir: s.pathOnB, file }))
    }).pipe(withPlacement(s.env))
  })

  it.effect("finds the session filed under the other machine's path when that path is not here", () => {
    const s = scenario()
    return Effect.gen(function*() {
      expect(existsSync(s.pathOnA)).toBe(false)
      expect(yield* locate(s.pathOnA)).toEqual(
        Placement.Elsewhere({ source: { sessionId: ID, file: s.synced, mtime: hoursAgo(2) } })
      )
    }).pipe(withPlacement(s.env))
  })

  it.effect("looks elsewhere when the payload's project exists here but its folder lacks the session", () => {
    const s = scenario()
    makeDir(s.pathOnA)
    writeSession(s.b.projectsDir, s.pathOnA, OTHER, hoursAgo(1))
    const moved = writeSession(s.b.projectsDir, join(s.base, "old-place"), ID, hoursAgo(1))
    rmSync(s.synced)
    return Effect.gen(function*() {
      expect(elsewhere(yield* locate(s.pathOnA)).file).toBe(moved)
    }).pipe(withPlacement(s.env))
  })

  it.effect("ignores a relative project path from the payload", () => {
    const s = scenario()
    return Effect.gen(function*() {
      expect((yield* locate("x"))._tag).toBe("Elsewhere")
    }).pipe(withPlacement(s.env))
  })

  it.effect("says the session data is not on this machine, with the ways to sync it", () => {
    const s = scenario()
    return Effect.gen(function*() {
      const error = failureOf(yield* Effect.exit(locate(s.pathOnA, OTHER)))
      expect(error._tag).toBe("NotFound")
      expect(error.message).toContain("not on this machine")
      expect(error.message).toContain(`${OTHER}.jsonl`)
      for (const option of ["Syncthing", "rsync", "NFS", "Tailscale/SSH"]) expect(error.message).toContain(option)
    }).pipe(withPlacement(s.env))
  })
})

describe("SessionPlacement.copyInto", () => {
  it.effect("copies the session and its project memory into the folder of the project here, then resumes in place", () => {
    const s = scenario()
    const original = readFileSync(s.synced)
    return Effect.gen(function*() {
      const source = elsewhere(yield* locate(s.pathOnA))
      const placed = yield* copyInto(source, s.pathOnB)
      const file = join(s.folderOnB, `${ID}.jsonl`)
      expect(placed).toEqual<Placed>({
        dir: s.pathOnB,
        file,
        copied: [
          { from: s.synced, to: file },
          { from: join(s.syncedFolder, "memory", "MEMORY.md"), to: join(s.folderOnB, "memory", "MEMORY.md") },
          {
            from: join(s.syncedFolder, "memory", "topics", "build.md"),
            to: join(s.folderOnB, "memory", "topics", "build.md")
          }
        ],
        kept: []
      })
      expect(readFileSync(file)).toEqual(original)
      expect(readFileSync(s.synced)).toEqual(original)
      expect(statSync(file).mode & 0o777).toBe(statSync(s.synced).mode & 0o777)
      expect(readFileSync(join(s.folderOnB, "memory", "topics", "build.md"), "utf8")).toBe("npm run build\n")
      noStagingLeft(s.folderOnB)
      expect(yield* locate(s.pathOnB)).toEqual(Placement.InProject({ dir: s.pathOnB, file }))
    }).pipe(withPlacement(s.env))
  })

  it.effect("follows a project moved on the same machine", () => {
    const s = scenario()
    const oldPath = join(s.base, "b", "home", "alice", "old-name")
    const newPath = makeDir(join(s.base, "b", "home", "alice", "new-name"))
    const filed = writeSession(s.b.projectsDir, oldPath, OTHER, hoursAgo(1))
    return Effect.gen(function*() {
      const placed = yield* copyInto(elsewhere(yield* locate(oldPath, OTHER)), newPath)
      expect(placed.dir).toBe(newPath)
      expect(placed.copied).toEqual([{
        from: filed,
        to: join(s.b.projectsDir, encodeProjectDir(newPath), `${OTHER}.jsonl`)
      }])
    }).pipe(withPlacement(s.env))
  })

  it.effect("refuses to replace a different session file of the same name, and leaves it as it was", () => {
    const s = scenario()
    // Older than the synced copy, so the synced one is the source.
    const theirs = writeSessionFile(s.b.projectsDir, s.pathOnB, ID, `${summaryLine("B's own")}\n`, hoursAgo(5))
    return Effect.gen(function*() {
      const source = elsewhere(yield* locate(s.pathOnA))
      const error = failureOf(yield* Effect.exit(copyInto(source, s.pathOnB)))
      expect(error._tag).toBe("InvalidInput")
      expect(error.message).toContain(theirs)
      expect(error.message).toContain("never overwrites")
      expect(readFileSync(theirs, "utf8")).toBe(`${summaryLine("B's own")}\n`)
      expect(existsSync(join(s.folderOnB, "memory"))).toBe(false)
      noStagingLeft(s.folderOnB)
    }).pipe(withPlacement(s.env))
  })

  it.effect("accepts an identical file already in place and never replaces memory there", () => {
    const s = scenario()
    const file = writeSessionFile(s.b.projectsDir, s.pathOnB, ID, readFileSync(s.synced), hoursAgo(1))
    makeDir(join(s.folderOnB, "memory"))
    writeFileSync(join(s.folderOnB, "memory", "MEMORY.md"), "# B's notes\n")
    return Effect.gen(function*() {
      const placed = yield* copyInto({ sessionId: ID, file: s.synced, mtime: hoursAgo(2) }, s.pathOnB)
      expect(placed.copied).toEqual([{
        from: join(s.syncedFolder, "memory", "topics", "build.md"),
        to: join(s.folderOnB, "memory", "topics", "build.md")
      }])
      expect(placed.kept).toEqual([file, join(s.folderOnB, "memory", "MEMORY.md")])
      expect(readFileSync(join(s.folderOnB, "memory", "MEMORY.md"), "utf8")).toBe("# B's notes\n")
      const again = yield* copyInto({ sessionId: ID, file: s.synced, mtime: hoursAgo(2) }, s.pathOnB)
      expect(again.copied).toEqual([])
      expect(again.kept).toHaveLength(3)
    }).pipe(withPlacement(s.env))
  })

  it.effect("copies nothing when the session is already filed under the target", () => {
    const s = scenario()
    const file = writeSession(s.b.projectsDir, s.pathOnB, OTHER, hoursAgo(1))
    return Effect.gen(function*() {
      const placed = yield* copyInto({ sessionId: OTHER, file, mtime: hoursAgo(1) }, s.pathOnB)
      expect(placed).toEqual({ dir: s.pathOnB, file, copied: [], kept: [file] })
    }).pipe(withPlacement(s.env))
  })

  it.effect("resumes the newest copy when it is already the one filed under the target", () => {
    const s = scenario()
    const ours = writeSessionFile(s.b.projectsDir, s.pathOnB, ID, `${summaryLine("continued on B")}\n`, hoursAgo(1))
    return Effect.gen(function*() {
      const placed = yield* copyInto(elsewhere(yield* locate(s.pathOnA)), s.pathOnB)
      expect(placed).toEqual({ dir: s.pathOnB, file: ours, copied: [], kept: [ours] })
      expect(readFileSync(ours, "utf8")).toBe(`${summaryLine("continued on B")}\n`)
    }).pipe(withPlacement(s.env))
  })

  it.effect("refuses a project directory that does not exist here", () => {
    const s = scenario()
    return Effect.gen(function*() {
      const error = failureOf(yield* Effect.exit(copyInto(elsewhere(yield* locate(s.pathOnA)), s.pathOnA)))
      expect(error._tag).toBe("InvalidInput")
      expect(error.message).toContain(s.pathOnA)
    }).pipe(withPlacement(s.env))
  })

  it.effect("leaves nothing behind when the source vanishes before the copy", () => {
    const s = scenario()
    return Effect.gen(function*() {
      const source = elsewhere(yield* locate(s.pathOnA))
      rmSync(s.synced)
      const error = failureOf(yield* Effect.exit(copyInto(source, s.pathOnB)))
      expect(error._tag).toBe("InvalidInput")
      expect(existsSync(join(s.folderOnB, `${ID}.jsonl`))).toBe(false)
      noStagingLeft(s.folderOnB)
    }).pipe(withPlacement(s.env))
  })
})

describe("with the real Claude Code", () => {
  it.effect("a project path past 200 characters: placed in the hashed folder claude resumes from", () => {
    const s = scenario()
    const longOnB = makeDir(join(s.b.home, "d".repeat(150), "\u00e9".repeat(60)))
    writeFileSync(s.synced, `${userLine(s.pathOnA, ID).slice(0, -1)},"uuid":"${OTHER}"}\n`)
    return Effect.gen(function*() {
      const placed = yield* copyInto(elsewhere(yield* locate(s.pathOnA)), longOnB)
      expect(placed.file).toBe(join(s.b.projectsDir, encodeProjectDir(longOnB), `${ID}.jsonl`))
      expect(encodeProjectDir(longOnB)).toMatch(/^.{200}-[0-9a-z]+$/)
      rmSync(s.synced)
      expect(resumeWithRealClaude(ID, { cwd: longOnB, env: { HOME: s.b.home } })).toBe("found")
    }).pipe(withPlacement(s.env))
  })

  it.effect("CLAUDE_CODE_PROJECT_DIR_NAME: placed in the one folder it names", () => {
    const s = scenario()
    const env = { HOME: s.b.home, CLAUDE_CONFIG_DIR: s.b.configDir, CLAUDE_CODE_PROJECT_DIR_NAME: "everything" }
    return Effect.gen(function*() {
      const placed = yield* copyInto(elsewhere(yield* locate(s.pathOnA)), s.pathOnB)
      expect(placed.file).toBe(join(s.b.projectsDir, "everything", `${ID}.jsonl`))
      expect(yield* locate(s.pathOnB)).toEqual(Placement.InProject({ dir: s.pathOnB, file: placed.file }))
    }).pipe(withPlacement(env))
  })

  it.effect("the placed session is found by `claude --resume` started in the project here", () => {
    const s = scenario()
    const session = `${userLine(s.pathOnA, ID).slice(0, -1)},"uuid":"${OTHER}","timestamp":"${
      hoursAgo(2).toISOString()
    }"}\n`
    writeFileSync(s.synced, session)
    return Effect.gen(function*() {
      const placed = yield* copyInto(elsewhere(yield* locate(s.pathOnA)), s.pathOnB)
      // This claude finds a session under any project folder: only the placed copy may be left to find.
      rmSync(s.synced)
      const env = { HOME: s.b.home, CLAUDE_CONFIG_DIR: s.b.configDir }
      expect(resumeWithRealClaude(ID, { cwd: placed.dir, env })).toBe("found")
      expect(resumeWithRealClaude(OTHER, { cwd: placed.dir, env })).toBe("missing")
    }).pipe(withPlacement(s.env))
  })
})

describe("SessionPlacement.placeCarried", () => {
  /** A carried conversation unpacked in a staging folder, as src/carry/archive.ts leaves it. */
  const staged = (base: string, files: Readonly<Record<string, string>>): CarriedFiles => {
    const folder = makeDir(join(base, "staging"))
    for (const [name, content] of Object.entries(files)) {
      makeDir(join(folder, name, ".."))
      writeFileSync(join(folder, name), content)
    }
    return {
      folder,
      sessionId: ID,
      files: Object.entries(files).map(([name, content]) => ({
        name,
        size: Buffer.byteLength(content),
        kind: name === `${ID}.jsonl` ? "session" : name.startsWith("memory/") ? "memory" : "sessionFolder"
      }))
    }
  }
  const placeCarried = (carried: CarriedFiles, dir: string, previousInto = join(carried.folder, "..", "previous")) =>
    Effect.flatMap(SessionPlacement, (p) => p.placeCarried(carried, dir, previousInto))
  const transcript = `${summaryLine()}\n${userLine("/Users/alice/x", ID)}\n{"type":"assistant"}\n`

  it.effect("places every file in the folder of the project here, the transcript and its folder and memory", () => {
    const s = scenario()
    const carried = staged(s.base, {
      [`${ID}.jsonl`]: transcript,
      [`${ID}/subagents/agent-1.jsonl`]: "{}\n",
      "memory/MEMORY.md": "# carried notes\n"
    })
    return Effect.gen(function*() {
      const placed = yield* placeCarried(carried, s.pathOnB)
      const file = join(s.folderOnB, `${ID}.jsonl`)
      expect(placed).toEqual({
        dir: s.pathOnB,
        file,
        placed: true,
        created: [file, join(s.folderOnB, ID, "subagents", "agent-1.jsonl"), join(s.folderOnB, "memory", "MEMORY.md")],
        updated: [],
        unchanged: [],
        keptLocal: [],
        conflicts: [],
        newerHere: [],
        previous: [],
        recent: []
      })
      expect(readFileSync(file, "utf8")).toBe(transcript)
      expect(readFileSync(join(s.folderOnB, "memory", "MEMORY.md"), "utf8")).toBe("# carried notes\n")
      noStagingLeft(s.folderOnB)
    }).pipe(withPlacement(s.env))
  })

  it.effect("leaves an identical file alone, and brings an older copy of the conversation (a prefix) up to date", () => {
    const s = scenario()
    const file = writeSessionFile(s.b.projectsDir, s.pathOnB, ID, transcript.slice(0, 40), hoursAgo(3))
    makeDir(join(s.folderOnB, ID))
    writeFileSync(join(s.folderOnB, ID, "same.jsonl"), "{}\n")
    const inode = statSync(file).ino
    const carried = staged(s.base, { [`${ID}.jsonl`]: transcript, [`${ID}/same.jsonl`]: "{}\n" })
    return Effect.gen(function*() {
      const placed = yield* placeCarried(carried, s.pathOnB)
      expect(placed).toMatchObject({ placed: true, updated: [file], unchanged: [join(s.folderOnB, ID, "same.jsonl")] })
      expect(readFileSync(file, "utf8")).toBe(transcript)
      // Replaced by a rename: a new file took the name in one step, never a half-written one.
      expect(statSync(file).ino).not.toBe(inode)
      noStagingLeft(s.folderOnB)
    }).pipe(withPlacement(s.env))
  })

  it.effect("the older copy it replaces is kept (a hard link, reported), so nothing written to it is lost", () => {
    const s = scenario()
    const file = writeSessionFile(s.b.projectsDir, s.pathOnB, ID, transcript.slice(0, 40), hoursAgo(3))
    const inode = statSync(file).ino
    // A claude still running on the older copy holds it open, and writes on after the replacement.
    const running = openSync(file, "a")
    const carried = staged(s.base, { [`${ID}.jsonl`]: transcript })
    const previousInto = join(s.base, "kept")
    return Effect.gen(function*() {
      yield* TestClock.setTime(Date.now())
      const placed = yield* placeCarried(carried, s.pathOnB, previousInto)
      const copy = join(previousInto, `${ID}.jsonl`)
      expect(placed).toMatchObject({ placed: true, updated: [file], previous: [{ file, copy }], recent: [] })
      expect(statSync(copy).ino).toBe(inode)
      writeSync(running, "{\"late\":1}\n")
      closeSync(running)
      expect(readFileSync(copy, "utf8")).toBe(`${transcript.slice(0, 40)}{"late":1}\n`)
      expect(readFileSync(file, "utf8")).toBe(transcript)
    }).pipe(withPlacement(s.env))
  })

  it.effect("an older copy written to between the comparison and the replacement: left as it is, with its lines", () => {
    const s = scenario()
    const older = transcript.slice(0, 40)
    const file = writeSessionFile(s.b.projectsDir, s.pathOnB, ID, older, hoursAgo(3))
    const carried = staged(s.base, { [`${ID}.jsonl`]: transcript })
    // A claude appending to it while the carried copy is staged beside it.
    const appending = Layer.effect(
      FileSystem.FileSystem,
      Effect.map(FileSystem.FileSystem, (fs) => ({
        ...fs,
        copyFile: (from: string, to: string) =>
          Effect.zipRight(
            Effect.sync(() => from.endsWith(`${ID}.jsonl`) && appendFileSync(file, "{\"more\":1}\n")),
            fs.copyFile(from, to)
          )
      }))
    ).pipe(Layer.provide(NodeFileSystem.layer))
    return Effect.gen(function*() {
      const error = failureOf(yield* Effect.exit(placeCarried(carried, s.pathOnB)))
      expect(error.message).toContain(`${file} changed while the carried conversation was placed`)
      expect(readFileSync(file, "utf8")).toBe(`${older}{"more":1}\n`)
    }).pipe(Effect.provide(SessionPlacement.layer), Effect.provide(appending), withSessions(s.env))
  })

  it.effect("says which local files were written to in the last minute (a claude may be running on them)", () => {
    const s = scenario()
    const file = writeSessionFile(s.b.projectsDir, s.pathOnB, ID, transcript.slice(0, 40), new Date())
    const carried = staged(s.base, { [`${ID}.jsonl`]: transcript })
    return Effect.gen(function*() {
      yield* TestClock.setTime(Date.now())
      expect(yield* placeCarried(carried, s.pathOnB)).toMatchObject({ placed: true, updated: [file], recent: [file] })
    }).pipe(withPlacement(s.env))
  })

  it.effect("a different conversation under the name: nothing at all is placed, the local files untouched", () => {
    const s = scenario()
    const mine = `${summaryLine("Mine")}\n`
    const file = writeSessionFile(s.b.projectsDir, s.pathOnB, ID, mine, hoursAgo(3))
    const carried = staged(s.base, {
      [`${ID}.jsonl`]: transcript,
      [`${ID}/subagents/agent-1.jsonl`]: "{}\n",
      "memory/MEMORY.md": "# carried\n"
    })
    return Effect.gen(function*() {
      const placed = yield* placeCarried(carried, s.pathOnB)
      expect(placed).toMatchObject({ placed: false, created: [], updated: [], conflicts: [file] })
      expect(readFileSync(file, "utf8")).toBe(mine)
      expect(existsSync(join(s.folderOnB, ID))).toBe(false)
      expect(existsSync(join(s.folderOnB, "memory"))).toBe(false)
    }).pipe(withPlacement(s.env))
  })

  it.effect("a local file that continues the carried one is the same conversation, newer here: never cut back", () => {
    const s = scenario()
    const file = writeSessionFile(s.b.projectsDir, s.pathOnB, ID, `${transcript}{"more":1}\n`, hoursAgo(3))
    const carried = staged(s.base, { [`${ID}.jsonl`]: transcript })
    return Effect.gen(function*() {
      expect(yield* placeCarried(carried, s.pathOnB)).toMatchObject({ placed: false, conflicts: [], newerHere: [file] })
      expect(readFileSync(file, "utf8")).toBe(`${transcript}{"more":1}\n`)
    }).pipe(withPlacement(s.env))
  })

  it.effect("never replaces a memory file that differs here, even an older prefix of the carried one", () => {
    const s = scenario()
    makeDir(join(s.folderOnB, "memory"))
    writeFileSync(join(s.folderOnB, "memory", "MEMORY.md"), "# notes")
    const carried = staged(s.base, { [`${ID}.jsonl`]: transcript, "memory/MEMORY.md": "# notes from A\n" })
    return Effect.gen(function*() {
      const placed = yield* placeCarried(carried, s.pathOnB)
      expect(placed).toMatchObject({ placed: true, keptLocal: [join(s.folderOnB, "memory", "MEMORY.md")] })
      expect(readFileSync(join(s.folderOnB, "memory", "MEMORY.md"), "utf8")).toBe("# notes")
    }).pipe(withPlacement(s.env))
  })

  it.effect("the carried session is found by the real `claude --resume` in the project here", () => {
    const s = scenario()
    rmSync(s.synced)
    const session = `${userLine(s.pathOnA, ID).slice(0, -1)},"uuid":"${OTHER}","timestamp":"${
      hoursAgo(2).toISOString()
    }"}\n`
    const carried = staged(s.base, { [`${ID}.jsonl`]: session })
    return Effect.gen(function*() {
      const env = { HOME: s.b.home, CLAUDE_CONFIG_DIR: s.b.configDir }
      expect(resumeWithRealClaude(ID, { cwd: s.pathOnB, env })).toBe("missing")
      const placed = yield* placeCarried(carried, s.pathOnB)
      expect(resumeWithRealClaude(ID, { cwd: placed.dir, env })).toBe("found")
    }).pipe(withPlacement(s.env))
  })
})
