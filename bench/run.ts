/**
 * `npm run bench`: start-up, Argon2id, DHT, handoff and memory figures, each
 * candidate measured side by side with its baseline, and the DHT on a
 * simulated wide area, checked against the bounds of issues 6 and 11. Prints
 * Markdown tables and writes bench/report.json, the charts
 * docs/benchmarks-latency.svg and docs/benchmarks-wide-area.svg, and the
 * figures of docs/benchmarks.md.
 *
 * `npm run bench -- --quick` (what .ci/run executes): networks of 50 and 200
 * nodes, a wide area of 200, few runs, two to three minutes; writes
 * bench/report-quick.json only.
 *
 * Exit codes: 0 done; 1 a bound failed (full run only: the quick run reports
 * the bounds but CI machines are too noisy to fail on them); 2 the benchmark
 * itself failed (a command errored, a record came back wrong).
 */
import { Cause, Console, Duration, Effect, Exit } from "effect"
import { fileURLToPath } from "node:url"
import * as Testnet from "../src/dht/testnet.js"
import * as Argon2 from "./argon2.js"
import { check } from "./bounds.js"
import * as Carry from "./carry.js"
import { writeChart } from "./chart.js"
import * as Dht from "./dht.js"
import { updateDocs } from "./docs.js"
import * as Handoff from "./handoff.js"
import * as Memory from "./memory.js"
import { machine, render, type Report, write } from "./report.js"
import * as Startup from "./startup.js"
import * as WideArea from "./wideArea.js"
import { writeWideAreaChart } from "./wideAreaChart.js"

const quick = process.argv.includes("--quick")

const plan = quick
  ? {
    startupRuns: 6,
    argon2Runs: 3,
    sizes: [50, 200],
    dhtRounds: 5,
    handoffNetwork: 200,
    handoffRounds: 2,
    memoryRuns: 3,
    wideArea: { nodes: 200, rounds: 5, handoffs: 3, sweep: { dead: [0, 0.3], loss: [0, 0.03], rounds: 2 } },
    carry: { sizes: [{ megabytes: 1, rounds: 1 }], overheadRounds: 2 }
  }
  : {
    startupRuns: 20,
    argon2Runs: 10,
    sizes: [50, 200, 500, 1000],
    dhtRounds: 20,
    handoffNetwork: 500,
    handoffRounds: 10,
    memoryRuns: 10,
    wideArea: {
      nodes: 1000,
      rounds: 20,
      handoffs: 25,
      sweep: { dead: [0, 0.15, 0.3, 0.45], loss: [0, 0.03, 0.1], rounds: 6 }
    },
    carry: {
      sizes: [{ megabytes: 1, rounds: 5 }, { megabytes: 10, rounds: 5 }, { megabytes: 100, rounds: 3 }],
      overheadRounds: 6
    }
  }

const REPORT = fileURLToPath(new URL(quick ? "report-quick.json" : "report.json", import.meta.url))

const progress = (line: string) => Console.error(`bench: ${line}`)

/** One network: its DHT figures, and the handoff and memory figures on the handoff network. */
const onNetwork = (size: number) =>
  Effect.scoped(Effect.gen(function*() {
    yield* progress(`starting ${size} DHT nodes`)
    const [started, network] = yield* Effect.timed(Testnet.make(size))
    yield* progress(`DHT publish and resolve on ${size} nodes, ${plan.dhtRounds} rounds`)
    const dht = yield* Dht.measure(network, Duration.toMillis(started), plan.dhtRounds)
    if (size !== plan.handoffNetwork) return { dht }
    yield* progress(`handoff on ${size} nodes, ${plan.handoffRounds} rounds of each key kind`)
    const handoff = { nodes: size, results: yield* Handoff.measure(network, plan.handoffRounds) }
    yield* progress(`pickup peak memory, ${plan.memoryRuns} runs`)
    const memory = { nodes: size, ...yield* Memory.measure(network, plan.memoryRuns) }
    return { dht, handoff, memory }
  }))

const program = Effect.gen(function*() {
  const date = new Date().toISOString()
  const host = machine()
  const [elapsed, measurements] = yield* Effect.timed(Effect.gen(function*() {
    yield* progress(`start-up, ${plan.startupRuns} runs per command`)
    const startup = yield* Startup.measure(plan.startupRuns)
    yield* progress(`Argon2id, ${plan.argon2Runs} runs`)
    const argon2 = yield* Argon2.measure(plan.argon2Runs)
    const networks = yield* Effect.forEach(plan.sizes, onNetwork)
    const last = networks.find((figures) => figures.handoff !== undefined)
    if (last?.handoff === undefined) return yield* Effect.dieMessage("no network ran the handoff")
    yield* progress(`DHT on a wide area of ${plan.wideArea.nodes} nodes`)
    const wideArea = yield* WideArea.measure(plan.wideArea)
    const carry = yield* Carry.measure(plan.carry, progress)
    return {
      startup,
      argon2,
      dht: networks.map((figures) => figures.dht),
      handoff: last.handoff,
      memory: last.memory,
      wideArea,
      carry
    }
  }))
  const report: Report = {
    mode: quick ? "quick" : "full",
    date,
    seconds: Duration.toSeconds(elapsed),
    machine: host,
    ...measurements,
    bounds: check(measurements)
  }
  write(report, REPORT)
  if (!quick) {
    writeChart(report)
    writeWideAreaChart(report.wideArea, report.date)
    updateDocs(report)
  }
  yield* Console.log(render(report))
  return report
})

Effect.runPromiseExit(program).then((exit) => {
  if (Exit.isFailure(exit)) {
    process.stderr.write(`bench: failed\n${Cause.pretty(exit.cause)}\n`)
    process.exitCode = 2
  } else if (!quick && exit.value.bounds.some((bound) => bound.status === "fail")) {
    process.exitCode = 1
  }
})
