/**
 * The carried archive: what packing takes from a project folder, that it
 * unpacks to the same bytes, and that unpacking refuses what a hostile
 * publisher could put in one (its bytes match the signed digest: the
 * publisher made them), writing nothing outside its staging folder and no
 * more than the signed size.
 */
import { Effect, Either, Fiber } from "effect"
import { randomBytes } from "node:crypto"
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { setTimeout as sleep } from "node:timers/promises"
import { afterAll, describe, expect, it } from "vitest"
import { pack, unpack } from "../../src/carry/archive.js"
import { encrypt } from "../../src/crypto/age.js"
import { identityOf, recipientOf } from "../../src/crypto/x25519.js"
import { Keypair } from "../../src/domain/keys.js"
import { parseSessionId } from "../../src/domain/sessionId.js"
import { sealedArchive, tarOf, tempFolder, writeTree } from "./archives.js"

const root = tempFolder("cclink-archive-")
afterAll(root.cleanup)

const id = Either.getOrThrow(parseSessionId("9b2f6c1e-7a4d-4e8b-b3c5-0d1e2f3a4b5c"))
const picker = Keypair.generate()
const recipient = recipientOf(picker.publicKey)
let folders = 0
const fresh = (name: string) => {
  const dir = join(root.dir, `${name}-${++folders}`)
  mkdirSync(dir, { recursive: true })
  return dir
}

const unpackInto = (file: string, unpackedSize: number) => {
  const into = fresh("staging")
  return Effect.runPromise(
    Effect.either(unpack({ file, identity: identityOf(picker), sessionId: id, unpackedSize, into }))
  )
    .then((result) => ({ result, into }))
}

/** Every file under `dir`, with its size. */
const filesUnder = (dir: string): Record<string, number> =>
  Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const path = join(entry.parentPath, entry.name)
        return [path.slice(dir.length + 1), statSync(path).size]
      })
  )

describe("pack and unpack", () => {
  it("carry the session, its own folder and the project's memory, byte for byte, at 0600 in 0700 folders", async () => {
    const project = fresh("project")
    const transcript = randomBytes(700_000)
    writeTree(project, {
      [`${id}.jsonl`]: transcript,
      [`${id}/subagents/agent-a1.jsonl`]: "{\"agent\":1}\n",
      [`${id}/tool-results/toolu_1.txt`]: "",
      "memory/MEMORY.md": "# notes\n",
      "memory/topics/build.md": "npm run build\n",
      // A name the picker would refuse: left out, and said.
      "memory/tab\there.md": "x",
      // Not this session's, and not memory: they stay home.
      "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d.jsonl": "other\n",
      "notes.txt": "x"
    })
    symlinkSync("/etc/passwd", join(project, "memory", "link.md"))
    const packed = await Effect.runPromise(
      pack({ folder: project, sessionId: id, recipient, into: join(fresh("out"), "a.age") })
    )
    expect(packed.files).toBe(5)
    expect(packed.skipped).toEqual([
      { name: "memory/link.md", reason: "a symbolic link" },
      { name: "memory/tab\there.md", reason: "a name with a control character or a backslash" }
    ])
    expect(statSync(packed.file).mode & 0o777).toBe(0o600)
    expect(packed.size).toBe(statSync(packed.file).size)

    const { into, result } = await unpackInto(packed.file, packed.unpackedSize)
    expect(Either.getOrThrow(result).map(({ kind, name }) => `${kind} ${name}`).sort()).toEqual([
      `session ${id}.jsonl`,
      `sessionFolder ${id}/subagents/agent-a1.jsonl`,
      `sessionFolder ${id}/tool-results/toolu_1.txt`,
      "memory memory/MEMORY.md",
      "memory memory/topics/build.md"
    ].sort())
    expect(readFileSync(join(into, `${id}.jsonl`)).equals(transcript)).toBe(true)
    expect(readFileSync(join(into, "memory", "topics", "build.md"), "utf8")).toBe("npm run build\n")
    expect(statSync(join(into, `${id}.jsonl`)).mode & 0o777).toBe(0o600)
    expect(statSync(join(into, id, "subagents")).mode & 0o777).toBe(0o700)
  })

  it("does not follow a symbolic link as the memory or session folder, and says what it left out", async () => {
    const project = fresh("project")
    const home = fresh("home")
    writeTree(home, { "secret.md": "not for the archive\n" })
    writeTree(project, { [`${id}.jsonl`]: "{}\n" })
    symlinkSync(home, join(project, "memory"))
    symlinkSync(home, join(project, id))
    const packed = await Effect.runPromise(
      pack({ folder: project, sessionId: id, recipient, into: join(fresh("out"), "a.age") })
    )
    expect(packed.files).toBe(1)
    expect(packed.skipped).toEqual([
      { name: id, reason: "a symbolic link" },
      { name: "memory", reason: "a symbolic link" }
    ])
    const { into, result } = await unpackInto(packed.file, packed.unpackedSize)
    expect(Either.isRight(result)).toBe(true)
    expect(Object.keys(filesUnder(into))).toEqual([`${id}.jsonl`])
  })

  it("refuses a session that is missing, or not a regular file", async () => {
    const project = fresh("project")
    const missing = await Effect.runPromise(
      Effect.either(pack({ folder: project, sessionId: id, recipient, into: join(fresh("out"), "a.age") }))
    )
    expect(Either.isLeft(missing) && missing.left._tag).toBe("NotFound")
    symlinkSync("/etc/hostname", join(project, `${id}.jsonl`))
    const linked = await Effect.runPromise(
      Effect.either(pack({ folder: project, sessionId: id, recipient, into: join(fresh("out"), "a.age") }))
    )
    expect(Either.isLeft(linked) && linked.left._tag).toBe("NotFound")
  })
})

describe("unpack refuses a hostile archive", () => {
  const session = { header: { name: `${id}.jsonl` }, content: new TextEncoder().encode("{}\n") }

  it.each([
    ["an absolute path", { header: { name: "/tmp/cclink-owned" } }, "leaves its folder"],
    ["a parent segment", { header: { name: "memory/../../../cclink-owned" } }, "leaves its folder"],
    ["another session", { header: { name: "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d.jsonl" } }, "not this session"],
    ["a symbolic link", { header: { name: "memory/x", type: "symlink", linkname: "/etc/passwd" } }, "not a regular"],
    ["a hard link", { header: { name: "memory/x", type: "link", linkname: `${id}.jsonl` } }, "not a regular"],
    ["a device", { header: { name: "memory/x", type: "character-device" } }, "not a regular"],
    ["a folder entry", { header: { name: "memory/sub", type: "directory" } }, "not a regular"],
    ["a FIFO", { header: { name: "memory/x", type: "fifo" } }, "not a regular"]
  ])("%s", async (_, entry, why) => {
    const tar = await tarOf([session, entry as { header: { name: string } }])
    const archive = await sealedArchive(tar, recipient, join(fresh("in"), "a.age"))
    const { into, result } = await unpackInto(archive.file, archive.tarSize)
    expect(Either.isLeft(result) && result.left.message).toContain(why)
    expect(existsSync("/tmp/cclink-owned")).toBe(false)
    expect(existsSync(join(into, "memory", "x"))).toBe(false)
  })

  it("a name that appears twice", async () => {
    const tar = await tarOf([session, { header: { name: "memory/a.md" } }, { header: { name: "memory/a.md" } }])
    const archive = await sealedArchive(tar, recipient, join(fresh("in"), "a.age"))
    const { result } = await unpackInto(archive.file, archive.tarSize)
    expect(Either.isLeft(result) && result.left.message).toContain("appears twice")
  })

  it("an archive without the session's transcript", async () => {
    const tar = await tarOf([{ header: { name: "memory/a.md" } }])
    const archive = await sealedArchive(tar, recipient, join(fresh("in"), "a.age"))
    const { result } = await unpackInto(archive.file, archive.tarSize)
    expect(Either.isLeft(result) && result.left.message).toContain("does not hold the session")
  })

  it("a gzip bomb: cut off at the signed size, with no more than that written", async () => {
    // 20 MB of zeros gzip to about 20 kB; the ticket signs 1 MB.
    const tar = await tarOf([session, { header: { name: "memory/bomb" }, content: new Uint8Array(20_000_000) }])
    const archive = await sealedArchive(tar, recipient, join(fresh("in"), "a.age"))
    expect(statSync(archive.file).size).toBeLessThan(100_000)
    const { into, result } = await unpackInto(archive.file, 1_000_000)
    expect(Either.isLeft(result) && result.left.message).toContain("inflates past its signed size")
    const written = Object.values(filesUnder(into)).reduce((sum, size) => sum + size, 0)
    expect(written).toBeLessThanOrEqual(1_000_000)
  })

  it("bytes that are not gzip, or not tar, once decrypted", async () => {
    const notGzip = join(fresh("in"), "a.age")
    writeFileSync(notGzip, await Effect.runPromise(encrypt(randomBytes(5000), recipient)))
    const garbage = await sealedArchive(randomBytes(5000), recipient, join(fresh("in"), "b.age"))
    for (const file of [notGzip, garbage.file]) {
      const { result } = await unpackInto(file, 1_000_000)
      expect(Either.isLeft(result) && result.left.message).toContain("damaged data")
    }
  })

  it("an archive sealed to someone else", async () => {
    const tar = await tarOf([session])
    const archive = await sealedArchive(tar, recipientOf(Keypair.generate().publicKey), join(fresh("in"), "a.age"))
    const { result } = await unpackInto(archive.file, archive.tarSize)
    expect(Either.isLeft(result) && result.left._tag).toBe("DecryptionFailed")
  })
})

describe("unpack interrupted (Ctrl-C)", () => {
  it("stops writing before the interruption returns", async () => {
    const project = fresh("project")
    const tree: Record<string, Uint8Array> = { [`${id}.jsonl`]: randomBytes(5_000_000) }
    for (let i = 0; i < 300; i++) tree[`memory/n${String(i).padStart(3, "0")}.md`] = randomBytes(100_000)
    writeTree(project, tree)
    const packed = await Effect.runPromise(
      pack({ folder: project, sessionId: id, recipient, into: join(fresh("out"), "a.age") })
    )
    const staging = fresh("staging")
    const fiber = Effect.runFork(unpack({
      file: packed.file,
      identity: identityOf(picker),
      sessionId: id,
      unpackedSize: packed.unpackedSize,
      into: staging
    }))
    while (!existsSync(join(staging, "memory"))) await sleep(5)
    await Effect.runPromise(Fiber.interrupt(fiber))
    const then = filesUnder(staging)
    // An extraction left running would write the other 30 MB meanwhile.
    await sleep(1000)
    expect(filesUnder(staging)).toEqual(then)
    expect(Object.keys(then).length).toBeLessThan(301)
  }, 60_000)

  it("never makes its staging folder: one removed meanwhile is not made again", async () => {
    const tar = await tarOf([{ header: { name: `${id}.jsonl` }, content: new TextEncoder().encode("{}\n") }])
    const archive = await sealedArchive(tar, recipient, join(fresh("in"), "a.age"))
    const gone = join(fresh("work"), "files")
    const result = await Effect.runPromise(Effect.either(unpack({
      file: archive.file,
      identity: identityOf(picker),
      sessionId: id,
      unpackedSize: archive.tarSize,
      into: gone
    })))
    expect(Either.isLeft(result)).toBe(true)
    expect(existsSync(gone)).toBe(false)
  })
})
