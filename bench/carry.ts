/**
 * Carried handoffs on loopback (issue 10): `cclink publish <id> --carry
 * --burn` on home A, then `cclink pickup --no-launch` on home B, which has no
 * copy of the conversation, for realistic JSON-lines transcripts of 1, 10
 * and 100 MB, on a local Mainline network and a local carry network in this
 * process. Measured: the time from starting the publisher to the end of the
 * pickup (packing, both encryptions, compression, the transfer, unpacking
 * and placing: everything but typing the command), its throughput, and the
 * peak resident memory of both processes. And, side by side, what carrying
 * 1 MB adds to a pickup: a plain handoff's pickup (session synced) against a
 * carried one's.
 */
import { Deferred, Effect } from "effect"
import { spawn } from "node:child_process"
import { randomUUID } from "node:crypto"
import { linkSync, mkdirSync } from "node:fs"
import { join } from "node:path"
import * as CarryTestnet from "../src/carry/testnet.js"
import * as Testnet from "../src/dht/testnet.js"
import { encodeProjectDir } from "../src/domain/projectDir.js"
import { writeTranscript } from "../test/support/transcript.js"
import type { Finished } from "./child.js"
import { cclink, CLI, environment } from "./cli.js"
import { type Home, tempDir, withKey, withSameKey } from "./homes.js"
import { mb, p50p95, table } from "./markdown.js"
import { peakKiB, REPORT_PEAK } from "./memory.js"
import { summarize, type Summary } from "./stats.js"

export interface CarryPlan {
  /** Transcript sizes in MB (10^6 bytes), with the rounds of each. */
  readonly sizes: ReadonlyArray<{ readonly megabytes: number; readonly rounds: number }>
  /** Rounds of the plain against carried 1 MB pickup comparison. */
  readonly overheadRounds: number
}

export interface CarrySize {
  readonly megabytes: number
  /** The encrypted archive that travelled. */
  readonly archiveBytes: number
  /** From starting the publisher until it serves: packing, compressing, encrypting, announcing, publishing. */
  readonly serveMs: Summary
  /** The carried pickup, as a whole command. */
  readonly pickupMs: Summary
  /** Publisher start to pickup end. */
  readonly totalMs: Summary
  /** Transcript MB over the total, in seconds. */
  readonly throughputMBs: Summary
  readonly publisherPeakKiB: Summary
  readonly pickerPeakKiB: Summary
}

export interface CarryResult {
  readonly nodes: number
  readonly sizes: ReadonlyArray<CarrySize>
  /**
   * `pickup --no-launch` of a plain handoff against a carried 1 MB one,
   * interleaved; and the plain pickup's peak memory, the baseline the carried
   * figures add to.
   */
  readonly overhead: { readonly plainMs: Summary; readonly carriedMs: Summary; readonly plainPeakKiB: Summary }
}

const NODES = 50
const CARRY_NODES = 10

/**
 * `cclink publish --carry` in the background: resolves once it serves (the
 * milliseconds since it started), with an effect for its end.
 */
const startServing = (args: ReadonlyArray<string>, env: Record<string, string>, cwd: string) =>
  Effect.gen(function*() {
    const ready = yield* Deferred.make<number>()
    const ended = yield* Deferred.make<Finished>()
    const started = performance.now()
    const child = spawn(process.execPath, ["--import", REPORT_PEAK, CLI, ...args], {
      env,
      cwd,
      stdio: ["ignore", "pipe", "pipe", "pipe"]
    })
    const output = { stdout: "", stderr: "", fd3: "" }
    child.stdout!.on("data", (chunk: Buffer) => {
      output.stdout += chunk.toString()
      if (output.stdout.includes("\"event\":\"serving\"")) {
        Deferred.unsafeDone(ready, Effect.succeed(performance.now() - started))
      }
    })
    child.stderr!.on("data", (chunk: Buffer) => (output.stderr += chunk.toString()))
    ;(child.stdio[3] as NodeJS.ReadableStream).on("data", (chunk: Buffer) => (output.fd3 += chunk.toString()))
    child.once("close", (code) => {
      const finished = Effect.succeed({ ms: performance.now() - started, ...output })
      const failed = Effect.dieMessage(`publish --carry exited with ${code}:\n${output.stderr.slice(-2000)}`)
      Deferred.unsafeDone(ended, code === 0 ? finished : failed)
      Deferred.unsafeDone(ready, failed)
    })
    yield* Effect.addFinalizer(() => Effect.sync(() => child.kill("SIGKILL")))
    return { readyMs: yield* Deferred.await(ready), ended: Deferred.await(ended) }
  })

interface Machines {
  readonly a: Home
  readonly b: Home
  readonly project: string
  readonly network: Readonly<Record<string, string>>
}

const machines = (bootstrap: ReadonlyArray<string>, carryBootstrap: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const a = yield* withKey("plaintext")
    const b = yield* withSameKey(a, "plaintext")
    const project = yield* tempDir("cclink-bench-carry-project-")
    const network = { CCLINK_BOOTSTRAP: bootstrap.join(","), CCLINK_CARRY_BOOTSTRAP: carryBootstrap.join(",") }
    return { a, b, project, network } satisfies Machines
  })

/** A session on A made of `template` (a hard link: instant at any size), under a fresh id. */
const sessionFrom = (m: Machines, template: string) => {
  const id = randomUUID()
  const folder = join(m.a.dir, ".claude", "projects", encodeProjectDir(m.project))
  mkdirSync(folder, { recursive: true })
  linkSync(template, join(folder, `${id}.jsonl`))
  return id
}

const pickupJson = (m: Machines, nodeFlags: ReadonlyArray<string>) =>
  Effect.map(
    cclink(
      ["pickup", "--no-launch", "--json"],
      { env: environment({ ...m.b.env, ...m.network }), cwd: m.b.dir },
      nodeFlags
    ),
    (finished) => ({ finished, json: JSON.parse(finished.stdout) as Record<string, unknown> })
  )

/** One carried handoff of the session `id`: its figures, checked to be the carried session. */
const carriedRound = (m: Machines, id: string, megabytes: number) =>
  Effect.scoped(Effect.gen(function*() {
    const env = environment({ ...m.a.env, ...m.network })
    const publisher = yield* startServing(["publish", id, "--carry", "--burn", "--json"], env, m.project)
    const { finished, json } = yield* pickupJson(m, ["--import", REPORT_PEAK])
    if (json.sessionId !== id || json.carried !== true) {
      return yield* Effect.dieMessage("the pickup did not carry the session")
    }
    const served = yield* publisher.ended
    const totalMs = publisher.readyMs + finished.ms
    return {
      serveMs: publisher.readyMs,
      pickupMs: finished.ms,
      totalMs,
      throughput: megabytes / (totalMs / 1000),
      archiveBytes: json.carriedBytes as number,
      publisherPeak: yield* peakKiB(served),
      pickerPeak: yield* peakKiB(finished)
    }
  }))

const measureSize = (m: Machines, megabytes: number, rounds: number) =>
  Effect.gen(function*() {
    const template = join(m.a.dir, `transcript-${megabytes}.jsonl`)
    yield* Effect.sync(() => writeTranscript(template, megabytes * 1e6, randomUUID(), m.project))
    // One unmeasured round: the bundle's code cache and the page cache are warm afterwards, as for users.
    yield* carriedRound(m, sessionFrom(m, template), megabytes)
    const runs: Array<Effect.Effect.Success<ReturnType<typeof carriedRound>>> = []
    for (let round = 0; round < rounds; round++) runs.push(yield* carriedRound(m, sessionFrom(m, template), megabytes))
    const of = (pick: (run: typeof runs[number]) => number) => summarize(runs.map(pick))
    return {
      megabytes,
      archiveBytes: runs[0]!.archiveBytes,
      serveMs: of((run) => run.serveMs),
      pickupMs: of((run) => run.pickupMs),
      totalMs: of((run) => run.totalMs),
      throughputMBs: of((run) => run.throughput),
      publisherPeakKiB: of((run) => run.publisherPeak),
      pickerPeakKiB: of((run) => run.pickerPeak)
    } satisfies CarrySize
  })

/** Plain and carried 1 MB pickups, interleaved: the plain handoff's session is on B, the carried one's is not. */
const measureOverhead = (m: Machines, rounds: number) =>
  Effect.gen(function*() {
    const template = join(m.a.dir, "transcript-overhead.jsonl")
    yield* Effect.sync(() => writeTranscript(template, 1e6, randomUUID(), m.project))
    const plain = Effect.gen(function*() {
      const id = sessionFrom(m, template)
      const synced = join(m.b.dir, ".claude", "projects", encodeProjectDir(m.project))
      yield* Effect.sync(() => {
        mkdirSync(synced, { recursive: true })
        linkSync(template, join(synced, `${id}.jsonl`))
      })
      yield* cclink(["publish", id, "--json"], { env: environment({ ...m.a.env, ...m.network }), cwd: m.project })
      const { finished } = yield* pickupJson(m, ["--import", REPORT_PEAK])
      return { ms: finished.ms, peak: yield* peakKiB(finished) }
    })
    const carried = Effect.map(carriedRound(m, sessionFrom(m, template), 1), (run) => run.pickupMs)
    const plains: Array<{ readonly ms: number; readonly peak: number }> = []
    const carriedMs: Array<number> = []
    yield* Effect.zip(plain, carried)
    for (let round = 0; round < rounds; round++) {
      if (round % 2 === 0) {
        plains.push(yield* plain)
        carriedMs.push(yield* carried)
      } else {
        carriedMs.push(yield* carried)
        plains.push(yield* plain)
      }
    }
    return {
      plainMs: summarize(plains.map(({ ms }) => ms)),
      carriedMs: summarize(carriedMs),
      plainPeakKiB: summarize(plains.map(({ peak }) => peak))
    }
  })

export const measure = (plan: CarryPlan, progress: (line: string) => Effect.Effect<void>) =>
  Effect.scoped(Effect.gen(function*() {
    yield* progress(`carried handoffs: ${NODES} DHT nodes and ${CARRY_NODES} carry nodes`)
    const dht = yield* Testnet.make(NODES)
    const carry = yield* CarryTestnet.make(CARRY_NODES)
    const m = yield* machines(dht.bootstrap, carry.bootstrap)
    const sizes: Array<CarrySize> = []
    for (const { megabytes, rounds } of plan.sizes) {
      yield* progress(`carried handoff of a ${megabytes} MB transcript, ${rounds} rounds`)
      sizes.push(yield* measureSize(m, megabytes, rounds))
    }
    yield* progress(`plain against carried 1 MB pickup, ${plan.overheadRounds} rounds`)
    return { nodes: NODES, sizes, overhead: yield* measureOverhead(m, plan.overheadRounds) } satisfies CarryResult
  }))

/** The carried handoff rows, as a Markdown section. */
export const renderCarry = (result: CarryResult) =>
  [
    `### Carried handoff on loopback, \`publish --carry --burn\` then \`pickup --no-launch\`, ${result.nodes} DHT nodes (p50 / p95)`,
    "",
    table(
      [
        "transcript",
        "archive",
        "rounds",
        "serving after (ms)",
        "pickup (ms)",
        "end to end (ms)",
        "MB/s",
        "publisher peak MB",
        "picker peak MB"
      ],
      result.sizes.map((size) => [
        `${size.megabytes} MB`,
        `${(size.archiveBytes / 1e6).toFixed(2)} MB`,
        String(size.totalMs.n),
        p50p95(size.serveMs),
        p50p95(size.pickupMs),
        p50p95(size.totalMs),
        p50p95(size.throughputMBs, (value) => value.toFixed(1)),
        p50p95(size.publisherPeakKiB, mb),
        p50p95(size.pickerPeakKiB, mb)
      ])
    ),
    "",
    `Pickup of a 1 MB transcript, interleaved, ${result.overhead.plainMs.n} runs each: plain handoff (session synced) ${
      p50p95(result.overhead.plainMs)
    } ms, carried ${p50p95(result.overhead.carriedMs)} ms. A plain pickup peaked at ${
      p50p95(result.overhead.plainPeakKiB, mb)
    } MB in the same run: the baseline the carried figures add to.`
  ].join("\n")
