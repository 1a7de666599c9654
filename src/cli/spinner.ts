/**
 * What the DHT is doing, on stderr while a person watches: nodes contacted,
 * answers seen. Nothing at all in a pipe or with `--json`, so scripts read
 * clean output.
 */
import { Effect } from "effect"
import yoctoSpinner from "yocto-spinner"
import type { DhtOptions, DhtProgress } from "../services/Dht.js"

/**
 * Runs `use` with progress callbacks that drive a spinner labelled `label`;
 * the spinner always stops, whatever `use` does.
 */
export const withSpinner = <A, E, R>(
  label: string,
  quiet: boolean,
  use: (options: DhtOptions) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> => {
  if (quiet || process.stderr.isTTY !== true) {
    return use({})
  }
  return Effect.acquireUseRelease(
    Effect.sync(() => yoctoSpinner({ text: label, stream: process.stderr, handleSignals: false }).start()),
    (spinner) =>
      use({
        onProgress: ({ answers, contacted }: DhtProgress) => {
          spinner.text = `${label} (${contacted} nodes contacted, ${answers} answered)`
        }
      }),
    (spinner) => Effect.sync(() => spinner.stop())
  )
}
