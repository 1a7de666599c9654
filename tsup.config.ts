import { defineConfig, type Options } from "tsup"

// The command line ships as a small CommonJS loader (dist/cli.cjs), the quick
// `whoami` without the Effect runtime (dist/direct.cjs) and one minified
// CommonJS bundle for everything else (dist/cclink.cjs). Loading hundreds of modules from
// node_modules costs about a second at start-up; one bundle, compiled once
// and then read from V8's code cache (src/cli/codeCache.ts), a small part of
// that. The network and crypto code sits behind dynamic imports, which
// esbuild turns into lazily initialised modules: commands that do not touch
// the DHT never evaluate it.
const common: Options = {
  platform: "node",
  target: "node20",
  outDir: "dist",
  minify: true,
  sourcemap: false,
  clean: false,
  // Everything is bundled but what loads native addons from node_modules: the
  // Argon2 binding, and hyperdht (the carry network: sodium-native, udx-native).
  noExternal: [/^(?!(argon2|hyperdht)(\/|$))/],
  external: ["argon2", "hyperdht"]
}

export default defineConfig([
  {
    ...common,
    entry: { cli: "src/cli/bin.ts", direct: "src/cli/direct.ts" },
    format: ["cjs"],
    outExtension: () => ({ js: ".cjs" })
  },
  {
    ...common,
    entry: { cclink: "src/cli/main.ts" },
    esbuildOptions: (options) => {
      const stub = "./src/cli/stubs/configFileFormat.ts"
      options.alias = { yaml: stub, toml: stub, ini: stub }
      // A script run through V8's code cache (src/cli/codeCache.ts) cannot
      // import() on Node 20; what stays outside the bundle (the native Argon2
      // binding, hyperdht) is loaded with the bundle's require instead.
      options.supported = { ...options.supported, "dynamic-import": false }
    },
    format: ["cjs"],
    splitting: false,
    outExtension: () => ({ js: ".cjs" })
  }
])
