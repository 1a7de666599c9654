/**
 * The harness itself: the NATs behave as the docs say (the router's address
 * on the way out, one public port per socket or a new one per destination,
 * nothing unsolicited in), nothing leaves the namespaces, the namespaces go
 * with their scope however it ends, a killed run's leftovers are swept (and
 * nobody else's), a machine that cannot run the suite is told so, and a
 * process a signal ended reports it as a shell does.
 */
import { describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber } from "effect"
import { execFileSync, spawn, spawnSync } from "node:child_process"
import { once } from "node:events"
import { join } from "node:path"
import { expect } from "vitest"
import { tools } from "./support/preflight.js"
import { child, REPO, spawnScoped } from "./support/processes.js"
import * as Topology from "./support/topology.js"

const PORT = "4000"

/** One datagram from one socket on `from` to each of `targets`; the listeners' lines and the replies. */
const send = (from: Topology.Host, targets: ReadonlyArray<Topology.Host>) =>
  Effect.gen(function*() {
    const listeners = yield* Effect.forEach(targets, (target) =>
      Effect.gen(function*() {
        const listener = yield* child(target, "udp", ["listen", PORT])
        yield* listener.waitForLine((line) => "listening" in line)
        return listener
      }))
    const sender = yield* child(from, "udp", ["send", ...targets.map((target) => `${target.address}:${PORT}`)])
    const { replies } = yield* sender.waitForLine((line) => "replies" in line)
    const seen = yield* Effect.forEach(listeners, (listener) =>
      listener.waitForLine((line) => "from" in line).pipe(Effect.map((line) => String(line.from))))
    return { seen, replies: replies as Array<string> }
  })

const ip = (...args: Array<string>) => execFileSync(tools().ip, args, { encoding: "utf8" })
const hostLinks = () => ip("-o", "link", "show").split("\n").map((line) => line.split(":")[1]?.trim()).sort()

describe("the NATs", () => {
  it.scopedLive("a consistent NAT: the router's address, one public port per socket whatever the destination", () =>
    Effect.gen(function*() {
      const net = yield* Topology.make({ behindNat: { a: "consistent" }, public: ["c"] })
      const { seen, replies } = yield* send(net.hosts.a, [net.internet, net.hosts.c])
      const [first, second] = seen.map((from) => from.split(":"))
      expect(first![0]).toBe(net.hosts.a.publicAddress)
      expect(second![0]).toBe(net.hosts.a.publicAddress)
      expect(first![1]).toBe(second![1])
      // The answers come back through the mapping.
      expect(replies.sort()).toEqual([`${net.hosts.c.address}:${PORT}`, `${net.internet.address}:${PORT}`].sort())
    }))

  it.scopedLive("a randomizing NAT: a new public port for each destination", () =>
    Effect.gen(function*() {
      const net = yield* Topology.make({ behindNat: { b: "random" }, public: ["c"] })
      const { seen, replies } = yield* send(net.hosts.b, [net.internet, net.hosts.c])
      const [first, second] = seen.map((from) => from.split(":"))
      expect([first![0], second![0]]).toEqual([net.hosts.b.publicAddress, net.hosts.b.publicAddress])
      expect(first![1]).not.toBe(second![1])
      expect(replies).toHaveLength(2)
    }))

  it.scopedLive("nothing unsolicited gets in through a router's WAN: not to the router, not to its machine", () =>
    Effect.gen(function*() {
      const net = yield* Topology.make({ behindNat: { a: "consistent" }, public: ["c"] })
      const router = net.hosts.a.router!
      // Something listens on the router itself and on the machine behind it; a public machine sends to the WAN.
      const listeners = yield* Effect.forEach([router, net.hosts.a], (host) =>
        Effect.gen(function*() {
          const listener = yield* child(host, "udp", ["listen", PORT])
          yield* listener.waitForLine((line) => "listening" in line)
          return listener
        }))
      const probe = yield* child(net.hosts.c, "udp", ["send", `${router.address}:${PORT}`])
      expect((yield* probe.waitForLine((line) => "replies" in line)).replies).toEqual([])
      for (const listener of listeners) expect(listener.lines()).toHaveLength(1)
      // The same datagram from the machine's side goes out and is answered: the listeners were up.
      expect((yield* send(net.hosts.a, [net.hosts.c])).replies).toHaveLength(1)
    }))
})

describe("the topology", () => {
  it.scopedLive("has no route beyond the test ranges and adds nothing to the host's own namespace", () =>
    Effect.gen(function*() {
      const before = hostLinks()
      const net = yield* Topology.make({ behindNat: { a: "consistent", b: "random" }, public: ["c"] })
      expect(hostLinks()).toEqual(before)
      for (const ns of net.namespaces) {
        for (const route of ip("-n", ns, "-4", "route", "show").trim().split("\n")) {
          expect(route, `${ns}: ${route}`).toMatch(
            /^(198\.18\.0\.0\/15 |192\.168\.\d\.0\/24 |default via 192\.168\.\d\.1 )/
          )
        }
      }
      // A router, the public host and a public machine cannot even pick a way to an outside address.
      for (const host of [net.hosts.a.router!, net.internet, net.hosts.c]) {
        expect(() => execFileSync(tools().ip, ["-n", host.namespace, "route", "get", "203.0.113.1"], { stdio: "pipe" }))
          .toThrow(/unreachable/)
      }
    }))

  it.live("is gone when its scope closes: on success, on failure, on interruption, with what ran inside", () =>
    Effect.gen(function*() {
      const build = Topology.make({ behindNat: { a: "consistent" }, public: ["c"] }).pipe(
        Effect.tap((net) => child(net.hosts.a, "udp", ["listen", PORT]))
      )
      yield* Effect.scoped(build)
      expect(yield* Topology.ownNamespaces).toEqual([])

      const failed = yield* Effect.exit(Effect.scoped(build.pipe(Effect.zipRight(Effect.fail("boom")))))
      expect(Exit.isFailure(failed)).toBe(true)
      expect(yield* Topology.ownNamespaces).toEqual([])

      // What a test's timeout does: @effect/vitest interrupts the test's fiber.
      const running = yield* Effect.fork(Effect.scoped(build.pipe(Effect.zipRight(Effect.never))))
      yield* Effect.sleep("1 second")
      expect((yield* Topology.ownNamespaces).length).toBe(4)
      yield* Fiber.interrupt(running)
      expect(yield* Topology.ownNamespaces).toEqual([])
    }))

  it.scopedLive("a run's leftovers are swept once its process is gone, with what still runs there; a live run's are not", () =>
    Effect.gen(function*() {
      const gone = spawn("true")
      yield* Effect.promise(() => once(gone, "exit"))
      const stale = `${Topology.PREFIX}${gone.pid}-dead00-net`
      const live = `${Topology.PREFIX}${process.ppid}-live00-net`
      const foreign = `not${Topology.PREFIX}${gone.pid}-net`
      yield* Effect.acquireRelease(
        Effect.sync(() => [stale, live, foreign].forEach((ns) => ip("netns", "add", ns))),
        // The sweep removed the stale one already, as the test expects: only the others are left to delete.
        () => Effect.sync(() => [stale, live, foreign].forEach((ns) => spawnSync(tools().ip, ["netns", "delete", ns])))
      )
      // A process left running in the stale namespace, as a killed run leaves its children.
      const orphan = spawn(tools().ip, ["netns", "exec", stale, "sleep", "600"], { stdio: "ignore" })
      const killed = once(orphan, "exit")
      while (!ip("netns", "pids", stale).split("\n").includes(String(orphan.pid))) yield* Effect.sleep("20 millis")

      // Another test file's topology, built meanwhile, may sweep it first: the same code, so either counts.
      yield* Topology.sweepStale
      expect(yield* Effect.promise(() => killed)).toEqual([null, "SIGKILL"])
      const left = ip("netns", "list")
      expect(left).not.toContain(stale)
      expect(left).toContain(live)
      expect(left).toContain(foreign)
    }))

  it("refuses to run unprivileged, in one line saying what it needs", async () => {
    // The check runs as the user nobody, who must be able to read the repository to start it at all.
    const script = join(REPO, "test", "nat", "children", "preflight.ts")
    const tsx = join(REPO, "node_modules", "tsx", "package.json")
    const readable = spawnSync("runuser", [
      "-u",
      "nobody",
      "--",
      "sh",
      "-c",
      "test -r \"$1\" && test -r \"$2\"",
      "sh",
      script,
      tsx
    ])
    if (readable.status !== 0) {
      expect.fail(
        `the user nobody, whom this test runs the check as, cannot read the repository (${REPO}): ` +
          "clone it where every user may read it (not under /root) to run this test"
      )
    }
    const unprivileged = spawn("runuser", [
      "-u",
      "nobody",
      "--",
      process.execPath,
      "--import",
      "tsx",
      "test/nat/children/preflight.ts"
    ], { cwd: REPO, env: { PATH: process.env.PATH ?? "", HOME: "/tmp" } })
    let out = ""
    unprivileged.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()))
    await once(unprivileged, "close")
    expect(JSON.parse(out)).toEqual({ result: expect.stringMatching(/^needs root: /) })
  })
})

describe("the processes", () => {
  it.scopedLive("a process that a signal ended exits with 128 and the signal's number, as a shell reports it", () =>
    Effect.gen(function*() {
      for (const [signal, code] of [["KILL", 137], ["TERM", 143], ["INT", 130]] as const) {
        const killed = yield* spawnScoped(["sh", "-c", `kill -${signal} $$`])
        expect(yield* killed.exited, signal).toBe(code)
      }
    }))
})
