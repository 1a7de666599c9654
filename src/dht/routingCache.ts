/**
 * The nodes nearest the keys this user looks up, remembered from the last
 * runs (`routing-table.json` in the state folder), with their ids: the next
 * lookup of the same key asks them for the item at once, starting in the
 * key's neighbourhood instead of walking there from the bootstrap nodes. A
 * user's commands look up their own key above all (every publish, every
 * pickup of their own handoff).
 *
 * It is only a hint: the bootstrap nodes are asked all the same, a cached
 * node that is gone costs one slot for a moment, and a missing, damaged or
 * unwritable cache is ignored. A cache learned with another bootstrap list
 * (a test or private network) is not used.
 */
import { Effect, Either, Schema } from "effect"
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { formatContact, parseContact } from "./bootstrap.js"
import { type Contact, NODE_ID_BYTES } from "./krpcQuery.js"

/** The nodes nearest two keys (K each): the user's own, and the last other one looked up. */
export const MAX_CACHED_NODES = 40

const FILE = "routing-table.json"

const CachedNode = Schema.Struct({
  id: Schema.String.pipe(Schema.pattern(new RegExp(`^[0-9a-f]{${2 * NODE_ID_BYTES}}$`))),
  address: Schema.String
})

const CacheFile = Schema.parseJson(
  Schema.Struct({
    bootstrap: Schema.Array(Schema.String),
    nodes: Schema.Array(Schema.Unknown)
  })
)

const sameList = (a: ReadonlyArray<string>, b: ReadonlyArray<string>) =>
  a.length === b.length && a.every((entry, i) => entry === b[i])

/** A cached entry, if well-formed: a bad one is skipped, the others kept. */
const contactOf = (entry: unknown): ReadonlyArray<Contact> =>
  Schema.decodeUnknownEither(CachedNode)(entry).pipe(
    Either.flatMap((node) =>
      Either.map(parseContact(node.address), (address) => ({ ...address, id: Buffer.from(node.id, "hex") }))
    ),
    Either.match({ onLeft: () => [], onRight: (contact) => [contact] })
  )

export const load = (stateDir: string, bootstrap: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<Contact>> =>
  Effect.tryPromise(() => readFile(join(stateDir, FILE), "utf8")).pipe(
    Effect.flatMap(Schema.decodeUnknown(CacheFile)),
    Effect.map((cache) =>
      sameList(cache.bootstrap, bootstrap) ? cache.nodes.flatMap(contactOf).slice(0, MAX_CACHED_NODES) : []
    ),
    Effect.catchAll((error) => Effect.logDebug("routing-table cache not used", error).pipe(Effect.as([])))
  )

/** The first `MAX_CACHED_NODES` of `nodes`, each id once. */
const distinct = (nodes: ReadonlyArray<Contact>): ReadonlyArray<Contact> => {
  const seen = new Set<string>()
  return nodes.filter((node) => {
    const id = node.id.toString("hex")
    if (seen.has(id)) return false
    seen.add(id)
    return true
  }).slice(0, MAX_CACHED_NODES)
}

/**
 * Replaces the cache atomically (a reader sees the old file or the new one,
 * never half of one) with `nodes`, the first ones kept when there are too
 * many: the nodes nearest the keys looked up last, then those cached before.
 */
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
      nodes: distinct(nodes).map((node) => ({ id: node.id.toString("hex"), address: formatContact(node) }))
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
