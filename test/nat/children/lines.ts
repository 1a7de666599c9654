/**
 * How the NAT tests' child processes talk to the test: one JSON object per
 * stdout line, and a clean stop on SIGTERM (the test's scope sends it).
 */
export const emit = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`)

/** Runs `stop` once on SIGTERM or SIGINT, then exits. */
export const onStop = (stop: () => Promise<void>) => {
  const exit = () => {
    stop().finally(() => process.exit(0))
  }
  process.once("SIGTERM", exit)
  process.once("SIGINT", exit)
}
