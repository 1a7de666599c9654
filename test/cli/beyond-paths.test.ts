/**
 * Resuming where the project lives on each machine: A keeps it under
 * `<root>/<tag>/Users/alice/x`, B under `<root>/<tag>/home/alice/x`, and
 * B's `~/.claude/projects` holds the session file synced from A under A's
 * folder name. Pickup copies it (never moves it, never over a different file)
 * into the folder of B's project directory and starts claude there; without a
 * terminal it needs --project-dir or -y; with the file nowhere it launches
 * nothing. `--no-launch` places the file the same way and prints the command.
 * An explicit --project-dir wins even when the payload's path exists on B.
 */
import { randomUUID } from "node:crypto"
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync
} from "node:fs"
import { basename, dirname, join } from "node:path"
import { describe, expect, it } from "vitest"
import { encodeProjectDir } from "../../src/domain/projectDir.js"
import { resumeWithRealClaude, useRealClaude } from "../support/claude.js"
import { modeOf } from "../support/files.js"
import { errorText, jsonOf } from "./support/cli.js"
import { type Machine, makeKey, makeMachine, makePair, makeProject, standInLines, useRoot } from "./support/machines.js"
import { useDht } from "./support/network.js"
import { onTerminal } from "./support/terminal.js"

const root = useRoot()
const dht = useDht(30)
useRealClaude()

interface Apart {
  readonly a: Machine
  readonly b: Machine
  /** The project's directory on A; gone from B's disk once A has published (another machine). */
  readonly onA: string
  /** Where the project lives on B. */
  readonly onB: string
  readonly sessionId: string
  /** The session file as synced to B: under A's folder name in B's projects folder, mode 0600. */
  readonly synced: string
  /** Where pickup puts it on B: under the folder of B's project directory. */
  readonly placed: string
}

/**
 * Two machines with one key whose project paths differ, A's session published
 * from A's project directory, which then leaves B's disk.
 */
const apart = async (paths: { readonly onA: string; readonly onB: string } = {
  onA: join("Users", "alice", "x"),
  onB: join("home", "alice", "x")
}): Promise<Apart> => {
  const key = makeKey()
  const tag = key.z32.slice(0, 8)
  const a = makeMachine(root, `a-${tag}`, { bootstrap: dht.bootstrap })
  const b = makeMachine(root, `b-${tag}`, { bootstrap: dht.bootstrap })
  a.installKey(key)
  b.installKey(key)
  const onA = join(root.dir, tag, paths.onA)
  const onB = join(root.dir, tag, paths.onB)
  mkdirSync(onA, { recursive: true })
  mkdirSync(onB, { recursive: true })
  const sessionId = randomUUID()
  const original = a.writeSession(onA, sessionId)
  chmodSync(original, 0o600)
  // Synced as Syncthing or rsync -a would: the same bytes and mode, under A's folder name.
  const synced = join(b.projectsDir, encodeProjectDir(onA), `${sessionId}.jsonl`)
  mkdirSync(dirname(synced), { recursive: true })
  copyFileSync(original, synced)

  expect((await a.run([], { cwd: onA })).code).toBe(0)
  rmSync(onA, { recursive: true })
  const placed = join(b.projectsDir, encodeProjectDir(onB), `${sessionId}.jsonl`)
  return { a, b, onA, onB, sessionId, synced, placed }
}

/** The message pickup prints for each file copied, with paths under B's home written `~/...`. */
const copiedLine = (b: Machine, from: string, to: string) =>
  `Copied ${from.replace(b.home, "~")}\n    to ${to.replace(b.home, "~")}`

describe("different project paths on A and B", () => {
  it("pickup -y --project-dir copies the session file (and memory/) into B's folder and starts claude there", async () => {
    const { b, onB, sessionId, synced, placed } = await apart()
    const memory = join(dirname(synced), "memory", "MEMORY.md")
    mkdirSync(dirname(memory))
    writeFileSync(memory, "- the parser lives in src/parse.ts\n")

    const picked = await b.run(["pickup", "-y", "--project-dir", onB])
    expect(picked.code).toBe(0)
    expect(picked.stdout.trimEnd().split("\n")).toEqual(standInLines(onB, ["--resume", sessionId]))
    expect(readFileSync(placed)).toEqual(readFileSync(synced))
    expect(modeOf(placed)).toBe(0o600)
    expect(modeOf(dirname(placed))).toBe(0o700)
    const placedMemory = join(dirname(placed), "memory", "MEMORY.md")
    expect(readFileSync(placedMemory, "utf8")).toBe("- the parser lives in src/parse.ts\n")
    expect(picked.stderr).toContain(copiedLine(b, synced, placed))
    expect(picked.stderr).toContain(copiedLine(b, memory, placedMemory))
    // Copied, not moved; and nothing else left in the new folder (no staging files).
    expect(existsSync(synced)).toBe(true)
    expect(readdirSync(dirname(placed)).sort()).toEqual([`${sessionId}.jsonl`, "memory"])

    // Once in place, the next pickup copies nothing and resumes in the same place.
    const again = await b.run(["pickup", "-y", "--project-dir", onB])
    expect(again.code).toBe(0)
    expect(again.stderr).not.toContain("Copied")
    expect(again.stdout.trimEnd().split("\n")).toEqual(standInLines(onB, ["--resume", sessionId]))
  })

  it("a moved project (the published path is gone): pickup -y in the new directory copies the session there", async () => {
    const { b, onB: moved, sessionId, synced, placed } = await apart({
      onA: join("work", "parser"),
      onB: join("work", "parser-renamed")
    })
    const picked = await b.run(["pickup", "-y"], { cwd: moved })
    expect(picked.code).toBe(0)
    expect(picked.stdout.trimEnd().split("\n")).toEqual(standInLines(moved, ["--resume", sessionId]))
    expect(readFileSync(placed)).toEqual(readFileSync(synced))
    expect(picked.stderr).toContain(copiedLine(b, synced, placed))
  })

  it("a different file of the same name already in B's folder: refused, left as it was, claude not started", async () => {
    const { b, onB, placed, synced } = await apart()
    mkdirSync(dirname(placed), { recursive: true })
    writeFileSync(placed, "{\"type\":\"user\",\"cwd\":\"elsewhere\"}\n", { mode: 0o600 })
    // Older than the synced file, so the synced one is the copy pickup would place.
    const hourAgo = new Date(Date.now() - 3600_000)
    utimesSync(placed, hourAgo, hourAgo)

    const refused = await b.run(["pickup", "-y", "--project-dir", onB])
    expect(refused.code).toBe(1)
    expect(refused.stdout).toBe("")
    expect(errorText(refused)).toContain(
      `A different session file is already at ${placed}; cclink never overwrites it.`
    )
    expect(readFileSync(placed, "utf8")).toBe("{\"type\":\"user\",\"cwd\":\"elsewhere\"}\n")
    expect(Math.round(statSync(placed).mtimeMs)).toBe(hourAgo.getTime())
    expect(readdirSync(dirname(placed))).toEqual([basename(placed)])
    expect(existsSync(synced)).toBe(true)
  })

  it("without a terminal, --project-dir or -y: a clear error, nothing copied, nothing started", async () => {
    const { b, onA, onB, placed } = await apart()
    const refused = await b.run(["pickup"], { cwd: onB })
    expect(refused.code).toBe(1)
    expect(refused.stdout).toBe("")
    expect(refused.stderr).toContain(
      `cclink: The project ${onA} is not on this machine.\n` +
        "  Pass --project-dir DIR with where it lives here (or -y to use the current directory).\n"
    )
    expect(existsSync(dirname(placed))).toBe(false)
  })

  it("the session file on no folder of B: exit 5 with the ways to sync, nothing copied, nothing started", async () => {
    const { b, onB, placed, sessionId, synced } = await apart()
    rmSync(dirname(synced), { recursive: true })
    const missing = await b.run(["pickup", "-y", "--project-dir", onB])
    expect(missing.code).toBe(5)
    expect(missing.stdout).toBe("")
    expect(missing.stderr).toContain(
      `Session data is not on this machine: no ${sessionId}.jsonl under ${b.projectsDir}.`
    )
    for (const option of ["Syncthing", "rsync", "NFS", "Tailscale"]) expect(missing.stderr).toContain(option)
    expect(existsSync(dirname(placed))).toBe(false)
  })
})

describe("an explicit --project-dir", () => {
  // The payload's path exists on B too, with the session in its folder: the case where a guess
  // used to beat the user's instruction.
  const samePaths = async () => {
    const pair = makePair(root, dht.bootstrap)
    expect((await pair.a.run([], { cwd: pair.project })).code).toBe(0)
    const chosen = makeProject(root, `chosen-${randomUUID().slice(0, 8)}`)
    const placed = join(pair.b.projectsDir, encodeProjectDir(chosen), `${pair.sessionId}.jsonl`)
    return { ...pair, chosen, placed }
  }

  it("wins over the payload's path that exists here: the session is copied there and claude starts there", async () => {
    const { b, project, sessionId, chosen, placed } = await samePaths()
    const inProject = join(b.projectsDir, encodeProjectDir(project), `${sessionId}.jsonl`)
    const picked = await b.run(["pickup", "-y", "--project-dir", chosen])
    expect(picked.code).toBe(0)
    expect(picked.stdout.trimEnd().split("\n")).toEqual(standInLines(chosen, ["--resume", sessionId]))
    expect(readFileSync(placed)).toEqual(readFileSync(inProject))
    expect(picked.stderr).toContain(copiedLine(b, inProject, placed))

    const json = jsonOf(await b.run(["pickup", "--no-launch", "--json", "--project-dir", chosen]))
    expect(json).toMatchObject({ sessionFile: placed, placed: true, copied: [], resumeDir: chosen })
  })

  it("-y without it keeps resuming in the payload's path", async () => {
    const { b, project, sessionId, placed } = await samePaths()
    const picked = await b.run(["pickup", "-y"], { cwd: b.home })
    expect(picked.code).toBe(0)
    expect(picked.stdout.trimEnd().split("\n")).toEqual(standInLines(project, ["--resume", sessionId]))
    expect(picked.stderr).not.toContain("Copied")
    expect(existsSync(dirname(placed))).toBe(false)
  })
})

describe("pickup --no-launch", () => {
  it("without --project-dir or -y and no terminal: prints the command and why it cannot work yet, copies nothing", async () => {
    const { b, onA, onB, placed, sessionId, synced } = await apart()
    const picked = await b.run(["pickup", "--no-launch", "--json"], { cwd: onB })
    expect(picked.code).toBe(0)
    expect(jsonOf(picked)).toMatchObject({ sessionFile: synced, placed: false, copied: [], resumeDir: onB })
    expect(jsonOf(picked).notPlaced).toContain(`The project ${onA} is not on this machine.`)
    expect(existsSync(dirname(placed))).toBe(false)

    const text = await b.run(["pickup", "--no-launch"], { cwd: onB })
    expect(text.code).toBe(0)
    expect(text.stdout).toContain(`claude --resume ${sessionId}`)
    expect(text.stderr).toContain(`The project ${onA} is not on this machine.`)
    expect(existsSync(dirname(placed))).toBe(false)
  })

  it("never copies over a different file of the same name: says so and prints the command", async () => {
    const { b, onB, placed } = await apart()
    mkdirSync(dirname(placed), { recursive: true })
    writeFileSync(placed, "{\"type\":\"user\",\"cwd\":\"elsewhere\"}\n", { mode: 0o600 })
    const hourAgo = new Date(Date.now() - 3600_000)
    utimesSync(placed, hourAgo, hourAgo)
    const picked = await b.run(["pickup", "--no-launch", "-y", "--project-dir", onB])
    expect(picked.code).toBe(0)
    expect(picked.stderr).toContain(`A different session file is already at ${placed}; cclink never overwrites it.`)
    expect(readFileSync(placed, "utf8")).toBe("{\"type\":\"user\",\"cwd\":\"elsewhere\"}\n")
  })
})

describe("on a terminal", () => {
  it("asks before copying into the current directory's folder: n copies nothing (exit 7), y copies and resumes", async () => {
    const { b, onB, sessionId, synced, placed } = await apart()
    const question = `The session file is not in ${onB}'s folder. Copy it there and resume in ${onB}? [y/N]`

    const declined = await onTerminal(["pickup"], { env: b.env, cwd: onB })
    try {
      await declined.waitFor(question)
      declined.type("n")
      declined.press("Enter")
      expect(await declined.exitCode()).toBe(7)
      expect(existsSync(placed)).toBe(false)
    } finally {
      declined.close()
    }

    const accepted = await onTerminal(["pickup"], { env: b.env, cwd: onB })
    try {
      await accepted.waitFor(question)
      accepted.type("y")
      accepted.press("Enter")
      expect(await accepted.exitCode()).toBe(0)
      const screen = accepted.screen()
      expect(screen).toContain(`stand-in claude cwd=${onB}`)
      expect(screen).toContain(`stand-in claude arg=${sessionId}`)
      expect(screen).toContain(`Copied ${synced.replace(b.home, "~")}`)
      expect(readFileSync(placed)).toEqual(readFileSync(synced))
    } finally {
      accepted.close()
    }
  })
})

describe("pickup --no-launch on a terminal", () => {
  it("asks before copying, copies on y, and prints the command", async () => {
    const { b, onB, sessionId, synced, placed } = await apart()
    const picked = await onTerminal(["pickup", "--no-launch"], { env: b.env, cwd: onB })
    try {
      await picked.waitFor(`The session file is not in ${onB}'s folder. Copy it there? [y/N]`)
      picked.type("y")
      picked.press("Enter")
      expect(await picked.exitCode()).toBe(0)
      expect(picked.screen()).toContain(`claude --resume ${sessionId}`)
      expect(picked.screen()).not.toContain("stand-in claude")
      expect(readFileSync(placed)).toEqual(readFileSync(synced))
    } finally {
      picked.close()
    }
  })
})

/**
 * The real claude finds a session under any project folder, so the synced
 * copy is removed first: what it finds is the copy pickup placed.
 */
describe("with the real claude", () => {
  it("finds the session pickup placed, and not an id it has no file for", async () => {
    const { b, onB, sessionId, synced } = await apart()
    expect((await b.run(["pickup", "-y", "--project-dir", onB])).code).toBe(0)
    rmSync(dirname(synced), { recursive: true })
    expect(resumeWithRealClaude(sessionId, { cwd: onB, env: { HOME: b.home } })).toBe("found")
    expect(resumeWithRealClaude(randomUUID(), { cwd: onB, env: { HOME: b.home } })).toBe("missing")
  })

  it("pickup --no-launch puts the session in place, so the command it prints works", async () => {
    const { b, onB, sessionId, synced, placed } = await apart()
    const picked = await b.run(["pickup", "--no-launch", "--json", "--project-dir", onB])
    expect(picked.code).toBe(0)
    const json = jsonOf(picked)
    expect(json).toMatchObject({
      sessionFile: placed,
      placed: true,
      copied: [{ from: synced, to: placed }],
      resumeDir: onB
    })
    expect(readFileSync(placed)).toEqual(readFileSync(synced))
    rmSync(dirname(synced), { recursive: true })
    expect(resumeWithRealClaude(sessionId, { cwd: onB, env: { HOME: b.home } })).toBe("found")
  })
})
