/**
 * How a transfer shows while a person waits: a bar on a terminal (drawn in
 * the text of the spinner the DHT lookups already use, yocto-spinner, so
 * every wait in cclink looks and behaves alike, and no progress library is
 * added for one line), a line at the start and one at the end otherwise, and
 * nothing at all with `--json`, so scripts read clean output.
 */
import { Console, Effect } from "effect"
import yoctoSpinner from "yocto-spinner"
import { formatBytes } from "../show.js"

const WIDTH = 24

const bar = (done: number, total: number) => {
  const filled = Math.round((done / total) * WIDTH)
  return `[${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ${formatBytes(done)} of ${formatBytes(total)}`
}

/** Runs `use` with a progress callback for `total` bytes, labelled `label`; the bar always stops. */
export const withProgress = <A, E, R>(
  label: string,
  total: number,
  quiet: boolean,
  use: (onProgress: (done: number) => void) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> => {
  if (quiet) return use(() => {})
  if (process.stderr.isTTY !== true) {
    return Effect.zipRight(Console.error(`${label} (${formatBytes(total)})...`), use(() => {}))
  }
  return Effect.acquireUseRelease(
    Effect.sync(() =>
      yoctoSpinner({ text: `${label} ${bar(0, total)}`, stream: process.stderr, handleSignals: false }).start()
    ),
    (spinner) =>
      use((done) => {
        spinner.text = `${label} ${bar(done, total)}`
      }),
    (spinner) => Effect.sync(() => spinner.stop())
  )
}
