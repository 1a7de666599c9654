/**
 * The package as a new user gets it. The tarball `npm pack` builds (through
 * `prepack`) from the working tree holds the bundles, the library and its
 * types and nothing else, and a package.json without the repository's
 * scripts (scripts/packed-manifest.mjs), so it installs with scripts on
 * without a warning. `npm install -g` of it, by a new user (empty home
 * and npm configuration), offline from the machine's npm cache (once a
 * rehearsal fetched the registry metadata `npm ci` leaves out of it:
 * ./support/npm.ts) and with install scripts off, takes at most 40 MB,
 * fetches only the native addons the CLI loads, and the installed `cclink`
 * answers --version and --help and runs a handoff on a local DHT, falling
 * back to hash-wasm where the native Argon2 cannot load. The library's types
 * compile in a project with its peers, its own declarations checked too
 * (the README's example, which then runs). A git URL of the repository
 * builds into the same package.
 */
import { execFile, execFileSync } from "node:child_process"
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync
} from "node:fs"
import { isBuiltin } from "node:module"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { renderHelp } from "../../src/cli/main.js"
import { stripAnsi } from "../../src/cli/style.js"
import { NATIVE_ADDONS } from "../../tsup.config.js"
import { jsonOf, start } from "../cli/support/cli.js"
import { makePair, useRoot } from "../cli/support/machines.js"
import { installOffline, newUser, npm } from "./support/npm.js"

const repo = fileURLToPath(new URL("../..", import.meta.url))
const manifest = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as {
  readonly version: string
  readonly dependencies: Record<string, string>
  readonly peerDependencies: Record<string, string>
  readonly peerDependenciesMeta: Record<string, { readonly optional?: boolean }>
}
const work = realpathSync(mkdtempSync(join(tmpdir(), "cclink-install-")))
afterAll(() => rmSync(work, { recursive: true, force: true }))
const root = useRoot()

/** What the package may hold: the command line's bundles and help, the library and its types. */
const SHIPPED = [
  /^package\.json$/,
  /^README\.md$/,
  /^dist\/(cli|direct|cclink)\.cjs$/,
  /^dist\/help\.json$/,
  /^dist\/lib\/index\.js$/,
  /^dist\/lib\/[\w/]+\.d\.ts$/
]
const MAX_INSTALL_BYTES = 40_000_000

const run = promisify(execFile)

/** The working tree as a clone has it: every file git tracks or would track, none it ignores. */
const copyWorkingTree = (into: string) => {
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: repo,
    encoding: "utf8"
  }).split("\0").filter((file) => file !== "" && existsSync(join(repo, file)))
  for (const file of files) {
    mkdirSync(dirname(join(into, file)), { recursive: true })
    copyFileSync(join(repo, file), join(into, file))
  }
}

/**
 * `npm install -g <tarball>` into a new prefix, as a new user, offline; with
 * install scripts off unless `scripts`. Its stderr: npm's warnings.
 */
const installGlobally = async (tarball: string, name: string, { scripts = false } = {}) => {
  const prefix = join(work, name, "prefix")
  const user = newUser(join(work, name))
  const { stderr } = await installOffline(
    (into, mode) =>
      npm(["install", "-g", tarball, "--prefix", into, mode, ...(scripts ? [] : ["--ignore-scripts"])], work, user),
    prefix,
    join(work, name, "rehearsal")
  )
  return {
    prefix,
    cli: join(prefix, "bin", "cclink"),
    installed: join(prefix, "lib", "node_modules", "cclink"),
    stderr
  }
}

const sizeOf = (path: string): number =>
  statSync(path).isDirectory()
    ? readdirSync(path).reduce((total, entry) => total + sizeOf(join(path, entry)), 0)
    : statSync(path).size

/** The packages installed beside the package, scoped names included. */
const packagesUnder = (nodeModules: string): Array<string> =>
  readdirSync(nodeModules).filter((name) => !name.startsWith(".")).flatMap((name) =>
    name.startsWith("@") ? readdirSync(join(nodeModules, name)).map((inner) => `${name}/${inner}`) : [name]
  )

/** Every bare module name the library's bundle loads. */
const importsOf = (source: string): Set<string> =>
  new Set(
    [...source.matchAll(/(?:from\s*|import\(\s*|require\(\s*)"([^"./][^"]*)"/g)].map(([, specifier]) =>
      specifier!.startsWith("@") ? specifier!.split("/").slice(0, 2).join("/") : specifier!.split("/")[0]!
    )
  )

const isNativeAddon = (name: string) => NATIVE_ADDONS.some((addon) => name === addon || name.startsWith(`${addon}-`))

/**
 * The native addons and, transitively, the packages they depend on (the few
 * small ones sodium-native and udx-native load their binaries with), as
 * installed under `nodeModules`: all a user's install may hold.
 */
const addonClosure = (nodeModules: string): Set<string> => {
  const found = new Set<string>()
  const visit = (name: string) => {
    const manifestFile = join(nodeModules, name, "package.json")
    if (found.has(name) || !existsSync(manifestFile)) return
    found.add(name)
    const { dependencies = {}, optionalDependencies = {} } = JSON.parse(readFileSync(manifestFile, "utf8")) as {
      readonly dependencies?: Record<string, string>
      readonly optionalDependencies?: Record<string, string>
    }
    for (const dependency of [...Object.keys(dependencies), ...Object.keys(optionalDependencies)]) visit(dependency)
  }
  for (const addon of NATIVE_ADDONS) visit(addon)
  return found
}

describe("package.json", () => {
  it("depends on the native addons the bundles leave outside (tsup.config.ts), and nothing else", () => {
    expect(Object.keys(manifest.dependencies).sort()).toEqual([...NATIVE_ADDONS].sort())
  })

  it("declares effect and the @effect packages the library shares with its caller as optional peers", () => {
    const peers = Object.keys(manifest.peerDependencies)
    expect(peers).toContain("effect")
    for (const peer of peers) {
      expect(peer === "effect" || peer.startsWith("@effect/"), peer).toBe(true)
      expect(manifest.peerDependenciesMeta[peer]?.optional, peer).toBe(true)
    }
  })
})

/** `npm pack` of the working tree, once for the file: the tarball and the files it holds. */
let packing: Promise<{ readonly tarball: string; readonly files: ReadonlyArray<string> }> | undefined
const packed = () =>
  packing ??= (async () => {
    const sources = join(work, "sources")
    copyWorkingTree(sources)
    symlinkSync(join(repo, "node_modules"), join(sources, "node_modules"))
    // `prepack` builds dist/ and prints on stdout before npm's JSON.
    const { stdout } = await npm(["pack", "--json", "--pack-destination", work], sources, { ...process.env })
    const [result] = JSON.parse(stdout.slice(stdout.search(/^\[/m))) as [
      { readonly filename: string; readonly files: ReadonlyArray<{ readonly path: string }> }
    ]
    return { tarball: join(work, result.filename), files: result.files.map((file) => file.path) }
  })()

describe("the packed tarball", () => {
  let tarball = ""
  let files: ReadonlyArray<string> = []
  let global: Awaited<ReturnType<typeof installGlobally>>

  beforeAll(async () => {
    ;({ files, tarball } = await packed())
    global = await installGlobally(tarball, "tarball")
  }, 10 * 60_000)

  it("ships package.json without the repository's scripts, and packing leaves the repository's as it was", () => {
    const shipped = JSON.parse(
      execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" })
    ) as Record<string, unknown>
    expect(shipped).not.toHaveProperty("scripts")
    expect(shipped).not.toHaveProperty("allowScripts")
    expect(shipped).toMatchObject({
      name: "cclink",
      bin: { cclink: "dist/cli.cjs" },
      dependencies: manifest.dependencies
    })
    const sources = join(work, "sources")
    expect(readFileSync(join(sources, "package.json"), "utf8")).toBe(readFileSync(join(repo, "package.json"), "utf8"))
    expect(existsSync(join(sources, "package.json.packing"))).toBe(false)
  })

  it("installs with install scripts on and no warning about them: it has none", async () => {
    const { cli, stderr } = await installGlobally(tarball, "with-scripts", { scripts: true })
    expect(existsSync(cli)).toBe(true)
    expect(stderr).not.toMatch(/install-scripts|install script/i)
  }, 5 * 60_000)

  it("holds the bundles, the stored help, the library and its types: no tests, sources or maps", () => {
    for (const file of files) expect(SHIPPED.some((pattern) => pattern.test(file)), file).toBe(true)
    for (
      const needed of ["dist/cli.cjs", "dist/cclink.cjs", "dist/direct.cjs", "dist/help.json", "dist/lib/index.js"]
    ) {
      expect(files).toContain(needed)
    }
    expect(files).toContain("dist/lib/index.d.ts")
  })

  it("installs for a new user offline, without install scripts, in at most 40 MB, with the native addons alone", () => {
    expect(existsSync(global.cli)).toBe(true)
    const nodeModules = join(global.installed, "node_modules")
    const beside = packagesUnder(nodeModules)
    // The figures docs/benchmarks.md and the README quote.
    const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`
    const sizes = beside.map((name) => [name, sizeOf(join(nodeModules, name))] as const)
    const small = sizes.filter(([, size]) => size < 500_000)
    console.log([
      `Sizes: tarball ${mb(statSync(tarball).size)}, global install ${mb(sizeOf(global.prefix))}:`,
      `cclink ${mb(sizeOf(global.installed) - sizeOf(nodeModules))},`,
      ...sizes.filter(([, size]) => size >= 500_000).map(([name, size]) => `${name} ${mb(size)},`),
      `${small.length} small packages ${mb(small.reduce((total, [, size]) => total + size, 0))}`
    ].join(" "))
    expect(sizeOf(global.prefix)).toBeLessThanOrEqual(MAX_INSTALL_BYTES)
    const allowed = addonClosure(nodeModules)
    for (const addon of NATIVE_ADDONS) expect(beside, addon).toContain(addon)
    for (const name of beside) expect(allowed.has(name), name).toBe(true)
  })

  it("its library loads only Node's modules, its peers and the native addons", () => {
    const loaded = importsOf(readFileSync(join(global.installed, "dist", "lib", "index.js"), "utf8"))
    for (const name of loaded) {
      expect(isBuiltin(name) || name in manifest.peerDependencies || isNativeAddon(name), name).toBe(true)
    }
    expect(loaded).toContain("effect")
  })

  it("the installed cclink answers --version and --help, and runs a handoff on a local DHT", async () => {
    const { a, b, project, sessionId } = makePair(root, [])
    const path = { PATH: `${root.bin}:${dirname(process.execPath)}:/usr/bin:/bin` }
    const version = await a.run(["--version"], { cli: global.cli, env: path })
    expect(version).toMatchObject({ code: 0, stdout: `${manifest.version}\n` })
    const help = await a.run(["--help"], { cli: global.cli, env: path })
    expect(help).toMatchObject({ code: 0, stdout: `${stripAnsi(renderHelp(""))}\n` })

    const testnet = await start(["testnet", "--nodes", "20", "--json"], { env: { ...a.env, ...path }, cli: global.cli })
    try {
      const { bootstrap } = JSON.parse(testnet.firstLine) as { readonly bootstrap: ReadonlyArray<string> }
      const env = { ...path, CCLINK_BOOTSTRAP: bootstrap.join(",") }
      expect((await a.run([], { cwd: project, cli: global.cli, env })).code).toBe(0)
      const picked = await b.run(["pickup", "--no-launch", "--json"], { cli: global.cli, env })
      expect(jsonOf(picked)).toMatchObject({ sessionId, project, placed: true })

      // Without the platform's native Argon2, a PIN handoff derives through hash-wasm.
      const platformBuilds = packagesUnder(join(global.installed, "node_modules")).filter((name) =>
        !NATIVE_ADDONS.includes(name)
      )
      expect(platformBuilds.length).toBeGreaterThan(0)
      for (const name of platformBuilds) rmSync(join(global.installed, "node_modules", name), { recursive: true })
      const pin = { ...env, CCLINK_PIN: "correct horse battery" }
      expect((await a.run(["--pin"], { cwd: project, cli: global.cli, env: pin })).code).toBe(0)
      const opened = await b.run(["pickup", "--no-launch", "--json"], { cli: global.cli, env: pin })
      expect(jsonOf(opened)).toMatchObject({ sessionId, pin: true })
    } finally {
      await testnet.stop("SIGINT")
    }
  }, 120_000)
})

/** The version of `name` the repository locked, so the cache holds it. */
const lockedVersion = (name: string) =>
  (JSON.parse(readFileSync(join(repo, "node_modules", name, "package.json"), "utf8")) as { readonly version: string })
    .version

/** The README's library example: the first TypeScript block of its Library section. */
const readmeExample = () => {
  const readme = readFileSync(join(repo, "README.md"), "utf8")
  const section = readme.slice(readme.indexOf("\n## Library\n"))
  return /```ts\n([\s\S]*?)```/.exec(section)![1]!
}

/**
 * A new project of a new user, `specs` installed into it offline, with
 * install scripts off unless `scripts` (a git URL builds in its `prepare`);
 * its folder and the user.
 */
const installInProject = async (name: string, specs: ReadonlyArray<string>, { scripts = false } = {}) => {
  const project = join(work, name, "project")
  const user = newUser(join(work, name))
  await installOffline(
    (into, mode) => {
      mkdirSync(into, { recursive: true })
      writeFileSync(join(into, "package.json"), JSON.stringify({ name: "uses-cclink", private: true, type: "module" }))
      return npm(["install", ...specs, mode, ...(scripts ? [] : ["--ignore-scripts"])], into, user)
    },
    project,
    join(work, name, "rehearsal")
  )
  return { project, user }
}

describe("the library's types", () => {
  it("compile the README's example with the peers, the package's declarations checked too", async () => {
    const { tarball } = await packed()
    const peers = ["effect", "@effect/platform", "typescript", "@types/node"].map((name) =>
      `${name}@${lockedVersion(name)}`
    )
    const { project, user } = await installInProject("library", [tarball, ...peers])
    writeFileSync(join(project, "main.ts"), readmeExample())
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          // The package's own declarations are checked too: an import they cannot resolve is an error.
          skipLibCheck: false,
          types: ["node"],
          outDir: "build"
        },
        files: ["main.ts"]
      })
    )
    const tsc = await run(process.execPath, [join(project, "node_modules", "typescript", "bin", "tsc"), "-p", "."], {
      cwd: project
    }).catch((error: { stdout: string }) => ({ stdout: error.stdout }))
    expect(tsc.stdout).toBe("")
    const { stdout } = await run(process.execPath, ["build/main.js"], { cwd: project, env: { PATH: user.PATH } })
    expect(stdout).toContain("3f2a9c1e-1111-4222-8333-444455556666 from machine A")
  }, 10 * 60_000)
})

/** The working tree committed into a new repository, once for the file: its git URL. */
let committing: string | undefined
const gitUrl = () => {
  if (committing !== undefined) return committing
  const clone = join(work, "repository")
  copyWorkingTree(clone)
  const git = (...args: Array<string>) => execFileSync("git", args, { cwd: clone, stdio: "ignore" })
  git("init", "-q")
  git("add", "-A")
  git("-c", "user.name=cclink", "-c", "user.email=cclink@example.invalid", "commit", "-q", "-m", "working tree")
  return (committing = `git+file://${clone}`)
}

describe("a git URL of the repository", () => {
  it("builds into the package (prepare), which installs globally and runs", async () => {
    // npm 11 and older cannot `npm install -g <git URL>` of a package that builds (npm/cli#8440):
    // the global flag reaches the install that should fetch the build tools. `npm pack <git URL>`
    // clones, installs, runs prepare and packs, as that install should; the README says so.
    const out = join(work, "from-git")
    mkdirSync(out)
    const user = newUser(join(work, "git"))
    const { stdout } = await npm(["pack", gitUrl(), "--pack-destination", out, "--prefer-offline"], work, user)
    const global = await installGlobally(join(out, stdout.trim().split("\n").at(-1)!), "git")
    const cclink = (...args: Array<string>) =>
      execFileSync(global.cli, args, { encoding: "utf8", env: { PATH: user.PATH } })
    expect(cclink("--version")).toBe(`${manifest.version}\n`)
    expect(cclink("pickup", "--help")).toBe(`${stripAnsi(renderHelp("pickup"))}\n`)
  }, 10 * 60_000)

  it("installs into a project (npm install <git URL>, no -g), whose program imports the library", async () => {
    const peers = ["effect", "@effect/platform"].map((name) => `${name}@${lockedVersion(name)}`)
    const { project, user } = await installInProject("git-library", [gitUrl(), ...peers], { scripts: true })
    const program = `import { Effect } from "effect"
import { Keypair, toZ32, Testnet } from "cclink"
const network = await Effect.runPromise(Effect.scoped(Effect.map(Testnet.make(3), (net) => net.nodes.length)))
console.log(network, toZ32(Keypair.generate().publicKey).length)`
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", program], {
      cwd: project,
      env: { PATH: user.PATH }
    })
    expect(stdout).toBe("3 52\n")
  }, 10 * 60_000)
})
