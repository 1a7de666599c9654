/**
 * npm as a new user runs it, for the package tests: an empty home and npm
 * configuration, with the machine's npm cache (what `npm ci` fetched for the
 * repository) and certificate authorities, and nothing else of its settings.
 */
import { execFile, execFileSync } from "node:child_process"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { promisify } from "node:util"

const run = promisify(execFile)

/** `npm <args>` in `cwd`: its stdout and stderr, or a rejection with both. */
export const npm = async (args: ReadonlyArray<string>, cwd: string, env: NodeJS.ProcessEnv) =>
  run("npm", args, { cwd, env, maxBuffer: 64 * 1024 * 1024 })

const machineConfig = (key: string) => execFileSync("npm", ["config", "get", key], { encoding: "utf8" }).trim()

/** The machine's npm cache and certificate authorities: not the user's settings. */
const machine = { cache: machineConfig("cache"), cafile: machineConfig("cafile") }

/** A new user's npm in `dir`: an empty home and configuration, the machine's cache and certificates. */
export const newUser = (dir: string): NodeJS.ProcessEnv => {
  const home = join(dir, "home")
  mkdirSync(home, { recursive: true })
  writeFileSync(join(home, ".npmrc"), "")
  const global = join(dir, "npmrc")
  writeFileSync(global, machine.cafile === "null" || machine.cafile === "" ? "" : `cafile=${machine.cafile}\n`)
  return {
    HOME: home,
    PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
    npm_config_userconfig: join(home, ".npmrc"),
    npm_config_globalconfig: global,
    npm_config_cache: machine.cache,
    npm_config_update_notifier: "false",
    npm_config_fund: "false",
    npm_config_audit: "false"
  }
}

/**
 * An install offline from the machine's cache. npm resolves a package's
 * dependencies from the registry's metadata about each (its packument),
 * which `npm ci` never fetches: it installs the locked tarballs alone. So
 * the same install first runs into `rehearsal` with `--prefer-offline`,
 * which fetches what metadata the cache lacks and takes the rest from it;
 * then `install` runs into `target` with `--offline`, the one that counts.
 */
export const installOffline = async <A>(
  install: (into: string, mode: "--prefer-offline" | "--offline") => Promise<A>,
  target: string,
  rehearsal: string
): Promise<A> => {
  try {
    await install(rehearsal, "--prefer-offline")
  } finally {
    rmSync(rehearsal, { recursive: true, force: true })
  }
  return install(target, "--offline")
}
