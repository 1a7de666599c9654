/**
 * docs/benchmarks.md keeps its prose by hand; the figures between its two
 * markers are replaced by those of the latest full run.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { render, type Report } from "./report.js"

export const DOCS = fileURLToPath(new URL("../docs/benchmarks.md", import.meta.url))
const BEGIN = "<!-- figures: written by npm run bench, do not edit -->"
const END = "<!-- end of figures -->"

export const updateDocs = (report: Report, path = DOCS) => {
  const text = readFileSync(path, "utf8")
  const begin = text.indexOf(BEGIN)
  const end = text.indexOf(END)
  if (begin === -1 || end < begin) throw new Error(`${path} lacks the figure markers`)
  const figures = [
    render(report),
    "![Publish and resolve latency against network size](benchmarks-latency.svg)",
    "![Wide-area resolve and publish latency against loss and dead nodes](benchmarks-wide-area.svg)"
  ].join("\n\n")
  writeFileSync(path, `${text.slice(0, begin + BEGIN.length)}\n\n${figures}\n\n${text.slice(end)}`)
}
