/** The wide-area section of the benchmark's report (bench/wideArea.ts), as Markdown. */
import { ms, p50p95, table, x } from "./markdown.js"
import type { Counts, WideAreaResult } from "./wideArea.js"

const percent = (share: number) => `${Math.round(share * 100)}%`
const counts = (c: Counts) => `${c.median} / ${c.min}`

export const renderWideArea = (w: WideAreaResult): string => {
  const s = w.scenario
  const losses = [...new Set(w.sweep.map((point) => point.loss))]
  const deads = [...new Set(w.sweep.map((point) => point.dead))]
  const at = (dead: number, loss: number) => w.sweep.find((point) => point.dead === dead && point.loss === loss)
  return [
    `### DHT on a wide area: ${w.nodes} nodes, ${s.medianDelayMs} ms median reply delay, ${percent(s.loss)} loss, ` +
    `${percent(s.dead)} dead, ${percent(s.withoutBep44)} without BEP 44 (ms, p50 / p95; ${w.resolveMs.n} in-process ` +
    `rounds, ${w.cold.pickupMs.n} handoffs per cache state; network seeds ${w.seeds.join(", ")})`,
    "",
    table(
      ["operation", "ms"],
      [
        ["in-process resolve, fresh client", p50p95(w.resolveMs)],
        ["RTT floor of the same resolves", p50p95(w.floorMs)],
        ["resolve over floor (ratio of medians)", x(w.resolveOverFloor)],
        ["in-process publish, fresh client", p50p95(w.publishMs)],
        ["`cclink publish`, cold routing cache", p50p95(w.cold.publishMs)],
        ["`cclink publish`, warm routing cache", p50p95(w.warm.publishMs)],
        ["`cclink pickup --no-launch`, cold routing cache", p50p95(w.cold.pickupMs)],
        ["`cclink pickup --no-launch`, warm routing cache", p50p95(w.warm.pickupMs)]
      ]
    ),
    "",
    `Where each publish landed (p50 / lowest, ${w.storedOn.n} publishes):`,
    "",
    table(
      [
        "stored on (acknowledged)",
        "of the 20 nearest a lookup of its own finds, holding it",
        "of the 20 truly nearest (read from the nodes), holding it",
        "pickups returning the newest record"
      ],
      [[
        counts(w.storedOn),
        counts(w.nearestHolding),
        counts(w.trulyNearestHolding),
        `${w.newestPickups.newest} of ${w.newestPickups.total}`
      ]]
    ),
    "",
    `In-process resolve / publish p50 (ms) against loss and dead nodes, ${
      w.sweep[0]?.resolveMs.n ?? 0
    } rounds each, the other conditions as above:`,
    "",
    table(
      ["dead", ...losses.map((loss) => `${percent(loss)} loss`)],
      deads.map((dead) => [
        percent(dead),
        ...losses.map((loss) => {
          const point = at(dead, loss)
          return point === undefined ? "-" : `${ms(point.resolveMs.median)} / ${ms(point.publishMs.median)}`
        })
      ])
    )
  ].join("\n")
}
