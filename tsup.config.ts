import { defineConfig } from "tsup"

// The CLI ships as one minified ESM bundle: loading hundreds of modules from
// node_modules costs about a second at start-up, one bundle about a quarter of
// that. Network and crypto code sit behind dynamic imports, so esbuild splits
// them into chunks that only the commands using them load.
export default defineConfig({
  entry: { cli: "src/cli/bin.ts" },
  format: ["esm"],
  platform: "node",
  target: "node20",
  outDir: "dist",
  splitting: true,
  minify: true,
  sourcemap: false,
  clean: false,
  noExternal: [/.*/],
  // Bundled CommonJS dependencies call require(); give them one.
  banner: { js: "import{createRequire as __cclinkRequire}from\"node:module\";const require=__cclinkRequire(import.meta.url);" }
})
