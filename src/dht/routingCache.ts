/**
 * A few DHT nodes remembered from the last run (`routing-table.json` in the
 * state folder), tried beside the bootstrap nodes so the next start does not
 * depend on the bootstrap routers alone. It is only a hint: a missing,
 * damaged or unwritable cache is ignored, and a cache learned with another
 * bootstrap list (a test or private network) is not used.
 */
import { Effect, Either, Schema } from "effect"
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { type Contact, formatContact, parseContact } from "./bootstrap.js"

/**
 * Cached nodes are queried all at once with the bootstrap nodes at the start
 * of a lookup (traversal.ts): a handful is enough to start near the key.
 */
export const MAX_CACHED_NODES = 8

const FILE = "routing-table.json"

const CacheFile = Schema.parseJson(
  Schema.Struct({
    bootstrap: Schema.Array(Schema.String),
    nodes: Schema.Array(Schema.String)
  })
)

const sameList = (a: ReadonlyArray<string>, b: ReadonlyArray<string>) =>
  a.length === b.length && a.every((entry, i) => entry === b[i])

export const load = (stateDir: string, bootstrap: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<Contact>> =>
  Effect.tryPromise(() => readFile(join(stateDir, FILE), "utf8")).pipe(
    Effect.flatMap(Schema.decodeUnknown(CacheFile)),
    Effect.map((cache) =>
      sameList(cache.bootstrap, bootstrap)
        ? cache.nodes.flatMap((node) => Either.match(parseContact(node), { onLeft: () => [], onRight: (c) => [c] }))
          .slice(0, MAX_CACHED_NODES)
        : []
    ),
    Effect.catchAll((error) => Effect.logDebug("routing-table cache not used", error).pipe(Effect.as([])))
  )

/** Replaces the cache atomically: a reader sees the old file or the new one, never half of one. */
export const save = (
  stateDir: string,
  bootstrap: ReadonlyArray<string>,
  nodes: ReadonlyArray<Contact>
): Effect.Effect<void> =>
  Effect.gen(function*() {
    if (nodes.length === 0) return
    const path = join(stateDir, FILE)
    const temporary = `${path}.${process.pid}.tmp`
    const text = yield* Schema.encode(CacheFile)({
      bootstrap,
      nodes: nodes.slice(0, MAX_CACHED_NODES).map(formatContact)
    })
    yield* Effect.tryPromise(async () => {
      await mkdir(stateDir, { recursive: true, mode: 0o700 })
      try {
        await writeFile(temporary, text, { mode: 0o600 })
        await rename(temporary, path)
      } finally {
        await rm(temporary, { force: true })
      }
    })
  }).pipe(Effect.catchAll((error) => Effect.logDebug("routing-table cache not saved", error)))
