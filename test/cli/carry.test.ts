/**
 * `cclink publish --carry` and the pickup of a carried handoff, end to end:
 * the built CLI on machines that share no files, a real Mainline DHT and a
 * real carry network (HyperDHT) on this machine. Machine B has no copy of
 * the conversation and resumes it anyway; the real `claude` finds it.
 */
import { Effect } from "effect"
import { createHash, randomUUID } from "node:crypto"
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { hostname } from "node:os"
import { join } from "node:path"
import { setTimeout as sleep } from "node:timers/promises"
import { describe, expect, it } from "vitest"
import { sealTo } from "../../src/crypto/blob.js"
import type { CarryTicket } from "../../src/domain/carryTicket.js"
import { encodePayload } from "../../src/domain/payload.js"
import { encodeProjectDir } from "../../src/domain/projectDir.js"
import { encodeRecord } from "../../src/domain/record.js"
import { signRecord } from "../../src/domain/signature.js"
import { rogueServer, useCarryNetwork } from "../carry/network.js"
import { resumeWithRealClaude } from "../support/claude.js"
import { writeTranscript } from "../support/transcript.js"
import { launch, type Running } from "./support/beyond-process.js"
import { errorText, jsonOf, type RunResult, spawnCli, start } from "./support/cli.js"
import { type Machine, makeKey, makeMachine, makePair, makeProject, standInLines, useRoot } from "./support/machines.js"
import { publishRaw, useDht } from "./support/network.js"

const root = useRoot()
const dht = useDht(30)
const carryNet = useCarryNetwork()

const PIN = "correct-horse-42"

/** A and B with one key, B without the conversation; A's session has its own folder and project memory too. */
const pair = () => {
  const p = makePair(root, dht.bootstrap, { synced: false, carryBootstrap: carryNet.bootstrap })
  const folder = folderOf(p.a, p.project)
  mkdirSync(join(folder, p.sessionId, "subagents"), { recursive: true })
  mkdirSync(join(folder, "memory"))
  writeFileSync(join(folder, p.sessionId, "subagents", "agent-1.jsonl"), "{\"agent\":1}\n")
  writeFileSync(join(folder, "memory", "MEMORY.md"), "# Notes from A\n")
  return { ...p, folder }
}

/** Someone else: their own key and machine, on the same networks. */
const colleague = () => {
  const key = makeKey()
  const machine = makeMachine(root, `c-${key.z32.slice(0, 8)}`, {
    bootstrap: dht.bootstrap,
    carryBootstrap: carryNet.bootstrap
  })
  machine.installKey(key)
  return { key, machine }
}

/** The failure a command ended with: its `cclink:` message, after the handoff's summary on stderr. */
const failureOf = (result: RunResult) =>
  errorText({ ...result, stderr: result.stderr.slice(result.stderr.indexOf("cclink: ")) })

const folderOf = (m: Machine, project: string) => join(m.projectsDir, encodeProjectDir(project))
const read = (file: string) => readFileSync(file, "utf8")
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex")
const carryWork = (m: Machine) => join(m.home, ".local", "state", "cclink", "carry")
/** Leftovers of transfers: every transfer's working folder is removed when it ends. */
const workLeft = (m: Machine) => existsSync(carryWork(m)) ? readdirSync(carryWork(m)) : []

interface Event {
  readonly event: string
  readonly [field: string]: unknown
}
const eventsOf = (publisher: Running): ReadonlyArray<Event> =>
  publisher.lines().slice(1).map((line) => JSON.parse(line) as Event)

/** `cclink publish --carry --json ...` on A, once it serves. */
const serve = async (m: Machine, cwd: string, args: ReadonlyArray<string> = [], env: Record<string, string> = {}) => {
  const publisher = await launch(["--carry", "--json", ...args], { env: { ...m.env, ...env }, cwd })
  await publisher.waitForLine((line) => line.includes("\"event\":\"serving\""))
  return publisher
}

const stopped = async (publisher: Running) => {
  const ended = await publisher.done
  expect(ended.code).toBe(0)
  expect(ended.stderr).toBe("")
  return eventsOf(publisher).at(-1)
}

/** Runs `use` while `publisher` serves, then stops it with Ctrl-C, also when `use` fails, and checks it ended cleanly. */
const servingWhile = async (publisher: Running, use: () => Promise<void>) => {
  try {
    await use()
  } finally {
    publisher.signal("SIGINT")
  }
  return stopped(publisher)
}

describe("a carried handoff", () => {
  it("own key: B has no copy, resumes anyway; session folder and memory travel; the real claude finds it", async () => {
    const { a, b, folder, project, sessionId } = pair()
    const publisher = await serve(a, project)
    expect(
      await servingWhile(publisher, async () => {
        const published = JSON.parse(publisher.lines()[0]!) as Record<string, unknown>
        expect(published).toMatchObject({ sessionId, carried: true, carriedFiles: 3 })

        const picked = await b.run(["pickup", "-y"])
        expect(picked.code).toBe(0)
        expect(picked.stdout.trimEnd().split("\n")).toEqual(standInLines(project, ["--resume", sessionId]))
        expect(picked.stderr).toMatch(/Carried 3 files \(.* encrypted, (direct|holepunch)\)\./)

        const placed = folderOf(b, project)
        for (const name of [`${sessionId}.jsonl`, `${sessionId}/subagents/agent-1.jsonl`, "memory/MEMORY.md"]) {
          expect(read(join(placed, name)), name).toBe(read(join(folder, name)))
        }
        expect(statSync(join(placed, `${sessionId}.jsonl`)).mode & 0o777).toBe(0o600)
        expect(resumeWithRealClaude(sessionId, { cwd: project, env: { HOME: b.home } })).toBe("found")

        const transfer = await publisher.waitForLine((line) => line.includes("\"event\":\"transfer\""))
        expect(JSON.parse(transfer)).toMatchObject({
          complete: true,
          via: expect.stringMatching(/^(direct|holepunch)$/)
        })
        expect(workLeft(b)).toEqual([])
        // Not a burn handoff: still serving, for another pickup.
        expect(publisher.running()).toBe(true)
      })
    ).toMatchObject({ event: "stopped", reason: "interrupted" })
    expect(workLeft(a)).toEqual([])
  })

  it("--share: the colleague's pickup fetches it with their own key; --no-launch --json says how", async () => {
    const { a, key, project, sessionId } = pair()
    const c = colleague()
    const publisher = await serve(a, project, ["--share", c.key.display])
    await servingWhile(publisher, async () => {
      const picked = jsonOf(
        await c.machine.run(["pickup", key.display, "--no-launch", "--json", "-y"], { cwd: c.machine.home })
      )
      expect(picked).toMatchObject({
        sessionId,
        carried: true,
        carriedVia: expect.stringMatching(/^(direct|holepunch)$/),
        placed: true,
        notCarried: null
      })
      expect(picked.carriedBytes).toBeGreaterThan(0)
      expect(existsSync(picked.sessionFile as string)).toBe(true)
    })
  })

  it("someone else's project memory is kept aside, not installed (Claude Code would read it into every session), unless --with-memory", async () => {
    const { a, key, project } = pair()
    const c = colleague()
    const publisher = await serve(a, project, ["--share", c.key.display])
    await servingWhile(publisher, async () => {
      const memory = join(folderOf(c.machine, project), "memory")
      const kept = await c.machine.run(["pickup", key.display, "--no-launch", "-y"], { cwd: c.machine.home })
      expect(kept.code).toBe(0)
      expect(existsSync(memory)).toBe(false)
      const folder = /Not installed: the project memory it carries \(1 file\), kept in (\S+)\./.exec(kept.stderr)![1]!
      expect(read(join(folder.replace(/^~/, c.machine.home), "MEMORY.md"))).toBe("# Notes from A\n")
      expect(kept.stderr).toContain("only with --with-memory")

      const installed = jsonOf(
        await c.machine.run(["pickup", key.display, "--no-launch", "--json", "-y", "--with-memory"], {
          cwd: c.machine.home
        })
      )
      expect(installed).toMatchObject({ carried: true, placed: true, carriedMemoryAside: null })
      expect(read(join(memory, "MEMORY.md"))).toBe("# Notes from A\n")
    })
  })

  it("someone else's handoff naming a folder of this machine: not taken without -y or --project-dir", async () => {
    const { a, key, project } = pair()
    const c = colleague()
    const publisher = await serve(a, project, ["--share", c.key.display])
    await servingWhile(publisher, async () => {
      const refused = jsonOf(
        await c.machine.run(["pickup", key.display, "--no-launch", "--json"], { cwd: c.machine.home })
      )
      expect(refused).toMatchObject({ placed: false, carried: false })
      expect(refused.notPlaced).toBe(
        `This handoff from ${key.display} names ${project} as its project.\n` +
          "Pass -y to put the carried conversation there, or --project-dir DIR to choose."
      )
      const launched = await c.machine.run(["pickup", key.display], { cwd: c.machine.home })
      expect(launched.code).toBe(1)
      expect(failureOf(launched)).toBe(refused.notPlaced)
      expect(existsSync(folderOf(c.machine, project))).toBe(false)
    })
  })

  it("--pin --burn: a colleague picks up with the PIN; the publisher burns the handoff after that transfer", async () => {
    const { a, key, project, sessionId } = pair()
    const c = colleague()
    // Argon2id derivations counted in each process: one PIN, one derivation, for the record and the archive alike.
    const counted = (side: string) => {
      const file = join(c.machine.home, `argon2-${side}`)
      return {
        file,
        env: {
          NODE_OPTIONS: `--import ${join(import.meta.dirname, "support", "argon2Count.mjs")}`,
          CCLINK_TEST_ARGON2_COUNT: file
        }
      }
    }
    const publishing = counted("publisher")
    const picking = counted("picker")
    const publisher = await serve(a, project, ["--pin", "--burn"], { CCLINK_PIN: PIN, ...publishing.env })
    try {
      const picked = jsonOf(
        await c.machine.run(["pickup", key.display, "--no-launch", "--json", "-y"], {
          cwd: c.machine.home,
          env: { CCLINK_PIN: PIN, ...picking.env }
        })
      )
      expect(picked).toMatchObject({ sessionId, carried: true, pin: true, burn: true, burned: false, placed: true })
      // The publisher removes it by itself and stops: exit 0, with the reason.
      expect(await stopped(publisher)).toMatchObject({ event: "stopped", reason: "burned" })
      expect(read(picking.file)).toBe("1\n")
      expect(read(publishing.file)).toBe("1\n")
      const again = await c.machine.run(["pickup", key.display, "--no-launch"], { env: { CCLINK_PIN: PIN } })
      expect(again.code).toBe(5)
    } finally {
      publisher.signal("SIGKILL")
    }
  })

  it("a 50 MB transcript arrives byte for byte", async () => {
    const { a, b, folder, project, sessionId } = pair()
    writeTranscript(join(folder, `${sessionId}.jsonl`), 50_000_000, sessionId, project)
    const publisher = await serve(a, project, ["--burn"])
    try {
      const picked = jsonOf(await b.run(["pickup", "--no-launch", "--json"], { deadlineMs: 120_000 }))
      expect(picked).toMatchObject({ carried: true, placed: true })
      expect(sha256(picked.sessionFile as string)).toBe(sha256(join(folder, `${sessionId}.jsonl`)))
      expect(await stopped(publisher)).toMatchObject({ reason: "burned" })
    } finally {
      publisher.signal("SIGKILL")
    }
  }, 180_000)
})

describe("the local copy of the conversation", () => {
  it("an older copy (a prefix) is brought up to date; an identical one is left alone", async () => {
    const { a, b, folder, project, sessionId } = pair()
    const full = read(join(folder, `${sessionId}.jsonl`))
    const local = join(folderOf(b, project), `${sessionId}.jsonl`)
    mkdirSync(folderOf(b, project), { recursive: true })
    const older = full.slice(0, full.indexOf("\n") + 1)
    writeFileSync(local, older)
    const publisher = await serve(a, project)
    await servingWhile(publisher, async () => {
      const updated = await b.run(["pickup", "-y"])
      expect(updated.code).toBe(0)
      expect(updated.stderr).toContain("it held an older copy of this conversation")
      expect(read(local)).toBe(full)
      // The older copy is kept, not thrown away.
      const kept = /The older copies are kept in (\S+)\./.exec(updated.stderr)![1]!.replace(/^~/, b.home)
      expect(read(join(kept, `${sessionId}.jsonl`))).toBe(older)

      const same = await b.run(["pickup", "-y"])
      expect(same.code).toBe(0)
      expect(same.stderr).toMatch(/ {2}same +.*\.jsonl/)
    })
  })

  it("another conversation under the name: never overwritten, the carried one kept aside, claude not started", async () => {
    const { a, b, folder, project, sessionId } = pair()
    const local = join(folderOf(b, project), `${sessionId}.jsonl`)
    mkdirSync(folderOf(b, project), { recursive: true })
    writeFileSync(local, "{\"type\":\"summary\",\"summary\":\"B's own\"}\n")
    const publisher = await serve(a, project)
    await servingWhile(publisher, async () => {
      const refused = await b.run(["pickup", "-y"])
      expect(refused.code).toBe(1)
      expect(refused.stdout).toBe("")
      const text = failureOf(refused)
      expect(text).toContain(`A different conversation is already at ${local}; cclink never overwrites it`)
      const aside = /The carried conversation is kept at (\S+)\./.exec(text)![1]!
      expect(aside.startsWith(join(b.home, ".local", "state", "cclink", "carried", sessionId))).toBe(true)
      expect(read(join(aside, `${sessionId}.jsonl`))).toBe(read(join(folder, `${sessionId}.jsonl`)))
      expect(text).toContain(`To resume yours:  cd ${project} && claude --resume ${sessionId}`)
      // The transcript and its folder move in together.
      expect(text).toContain(`\n  mv ${local} ${local}.mine\n`)
      expect(text).toContain(
        `\n  cp -R ${join(aside, `${sessionId}.jsonl`)} ${join(aside, sessionId)} ${folderOf(b, project)}/\n`
      )
      expect(read(local)).toBe("{\"type\":\"summary\",\"summary\":\"B's own\"}\n")
      expect(existsSync(join(folderOf(b, project), "memory"))).toBe(false)
    })
  })
})

describe("the local copy of the conversation, not placed over", () => {
  it("another subagent transcript in the session's folder: named, and both moved aside in the advice", async () => {
    const { a, b, folder, project, sessionId } = pair()
    const here = folderOf(b, project)
    mkdirSync(join(here, sessionId, "subagents"), { recursive: true })
    writeFileSync(join(here, `${sessionId}.jsonl`), read(join(folder, `${sessionId}.jsonl`)))
    const theirs = join(here, sessionId, "subagents", "agent-1.jsonl")
    writeFileSync(theirs, "{\"agent\":\"B\"}\n")
    const publisher = await serve(a, project)
    await servingWhile(publisher, async () => {
      const refused = await b.run(["pickup", "-y"])
      expect(refused.code).toBe(1)
      const text = failureOf(refused)
      expect(text).toContain(`A different conversation is already at ${theirs}; cclink never overwrites it`)
      const local = join(here, `${sessionId}.jsonl`)
      expect(text).toContain(
        `\n  mv ${local} ${local}.mine && mv ${join(here, sessionId)} ${join(here, sessionId)}.mine\n`
      )
      expect(read(theirs)).toBe("{\"agent\":\"B\"}\n")
    })
  })

  it("this machine's copy continues the carried one: said so, kept, and offered to resume", async () => {
    const { a, b, folder, project, sessionId } = pair()
    const local = join(folderOf(b, project), `${sessionId}.jsonl`)
    mkdirSync(folderOf(b, project), { recursive: true })
    const newer = `${read(join(folder, `${sessionId}.jsonl`))}{"type":"user","went on":"on B"}\n`
    writeFileSync(local, newer)
    const publisher = await serve(a, project)
    await servingWhile(publisher, async () => {
      const refused = await b.run(["pickup", "-y"])
      expect(refused.code).toBe(1)
      const text = failureOf(refused)
      expect(text).toContain(
        `This machine's copy of the conversation is newer than the carried one (it continues it): ${local}.`
      )
      expect(text).not.toContain("A different conversation")
      expect(text).toContain(`To resume this machine's copy:  cd ${project} && claude --resume ${sessionId}`)
      expect(read(local)).toBe(newer)
    })
  })
})

describe("when the publisher is not serving", () => {
  it("without a local copy: one line naming the host to run publish --carry on, exit 6, within --timeout", async () => {
    const { a, b, project } = pair()
    const publisher = await serve(a, project)
    publisher.signal("SIGINT")
    await stopped(publisher)

    const picked = await b.run(["pickup", "-y", "--timeout", "5s"])
    expect(picked.code).toBe(6)
    expect(picked.stdout).toBe("")
    expect(failureOf(picked)).toBe(
      "Network error: The publisher is not serving the conversation: " +
        `run \`cclink publish --carry\` on ${hostname()}, then pick up again.`
    )
    // The 5 s --timeout, plus the process's start and the lookup on the local testnet.
    expect(picked.ms).toBeLessThan(8000)
    expect(workLeft(b)).toEqual([])
  })

  it("with a local copy: uses it, saying it may be older", async () => {
    const { a, b, project, sessionId } = pair()
    b.writeSession(project, sessionId)
    const publisher = await serve(a, project)
    publisher.signal("SIGINT")
    await stopped(publisher)

    const picked = await b.run(["pickup", "-y", "--timeout", "5s"])
    expect(picked.code).toBe(0)
    expect(picked.stdout.trimEnd().split("\n")).toEqual(standInLines(project, ["--resume", sessionId]))
    expect(picked.stderr).toContain("The publisher is not serving the conversation")
    expect(picked.stderr).toContain("Using this machine's copy of the session instead; it may be older.")
  })

  it("killed mid-transfer: no partial file anywhere, a clear error, exit 6", async () => {
    const { a, b, folder, project, sessionId } = pair()
    writeTranscript(join(folder, `${sessionId}.jsonl`), 80_000_000, sessionId, project)
    const publisher = await serve(a, project)
    const pickup = await spawnCli(["pickup", "-y", "--timeout", "4s"], { env: b.env, cwd: b.home, deadlineMs: 120_000 })
    // Wait for the first bytes to land in B's staging file, then pull the plug on A.
    for (let receiving = false; !receiving; await sleep(10)) {
      receiving = workLeft(b).some((work) => {
        const archive = join(carryWork(b), work, "archive.age")
        return existsSync(archive) && statSync(archive).size > 0
      })
    }
    publisher.signal("SIGKILL")
    const killed = Date.now()
    const picked = await pickup.done
    expect(picked.code).toBe(6)
    // One --timeout (4 s) after the last byte, and a margin for a busy machine; counted from when the stall was noticed, it was 8 s.
    expect(Date.now() - killed).toBeLessThan(6500)
    expect(failureOf(picked)).toMatch(
      /^Network error: The transfer from .* broke after [\d.]+ [kMG]?B of [\d.]+ [kMG]?B \(.*\), and did not resume in time; nothing of it was kept\. Pick up again to start over\.$/
    )
    expect(existsSync(folderOf(b, project))).toBe(false)
    expect(workLeft(b)).toEqual([])
  }, 120_000)
})

describe("a picker killed with kill -9", () => {
  it("leaves its working folder, which the next pickup sweeps", async () => {
    const { a, b, folder, project, sessionId } = pair()
    writeTranscript(join(folder, `${sessionId}.jsonl`), 40_000_000, sessionId, project)
    const publisher = await serve(a, project)
    await servingWhile(publisher, async () => {
      const pickup = await spawnCli(["pickup", "-y"], { env: b.env, cwd: b.home, deadlineMs: 120_000 })
      for (let receiving = false; !receiving; await sleep(10)) {
        receiving = workLeft(b).some((work) => {
          const archive = join(carryWork(b), work, "archive.age")
          return existsSync(archive) && statSync(archive).size > 0
        })
      }
      pickup.child.kill("SIGKILL")
      await pickup.done
      const [left] = workLeft(b)
      expect(read(join(carryWork(b), left!, "pid")).trim()).toMatch(/^\d+$/)

      const again = await b.run(["pickup", "-y"], { deadlineMs: 120_000 })
      expect(again.code).toBe(0)
      expect(workLeft(b)).toEqual([])
    })
  }, 120_000)
})

describe("your own --burn handoff, when the carried conversation is not placed", () => {
  it("falling back to a local copy (launching claude, or --no-launch) keeps the handoff: the newer conversation is still there", async () => {
    const { a, b, project, sessionId } = pair()
    b.writeSession(project, sessionId)
    const publisher = await serve(a, project, ["--burn"])
    publisher.signal("SIGINT")
    await stopped(publisher)

    const launched = await b.run(["pickup", "-y", "--timeout", "3s"])
    expect(launched.code).toBe(0)
    expect(launched.stderr).toContain("Using this machine's copy of the session instead")
    expect(launched.stderr).not.toContain("Burned")
    const listed = jsonOf(await b.run(["pickup", "--no-launch", "--json", "--timeout", "3s"]))
    expect(listed).toMatchObject({ sessionId, carried: false, burn: true, burned: false })
    expect(listed.notCarried).toContain("The publisher is not serving the conversation")
    // Still there: neither pickup burned it.
    expect((await b.run(["pickup", "--no-launch", "--json", "--timeout", "3s"])).code).toBe(0)
  })

  it("another conversation under the name (--no-launch): not burned", async () => {
    const { a, b, project, sessionId } = pair()
    const local = join(folderOf(b, project), `${sessionId}.jsonl`)
    mkdirSync(folderOf(b, project), { recursive: true })
    writeFileSync(local, "{\"type\":\"summary\",\"summary\":\"B's own\"}\n")
    const publisher = await serve(a, project, ["--burn"])
    try {
      const picked = jsonOf(await b.run(["pickup", "--no-launch", "--json", "-y"]))
      expect(picked).toMatchObject({ carried: true, placed: false, burned: false })
      // The publisher serves on: the transfer completed, and it burns the handoff itself.
      expect(await stopped(publisher)).toMatchObject({ reason: "burned" })
    } finally {
      publisher.signal("SIGKILL")
    }
  })
})

/** A carried handoff under `key` whose ticket is `carry`: what a hostile publisher signs. */
const publishCarried = (
  key: ReturnType<typeof pair>["key"],
  project: string,
  sessionId: string,
  carry: CarryTicket
) =>
  Effect.gen(function*() {
    const payload = encodePayload({ hostname: "rogue", project, sessionId, carry })
    const blob = yield* sealTo(payload, key.keypair.publicKey)
    const record = signRecord(key.keypair, {
      blob,
      burn: false,
      createdAt: Math.floor(Date.now() / 1000),
      hostname: "",
      project: "",
      ttl: 3600
    })
    yield* Effect.promise(() => publishRaw(dht.bootstrap, key.keypair, encodeRecord(record)))
  })

describe("bytes that are not the signed ones", () => {
  it("a publisher serving altered bytes: refused by the digest (exit 3), nothing placed, nothing left", async () => {
    const { b, key, project, sessionId } = pair()
    const genuine = new TextEncoder().encode("the archive the publisher signed")
    const digest = new Uint8Array(createHash("sha256").update(genuine).digest())
    await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
      const rogue = yield* rogueServer(carryNet.bootstrap, (socket) => {
        socket.write(Uint8Array.of(0))
        socket.write(genuine.map((byte, i) => i === 5 ? byte ^ 1 : byte))
      })
      yield* publishCarried(key, project, sessionId, {
        serverKey: rogue.serverKey,
        clientSecret: rogue.clientSecret,
        digest,
        size: genuine.length,
        unpackedSize: 1000
      })

      const picked = yield* Effect.promise(() => b.run(["pickup", "-y"]))
      expect(picked.code).toBe(3)
      expect(picked.stdout).toBe("")
      expect(failureOf(picked)).toBe(
        "The conversation received does not match what the handoff signed; nothing was placed."
      )
      expect(existsSync(folderOf(b, project))).toBe(false)
      expect(workLeft(b)).toEqual([])
    })))
  })

  it("sizes this machine has no room for: refused before connecting, with the free space", async () => {
    const { b, key, project, sessionId } = pair()
    let connections = 0
    await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
      const rogue = yield* rogueServer(carryNet.bootstrap, () => connections++)
      // 1 TiB that would unpack to 1 TiB: within deflate's ratio, beyond this disk. The archive and its files
      // in the state folder, the files again in ~/.claude: 3 TiB on this machine's one file system.
      yield* publishCarried(key, project, sessionId, {
        serverKey: rogue.serverKey,
        clientSecret: rogue.clientSecret,
        digest: new Uint8Array(32),
        size: 2 ** 40,
        unpackedSize: 2 ** 40
      })
      const picked = yield* Effect.promise(() => b.run(["pickup", "-y"]))
      expect(picked.code).toBe(1)
      expect(failureOf(picked)).toMatch(
        /^Not enough free space for the carried conversation \(it needs 3298534\.9 MB, [\d.]+ MB free\); nothing was fetched\. Free some space and pick up again: \//
      )
      expect(connections).toBe(0)
      expect(workLeft(b)).toEqual([])
    })))
  })
})

describe("publish --carry", () => {
  it("refuses a malformed --carry-bootstrap before asking for anything", async () => {
    const { a, project } = pair()
    const refused = await a.run(["--carry", "--carry-bootstrap", "nowhere"], { cwd: project })
    expect(refused.code).toBe(1)
    expect(errorText(refused)).toMatch(/^Carry network: Invalid bootstrap node "nowhere": no port\./)
  })

  it("a carried PIN burn record too large for the DHT: refused with the bytes to cut, nothing left serving", async () => {
    const p = makePair(root, dht.bootstrap, { synced: false, carryBootstrap: carryNet.bootstrap })
    const project = makeProject(root, `${"deep-".repeat(12)}${randomUUID().slice(0, 8)}`)
    p.a.writeSession(project, p.sessionId)
    const refused = await p.a.run(["--carry", "--pin", "--burn"], { cwd: project, env: { CCLINK_PIN: PIN } })
    expect(refused.code).toBe(1)
    expect(errorText(refused)).toMatch(
      /^The handoff record is \d+ bytes; the DHT limit is 1000 bytes\. Shorten the project path or hostname by at least \d+ bytes\. Without --carry \(its ticket takes 130 bytes\) it would fit\.$/
    )
    expect(workLeft(p.a)).toEqual([])
  })

  it("--pin --burn without --carry says plainly that only the publisher's key removes it", async () => {
    const { a, project } = pair()
    const published = await a.run(["--pin", "--burn"], { cwd: project, env: { CCLINK_PIN: PIN } })
    expect(published.code).toBe(0)
    expect(published.stdout).toContain("only a pickup with your own key removes it")
    expect(published.stdout).toContain("you run `cclink revoke`")
    expect(published.stdout).toContain("With --carry, this machine removes it after the first complete transfer.")
  })
})

describe("cclink testnet", () => {
  it("serves a carry network beside the DHT (--json: carryBootstrap), and a carried handoff runs over it", async () => {
    const m = makeMachine(root, `t-${randomUUID().slice(0, 8)}`)
    const testnet = await start(["testnet", "--nodes", "20", "--json"], { env: m.env })
    try {
      const { bootstrap, carryBootstrap } = JSON.parse(testnet.firstLine) as Record<string, Array<string>>
      expect(carryBootstrap!.length).toBeGreaterThan(0)
      for (const address of carryBootstrap!) expect(address).toMatch(/^127\.0\.0\.1:\d+$/)
      const { a, b, project, sessionId } = makePair(root, bootstrap!, { synced: false, carryBootstrap })
      const publisher = await serve(a, project, ["--burn"])
      try {
        expect(jsonOf(await b.run(["pickup", "--no-launch", "--json"]))).toMatchObject({ sessionId, carried: true })
        expect(await stopped(publisher)).toMatchObject({ reason: "burned" })
      } finally {
        publisher.signal("SIGKILL")
      }
    } finally {
      await testnet.stop("SIGINT").catch(() => {})
    }
  })
})

describe("a stranger", () => {
  it("picking up someone else's carried handoff cannot open it, so never learns where it is served", async () => {
    const { a, key, project } = pair()
    const stranger = colleague()
    const publisher = await serve(a, project)
    await servingWhile(publisher, async () => {
      const refused = await stranger.machine.run(["pickup", key.display, "-y"])
      expect(refused.code).toBe(4)
      expect(failureOf(refused)).toContain("self-encrypted: only its publisher's key can decrypt it")
      expect(workLeft(stranger.machine)).toEqual([])
      // No connection reached the server: it reports every one that did.
      await sleep(500)
      expect(eventsOf(publisher).filter(({ event }) => event === "transfer")).toEqual([])
    })
  })
})
