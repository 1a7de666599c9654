/**
 * The carried handoff through real NATs (issue 10), with the built CLI on
 * machines in network namespaces: `cclink testnet` (a Mainline testnet and a
 * carry network) on the public host, `cclink publish --carry` on machine A,
 * `cclink pickup` on machine B, which has the key but no copy of the
 * session. B ends with A's session file, byte for byte, in the folder of its
 * project directory, and both ends say how the bytes came. When this fails
 * and test/nat/hyperdht.test.ts passes, the network is fine and cclink broke.
 *
 * The contract it is written against: `cclink testnet --host H --json` prints
 * `{"nodes","bootstrap","carryBootstrap"}`; the machines read
 * CCLINK_BOOTSTRAP and CCLINK_CARRY_BOOTSTRAP; `publish --carry --json`
 * prints its publish line, then one line per event (`{"event":"transfer",
 * "via",...}`) while it serves; `pickup --no-launch --json` adds `carried`,
 * `carriedBytes` and `carriedVia` ("direct" | "holepunch" | "relay").
 */
import { describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { randomUUID } from "node:crypto"
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { expect } from "vitest"
import { encodeProjectDir } from "../../src/domain/projectDir.js"
import type { CarryVia } from "../../src/services/Carry.js"
import { launch } from "../cli/support/beyond-process.js"
import { jsonOf, registerSecret, type RunResult, start } from "../cli/support/cli.js"
import { makeMachine, makeProject, makeRoot } from "../cli/support/machines.js"
import { summaryLine, userLine, writeSessionFile } from "../services/claudeHome.js"
import * as Topology from "./support/topology.js"

/** A transcript of some size: many lines as Claude Code writes them, about 1 MiB. */
const transcript = (project: string, sessionId: string) =>
  [summaryLine("Refactor the parser"), ...Array.from({ length: 4000 }, () => userLine(project, sessionId)), ""]
    .join("\n")

interface Carried {
  readonly picked: RunResult
  readonly transfer: Record<string, unknown> | undefined
  readonly original: string
  readonly placed: string
}

const stopped = <A extends { readonly stop: (signal: NodeJS.Signals) => Promise<unknown> }>(started: Promise<A>) =>
  Effect.acquireRelease(
    Effect.promise(() => started),
    (running) => Effect.promise(() => running.stop("SIGINT").catch(() => undefined))
  )

/**
 * The carried handoff from `from` to `to`: the testnet on the public host,
 * `init` on A and its key copied to B, A's session published with --carry
 * from A's project, picked up on B into another project directory.
 */
const carry = (net: Topology.Topology<string, string>, from: Topology.Host, to: Topology.Host) =>
  Effect.gen(function*() {
    const root = yield* Effect.acquireRelease(Effect.sync(makeRoot), (made) => Effect.sync(made.cleanup))
    const testnet = yield* stopped(
      start(["testnet", "--host", net.internet.address, "--nodes", "30", "--json"], {
        env: { PATH: "/usr/bin:/bin", HOME: root.dir, LANG: "C.UTF-8" },
        launcher: net.internet.exec([]),
        deadlineMs: 600_000
      })
    )
    const { bootstrap, carryBootstrap } = JSON.parse(testnet.firstLine) as {
      bootstrap: Array<string>
      carryBootstrap: Array<string>
    }
    expect(Array.isArray(carryBootstrap) && carryBootstrap.length > 0, `carryBootstrap in ${testnet.firstLine}`)
      .toBe(true)
    const settings = (host: Topology.Host) => ({ bootstrap, carryBootstrap, launcher: host.exec([]) })
    const a = makeMachine(root, "a", settings(from))
    const b = makeMachine(root, "b", settings(to))

    expect((yield* Effect.promise(() => a.run(["init", "--no-passphrase"]))).code).toBe(0)
    const key = readFileSync(a.keyFile)
    registerSecret(key.toString("utf8").trim())
    mkdirSync(dirname(b.keyFile), { recursive: true, mode: 0o700 })
    writeFileSync(b.keyFile, key, { mode: 0o600 })
    chmodSync(b.keyFile, 0o600)

    const onA = makeProject(root, "on-a")
    const onB = makeProject(root, "on-b")
    const sessionId = randomUUID()
    const original = writeSessionFile(a.projectsDir, onA, sessionId, transcript(onA, sessionId), new Date())

    const publisher = yield* Effect.acquireRelease(
      Effect.promise(() =>
        launch(["publish", "--carry", "--json"], { env: a.env, cwd: onA, launcher: from.exec([]), deadlineMs: 600_000 })
      ),
      (running) =>
        Effect.promise(async () => {
          running.signal("SIGINT")
          await running.done.catch(() => undefined)
        })
    )
    const published = JSON.parse(yield* Effect.promise(() => publisher.waitForLine(() => true)))
    expect(published).toMatchObject({ sessionId, project: onA })

    const picked = yield* Effect.promise(() =>
      b.run(["pickup", "--no-launch", "--json", "-y", "--project-dir", onB, "--timeout", "90s"], {
        deadlineMs: 150_000
      })
    )
    // The publisher's line for this transfer, once pickup says it carried something.
    const transfer = picked.code === 0 && JSON.parse(picked.stdout).carried === true
      ? JSON.parse(
        yield* Effect.promise(() => publisher.waitForLine((line) => JSON.parse(line).event === "transfer"))
      ) as Record<string, unknown>
      : undefined
    console.info(
      `${from.label} -> ${to.label}: pickup exited ${picked.code} in ${picked.ms} ms; ${picked.stdout}${picked.stderr}`
    )
    const placed = join(b.projectsDir, encodeProjectDir(onB), `${sessionId}.jsonl`)
    return { picked, transfer, original, placed } satisfies Carried
  })

/** B has A's session, byte for byte, in its project's folder, carried over a connection both ends call one of `kinds`. */
const expectCarried = (result: Carried, kinds: ReadonlyArray<CarryVia>) => {
  const picked = jsonOf(result.picked)
  expect(picked).toMatchObject({ carried: true })
  expect(picked.carriedBytes).toEqual(expect.any(Number))
  expect(picked.carriedBytes as number).toBeGreaterThan(0)
  expect(kinds).toContain(picked.carriedVia)
  expect(result.transfer?.via).toBe(picked.carriedVia)
  expect(readFileSync(result.placed)).toEqual(readFileSync(result.original))
}

describe("the carried handoff through NATs", () => {
  it.scopedLive("A and B each behind their own NAT: carried by hole punching", () =>
    Effect.gen(function*() {
      const net = yield* Topology.make({ behindNat: { a: "consistent", b: "consistent" } })
      expectCarried(yield* carry(net, net.hosts.a, net.hosts.b), ["holepunch"])
    }))

  // One side public: HyperDHT connects directly once the public node knows it is reachable, and punches
  // (which needs no NAT on that side) until then: both are right (test/nat/hyperdht.test.ts).
  it.scopedLive("A behind a NAT, B on the public side: carried", () =>
    Effect.gen(function*() {
      const net = yield* Topology.make({ behindNat: { a: "consistent" }, public: ["c"] })
      expectCarried(yield* carry(net, net.hosts.a, net.hosts.c), ["holepunch", "direct"])
    }))

  it.scopedLive("A on the public side, B behind a NAT: carried", () =>
    Effect.gen(function*() {
      const net = yield* Topology.make({ behindNat: { b: "consistent" }, public: ["c"] })
      expectCarried(yield* carry(net, net.hosts.c, net.hosts.b), ["holepunch", "direct"])
    }))

  // HyperDHT cannot punch between two randomizing NATs and gives up within a second (hyperdht.test.ts):
  // pickup must end on its own with a network error (exit 6), leaving nothing behind, rather than hang.
  it.scopedLive("A and B each behind a randomizing NAT: a network error, no file, no hang", () =>
    Effect.gen(function*() {
      const net = yield* Topology.make({ behindNat: { a: "random", b: "random" } })
      const result = yield* carry(net, net.hosts.a, net.hosts.b)
      expect(result.picked.code).toBe(6)
      // Told why at once (NoDirectPath), not after waiting out --timeout with a stalled transfer.
      expect(result.picked.stderr).toContain("no direct path between the two networks")
      expect(result.picked.stderr).toContain("randomizing NATs")
      expect(existsSync(result.placed)).toBe(false)
      // No partial or staging file either.
      expect(existsSync(dirname(result.placed)) ? readdirSync(dirname(result.placed)) : []).toEqual([])
    }))
})
