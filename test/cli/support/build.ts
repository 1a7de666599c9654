/**
 * The CLI the end-to-end tests run: what `npm run build` puts in dist/ (the
 * project's tsup config, then scripts/render-help.mjs for the stored help
 * texts; only the library's type declarations are left out), of the sources
 * as they are now.
 *
 * Built on first use by an e2e test rather than in a vitest globalSetup, so a
 * run of other test files never pays for it (nor fails on someone's
 * half-edited source). It goes to node_modules/.cache/cclink-e2e/<digest of
 * the sources> instead of dist/: unchanged sources are built once for every
 * later run, an edit without `npm run build` is still what gets tested, and a
 * build of dist/ started meanwhile cannot pull a chunk from under a running
 * test. Inside the repository, so the bundle resolves packages as dist/ does.
 *
 * Two test files starting together may both build; each builds into its own
 * staging folder and the first rename wins, so no lock is needed.
 */
import { execFile } from "node:child_process"
import { createHash } from "node:crypto"
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"

const repo = fileURLToPath(new URL("../../..", import.meta.url))
const cache = join(repo, "node_modules", ".cache", "cclink-e2e")
const RENDER_HELP = join("scripts", "render-help.mjs")
/** Builds of older sources are removed once this old: long enough for any run still using one to finish. */
const STALE_MS = 60 * 60 * 1000

const filesUnder = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)])

/** Everything the bundle is made of: the sources, the build config, the dependencies' versions. */
const sourceDigest = (): string => {
  const hash = createHash("sha256")
  const inputs = [
    ...filesUnder(join(repo, "src")),
    ...["tsup.config.ts", "package.json", "package-lock.json", RENDER_HELP].map((file) => join(repo, file))
  ].filter(existsSync).sort()
  for (const file of inputs) hash.update(relative(repo, file)).update("\0").update(readFileSync(file)).update("\0")
  return hash.digest("hex").slice(0, 16)
}

const pruneStale = (keep: string) => {
  for (const name of readdirSync(cache)) {
    const dir = join(cache, name)
    if (dir !== keep && Date.now() - statSync(dir).mtimeMs > STALE_MS) rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Builds into `<staging>/dist`, beside a copy of the help script in
 * `<staging>/scripts`, so the script's own `../dist/` paths land there.
 */
const buildInto = async (staging: string) => {
  const run = promisify(execFile)
  await run("npx", ["tsup", "--silent", "--out-dir", join(staging, "dist")], { cwd: repo })
  mkdirSync(join(staging, "scripts"))
  copyFileSync(join(repo, RENDER_HELP), join(staging, RENDER_HELP))
  await run(process.execPath, [join(staging, RENDER_HELP)], { cwd: repo })
}

const build = async (): Promise<string> => {
  const dir = join(cache, sourceDigest())
  const cli = join(dir, "dist", "cli.cjs")
  if (!existsSync(cli)) {
    const staging = `${dir}.${process.pid}.tmp`
    rmSync(staging, { recursive: true, force: true })
    await buildInto(staging)
    try {
      renameSync(staging, dir)
    } catch {
      // Another test file renamed its identical build into place first.
      rmSync(staging, { recursive: true, force: true })
    }
    pruneStale(dir)
  }
  return cli
}

let built: Promise<string> | undefined

/** The path of the built `cli.cjs`; the first call in a test process builds it when needed. */
export const builtCli = (): Promise<string> => (built ??= build())
