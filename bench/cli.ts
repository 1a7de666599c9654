/**
 * The built `cclink` and the bare `node` it is compared with, both started
 * with this Node binary and a bare environment, so the only difference
 * between candidate and baseline is what cclink itself does.
 */
import { fileURLToPath } from "node:url"
import { type ChildOptions, run } from "./child.js"

/** The bundle `npm run build` writes: what users run, not the TypeScript sources. */
export const CLI = fileURLToPath(new URL("../dist/cli.cjs", import.meta.url))

/** A child's environment: a PATH and what the caller adds (HOME, CCLINK_*), nothing else of ours. */
export const environment = (extra: Readonly<Record<string, string>>): Record<string, string> => ({
  PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
  ...extra
})

export const cclink = (args: ReadonlyArray<string>, options: ChildOptions, nodeFlags: ReadonlyArray<string> = []) =>
  run(process.execPath, [...nodeFlags, CLI, ...args], options)

export const node = (args: ReadonlyArray<string>, options: ChildOptions) => run(process.execPath, args, options)
