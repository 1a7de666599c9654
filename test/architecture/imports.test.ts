/**
 * The direction of imports in src/ (docs/architecture.md): the layers
 * cli -> dht and carry -> services -> crypto -> domain, no file importing one
 * of its importers, and handlers loaded only when their command runs.
 *
 * The imports are read with TypeScript's own parser, so comments and strings
 * that mention `import(...)` do not count, and every form does: `import` and
 * `export ... from`, `import type`, `import()`, `typeof import(...)` in a
 * type, and `declare module "..."` (an augmentation depends on its module).
 */
import { readdirSync, readFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"
import { describe, expect, it } from "vitest"

const SRC = fileURLToPath(new URL("../../src", import.meta.url))

/** What each folder of src/ may import besides itself; "." is the library's entry, src/index.ts. */
const MAY_IMPORT: Readonly<Record<string, ReadonlyArray<string>>> = {
  domain: [],
  crypto: ["domain"],
  services: ["crypto", "domain"],
  // The transports: each implements services' tags, and neither uses the other.
  dht: ["services", "crypto", "domain"],
  carry: ["services", "crypto", "domain"],
  cli: ["dht", "carry", "services", "crypto", "domain"],
  ".": ["dht", "carry", "services", "crypto", "domain"],
  // Declarations only: the types of untyped packages, and augmentations of our modules' published types.
  types: ["dht", "carry", "services", "crypto", "domain"]
}

/** How a file depends on another: evaluated with it, only when a line of it runs, or for types alone. */
type Kind = "static" | "dynamic" | "type"

interface Import {
  /** Both paths relative to src/, with the `.ts` the sources have. */
  readonly from: string
  readonly to: string
  readonly kind: Kind
}

const sources = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith(".ts")
      ? [relative(SRC, join(dir, entry.name))]
      : []
  )

const typeOnly = (node: ts.ImportDeclaration): boolean => {
  const clause = node.importClause
  if (clause === undefined) return false
  if (clause.isTypeOnly) return true
  const named = clause.namedBindings
  return clause.name === undefined && named !== undefined && ts.isNamedImports(named) &&
    named.elements.length > 0 && named.elements.every((element) => element.isTypeOnly)
}

/** The module names a file imports, with how. */
const specifiers = (file: string): ReadonlyArray<readonly [string, Kind]> => {
  const source = ts.createSourceFile(file, readFileSync(join(SRC, file), "utf8"), ts.ScriptTarget.Latest, true)
  const found: Array<readonly [string, Kind]> = []
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push([node.moduleSpecifier.text, typeOnly(node) ? "type" : "static"])
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push([node.moduleSpecifier.text, node.isTypeOnly ? "type" : "static"])
    } else if (
      ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined && ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push([node.arguments[0].text, "dynamic"])
    } else if (
      ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)
    ) {
      found.push([node.argument.literal.text, "type"])
    } else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name)) {
      found.push([node.name.text, "type"])
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

/** Every import of one file of src/ by another (packages and files outside src/ left out). */
const importsIn = (files: ReadonlyArray<string>): ReadonlyArray<Import> => {
  const known = new Set(files)
  return files.flatMap((from) =>
    specifiers(from).flatMap(([specifier, kind]) => {
      if (!specifier.startsWith(".")) return []
      const to = relative(SRC, resolve(SRC, dirname(from), specifier)).replace(/\.js$/, ".ts")
      return known.has(to) ? [{ from, to, kind }] : []
    })
  )
}

const layerOf = (file: string): string => (file.includes("/") ? file.slice(0, file.indexOf("/")) : ".")

const layerViolations = (imports: ReadonlyArray<Import>): ReadonlyArray<string> =>
  imports
    .filter(({ from, to }) => layerOf(from) !== layerOf(to) && !(MAY_IMPORT[layerOf(from)] ?? []).includes(layerOf(to)))
    .map(({ from, kind, to }) => `${from} -> ${to} (${kind})`)

/**
 * The cycles a depth-first walk meets, at least one wherever files import
 * one another in a ring, each once, as the files along it: `a.ts -> b.ts -> a.ts`.
 */
const cycles = (imports: ReadonlyArray<Import>): ReadonlyArray<string> => {
  const next = new Map<string, Array<string>>()
  for (const { from, to } of imports) next.set(from, [...(next.get(from) ?? []), to])
  const found = new Set<string>()
  const done = new Set<string>()
  const walk = (file: string, path: ReadonlyArray<string>): void => {
    const at = path.indexOf(file)
    if (at !== -1) {
      const loop = path.slice(at)
      // The same loop entered at another file is one cycle: name it from its first file in order.
      const start = loop.indexOf([...loop].sort()[0]!)
      found.add([...loop.slice(start), ...loop.slice(0, start), loop[start]].join(" -> "))
      return
    }
    if (done.has(file)) return
    for (const to of next.get(file) ?? []) walk(to, [...path, file])
    done.add(file)
  }
  for (const file of next.keys()) walk(file, [])
  return [...found].sort()
}

const isHandler = (file: string) => file.startsWith("cli/handlers/")
const isCommand = (file: string) => file.startsWith("cli/commands/")

/** Handlers must stay out of the start-up path, and own the options they take. */
const handlerViolations = (imports: ReadonlyArray<Import>): ReadonlyArray<string> =>
  imports
    .filter(({ from, kind, to }) =>
      (isHandler(to) && !isHandler(from) && kind === "static") || (isHandler(from) && isCommand(to))
    )
    .map(({ from, kind, to }) => `${from} -> ${to} (${kind})`)

describe("imports in src/", () => {
  const files = sources(SRC)
  const imports = importsIn(files)

  it("are read: the scanner sees each form of import", () => {
    const seen = (from: string, to: string, kind: Kind) =>
      imports.some((i) => i.from === from && i.to === to && i.kind === kind)
    expect(seen("cli/main.ts", "cli/commands/publish.ts", "static")).toBe(true)
    expect(seen("cli/commands/publish.ts", "cli/handlers/publish.ts", "dynamic")).toBe(true)
    expect(seen("cli/handlers/pickup.ts", "services/Handoffs.ts", "type")).toBe(true)
    expect(seen("cli/bin.ts", "cli/main.ts", "type")).toBe(true)
    expect(seen("types/testnetNode.d.ts", "dht/testnet.ts", "type")).toBe(true)
  })

  it("come from folders that are layers (a new folder of src/ needs its place in MAY_IMPORT)", () => {
    expect([...new Set(files.map(layerOf))].filter((layer) => !(layer in MAY_IMPORT))).toEqual([])
  })

  it("point one way: cli -> dht and carry -> services -> crypto -> domain", () => {
    expect(layerViolations(imports)).toEqual([])
  })

  it("never reach a file's own importers, even for a type or through import()", () => {
    expect(cycles(imports)).toEqual([])
  })

  it("load a handler only when its command runs, and a handler imports no command", () => {
    expect(handlerViolations(imports)).toEqual([])
  })

  it("would be caught: each rule fails on the import that breaks it", () => {
    const broken: ReadonlyArray<Import> = [
      { from: "cli/commands/whoami.ts", to: "cli/handlers/whoami.ts", kind: "dynamic" },
      { from: "domain/keys.ts", to: "crypto/argon2Costs.ts", kind: "type" },
      { from: "cli/handlers/whoami.ts", to: "cli/commands/whoami.ts", kind: "type" },
      { from: "cli/main.ts", to: "cli/handlers/whoami.ts", kind: "static" }
    ]
    expect(layerViolations(broken)).toEqual(["domain/keys.ts -> crypto/argon2Costs.ts (type)"])
    expect(cycles(broken)).toEqual([
      "cli/commands/whoami.ts -> cli/handlers/whoami.ts -> cli/commands/whoami.ts"
    ])
    expect(handlerViolations(broken)).toEqual([
      "cli/handlers/whoami.ts -> cli/commands/whoami.ts (type)",
      "cli/main.ts -> cli/handlers/whoami.ts (static)"
    ])
  })
})
