import { defineConfig, type Options } from "tsup"

/**
 * The native addons the command line loads at run time: the only packages
 * outside the bundles, and so the only `dependencies` a user's install
 * fetches (test/package/install.test.ts holds package.json to this list). Each is a
 * package that ships prebuilt binaries and needs no install script. Adding
 * one is one line here and one in package.json.
 */
export const NATIVE_ADDONS: ReadonlyArray<string> = ["@node-rs/argon2", "sodium-native", "udx-native"]

/**
 * What the library leaves to the program that imports it: Effect and the
 * `@effect/*` packages, which must be the caller's own copies (one runtime,
 * one set of tags), declared as optional peerDependencies.
 */
const SHARED_WITH_CALLER = [/^effect(\/|$)/, /^@effect\//]

const exactly = (name: string) => new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}(/|$)`)

/** Everything is bundled but the packages `outside` matches, loaded from node_modules at run time. */
const bundleAllBut = (outside: ReadonlyArray<RegExp>): Pick<Options, "noExternal" | "esbuildPlugins"> => ({
  noExternal: [/^/],
  esbuildPlugins: [{
    name: "outside-the-bundle",
    setup: (build) =>
      build.onResolve(
        { filter: /^[^./]/ },
        (args) => outside.some((pattern) => pattern.test(args.path)) ? { path: args.path, external: true } : null
      )
  }]
})

// The command line ships as a small CommonJS loader (dist/cli.cjs), the quick
// `whoami` without the Effect runtime (dist/direct.cjs) and one minified
// CommonJS bundle for everything else (dist/cclink.cjs). Loading hundreds of modules from
// node_modules costs about a second at start-up; one bundle, compiled once
// and then read from V8's code cache (src/cli/codeCache.ts), a small part of
// that. The network and crypto code sits behind dynamic imports, which
// esbuild turns into lazily initialised modules: commands that do not touch
// the DHT never evaluate it.
const cli: Options = {
  platform: "node",
  target: "node20",
  outDir: "dist",
  minify: true,
  sourcemap: false,
  clean: false,
  ...bundleAllBut(NATIVE_ADDONS.map(exactly))
}

export default defineConfig([
  {
    ...cli,
    entry: { cli: "src/cli/bin.ts", direct: "src/cli/direct.ts" },
    format: ["cjs"],
    outExtension: () => ({ js: ".cjs" })
  },
  {
    ...cli,
    entry: { cclink: "src/cli/main.ts" },
    esbuildOptions: (options) => {
      const stub = "./src/cli/stubs/configFileFormat.ts"
      options.alias = { yaml: stub, toml: stub, ini: stub }
      // A script run through V8's code cache (src/cli/codeCache.ts) cannot
      // import() on Node 20; what stays outside the bundle (the native
      // addons) is loaded with the bundle's require instead.
      options.supported = { ...options.supported, "dynamic-import": false }
    },
    format: ["cjs"],
    splitting: false,
    outExtension: () => ({ js: ".cjs" })
  },
  {
    // The library: plain ESM (its types come from tsc, tsconfig.build.json),
    // with the libraries it uses bundled in, Effect's packages and the native
    // addons left to the installing program.
    entry: { "lib/index": "src/index.ts" },
    platform: "node",
    target: "node20",
    outDir: "dist",
    format: ["esm"],
    splitting: false,
    sourcemap: false,
    clean: false,
    ...bundleAllBut([...SHARED_WITH_CALLER, ...NATIVE_ADDONS.map(exactly)]),
    // Bundled CommonJS (bittorrent-dht and its kin) requires Node's own modules.
    banner: {
      js:
        "import { createRequire as __cclinkRequire } from \"node:module\"\nconst require = __cclinkRequire(import.meta.url)"
    }
  }
])
