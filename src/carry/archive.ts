/**
 * The archive that carries a conversation: the session's files as a tar
 * stream (tar-stream), gzip (level 1: on JSON-lines transcripts it keeps 87%
 * of level 6's ratio at three times its speed, see docs/carry.md), then
 * age to the handoff's recipient. Everything streams: a file is read once in
 * chunks, and neither side ever holds a whole file in memory.
 *
 * Packing measures what the ticket signs as it writes: the encrypted size
 * and SHA-256, and the size of the tar stream, which bounds unpacking (the
 * gzip output is cut off past it, so a small archive cannot inflate into a
 * full disk). Unpacking refuses anything but regular files with the names of
 * domain/carriedFiles.ts, and creates every file new (0600, folders 0700)
 * inside a fresh staging folder.
 */
import { Data, Effect } from "effect"
import { createHash } from "node:crypto"
import { createReadStream, type Stats } from "node:fs"
import { lstat, mkdir, open, readdir } from "node:fs/promises"
import { join } from "node:path"
import { pipeline, Readable } from "node:stream"
import type { ReadableStream as WebReadableStream } from "node:stream/web"
import { createGunzip, createGzip } from "node:zlib"
import { extract as tarExtract, type Pack, pack as tarPack } from "tar-stream"
import { decryptStream, encryptStream } from "../crypto/age.js"
import { type CarriedKind, carriedKind, MAX_ENTRIES } from "../domain/carriedFiles.js"
import { type DecryptionFailed, FileError, InvalidInput, NotFound } from "../domain/errors.js"
import { fileError } from "../domain/fileError.js"
import type { SessionId } from "../domain/sessionId.js"
import type { Packed } from "../services/CarryPublisher.js"
import { drained } from "./drained.js"

export const GZIP_LEVEL = 1

export interface CarriedFile {
  /** Relative, `/`-separated, checked by `carriedKind`. */
  readonly name: string
  readonly kind: CarriedKind
  readonly size: number
}

interface Source {
  readonly name: string
  readonly path: string
  readonly size: number
  readonly mtime: Date
}

/** A file left out of the archive, and why, for the publisher to say. */
interface Skipped {
  readonly name: string
  readonly reason: string
}

/** What an entry that is not a regular file or a folder is, in words. */
const kindOf = (info: Stats) => info.isSymbolicLink() ? "a symbolic link" : "not a regular file"

/**
 * Regular files under `dir` (itself a real folder: `lstat`ed, never
 * followed), as `/`-separated names under `prefix`; links and special files
 * are left out and said.
 */
const walk = async (dir: string, prefix: string, into: Array<Source>, skipped: Array<Skipped>): Promise<void> => {
  const names = await readdir(dir).catch(() => [])
  for (const name of names.sort()) {
    const path = join(dir, name)
    const info = await lstat(path).catch(() => undefined)
    if (info === undefined) continue
    if (info.isDirectory()) await walk(path, `${prefix}/${name}`, into, skipped)
    else if (info.isFile()) into.push({ name: `${prefix}/${name}`, path, size: info.size, mtime: info.mtime })
    else skipped.push({ name: `${prefix}/${name}`, reason: kindOf(info) })
  }
}

/**
 * What travels from the session's project folder: `<id>.jsonl`, the folder
 * `<id>/` and `memory/`, when they are real folders (a `memory` linked to
 * the home folder would send the home folder). What is left out, links and
 * names the picker would refuse, is listed.
 */
const sources = async (folder: string, sessionId: SessionId) => {
  const session = join(folder, `${sessionId}.jsonl`)
  const info = await lstat(session)
  if (!info.isFile()) throw new Error("the session is not a regular file")
  const found: Array<Source> = [{ name: `${sessionId}.jsonl`, path: session, size: info.size, mtime: info.mtime }]
  const skipped: Array<Skipped> = []
  for (const top of [sessionId, "memory"]) {
    const path = join(folder, top)
    const kind = await lstat(path).catch(() => undefined)
    if (kind?.isDirectory()) await walk(path, top, found, skipped)
    else if (kind !== undefined) skipped.push({ name: top, reason: kindOf(kind) })
  }
  const files: Array<Source> = []
  for (const source of found) {
    const kind = carriedKind(source.name, sessionId)
    if (kind._tag === "Right") files.push(source)
    else skipped.push({ name: source.name, reason: kind.left })
  }
  return { files, skipped }
}

/**
 * Adds one file as it is now: its first `size` bytes (the size seen when
 * listing), so a transcript Claude Code is still appending to travels as a
 * consistent prefix.
 */
const addFile = (tar: Pack, source: Source) =>
  new Promise<void>((resolve, reject) => {
    const sink = tar.entry(
      { name: source.name, size: source.size, mode: 0o600, mtime: source.mtime, type: "file" },
      (error) => (error ? reject(error) : resolve())
    )
    if (source.size === 0) return sink.end()
    const read = createReadStream(source.path, { start: 0, end: source.size - 1 })
    read.on("data", (chunk) => {
      if (!sink.write(chunk as Buffer)) {
        read.pause()
        sink.once("drain", () => read.resume())
      }
    })
    read.once("end", () => sink.end())
    read.once("error", (error) => {
      sink.destroy(error)
      reject(error)
    })
  })

export const pack = (options: {
  /** The session's project folder (`<config dir>/projects/<encoded cwd>`). */
  readonly folder: string
  readonly sessionId: SessionId
  /** `age1...`: the handoff's recipient. */
  readonly recipient: string
  /** A new file in a private folder. */
  readonly into: string
}): Effect.Effect<Packed, FileError | NotFound> =>
  Effect.gen(function*() {
    const { files, skipped } = yield* Effect.tryPromise({
      try: () => sources(options.folder, options.sessionId),
      catch: () => new NotFound({ what: `No session file ${options.sessionId}.jsonl in ${options.folder} to carry.` })
    })
    if (files.length > MAX_ENTRIES) {
      return yield* new FileError({ path: options.folder, reason: `More than ${MAX_ENTRIES} files to carry` })
    }
    const tar = compressedTar(files)
    const encrypted = yield* encryptStream(tar.stream, options.recipient)
    const stored = yield* Effect.tryPromise({
      try: () => Promise.all([store(encrypted, options.into), tar.done]).then(([stored]) => stored),
      catch: (error) => fileError(options.into, "Cannot pack the conversation", error)
    })
    return { file: options.into, ...stored, unpackedSize: tar.size(), files: files.length, skipped }
  }).pipe(Effect.withSpan("carry.pack"))

/** The files as a gzipped tar stream; `size` is the tar stream's length once `done`. */
const compressedTar = (files: ReadonlyArray<Source>) => {
  const tar = tarPack()
  const done = (async () => {
    for (const file of files) await addFile(tar, file)
    tar.finalize()
  })()
  done.catch((error: Error) => tar.destroy(error))
  let size = 0
  const counted = Readable.from((async function*() {
    for await (const chunk of tar) {
      size += chunk.length
      yield chunk
    }
  })())
  const gzip = createGzip({ level: GZIP_LEVEL })
  pipeline(counted, gzip, () => {})
  return { stream: Readable.toWeb(gzip) as ReadableStream<Uint8Array>, done, size: () => size }
}

/** Writes the encrypted stream to a new 0600 file, hashing and counting it on the way. */
const store = async (encrypted: ReadableStream<Uint8Array>, into: string) => {
  const hash = createHash("sha256")
  let size = 0
  const out = await open(into, "wx", 0o600)
  try {
    for await (const chunk of Readable.fromWeb(encrypted as WebReadableStream<Uint8Array>)) {
      const bytes = chunk as Uint8Array
      hash.update(bytes)
      size += bytes.length
      await out.write(bytes)
    }
    await out.sync()
  } finally {
    await out.close()
  }
  return { size, digest: new Uint8Array(hash.digest()) }
}

/** An archive refused for its content, with the rule it broke. */
class ArchiveRefused extends Data.TaggedError("ArchiveRefused")<{ readonly rule: string }> {}

/**
 * Decrypts, decompresses and unpacks a verified archive into `into` (an
 * empty private folder that must exist: unpacking never makes it, so a
 * staging folder removed meanwhile is not made again). Refused
 * (`InvalidInput`, with the rule) when it holds anything but regular files
 * named as domain/carriedFiles.ts allows, more than `MAX_ENTRIES` of them,
 * more bytes than `unpackedSize`, or not the session's transcript.
 *
 * Interrupted (Ctrl-C), it stops: gunzip, the tar parser and the file being
 * written are destroyed, and the interruption returns only once nothing of
 * it runs any more, so the scope that removes `into` removes it for good.
 */
export const unpack = (options: {
  readonly file: string
  /** `AGE-SECRET-KEY-1...`: the same identity that opened the record's blob. */
  readonly identity: string
  readonly sessionId: SessionId
  readonly unpackedSize: number
  readonly into: string
}): Effect.Effect<ReadonlyArray<CarriedFile>, InvalidInput | DecryptionFailed> =>
  Effect.gen(function*() {
    const ciphertext = Readable.toWeb(createReadStream(options.file)) as ReadableStream<Uint8Array>
    const plaintext = yield* decryptStream(ciphertext, options.identity)
    return yield* Effect.acquireUseRelease(
      Effect.sync(() => {
        const controller = new AbortController()
        const running = extractInto(plaintext, options, controller.signal)
        running.catch(() => {})
        return { controller, running }
      }),
      ({ running }) =>
        Effect.tryPromise({
          try: () => running,
          catch: (error) =>
            new InvalidInput({
              reason: `The carried conversation was refused: ${
                error instanceof ArchiveRefused ? error.rule : "damaged data"
              }. Nothing was placed.`
            })
        }),
      ({ controller, running }) =>
        Effect.promise(() => {
          controller.abort()
          return running.then(() => undefined, () => undefined)
        })
    )
  }).pipe(Effect.withSpan("carry.unpack"))

/**
 * Makes the folders of `name` under `into` one at a time (0700), never
 * `into` itself: each must be new, or a folder this unpacking made.
 */
const folderFor = async (into: string, name: string, made: Set<string>): Promise<string> => {
  const segments = name.split("/").slice(0, -1)
  let folder = into
  for (const segment of segments) {
    folder = join(folder, segment)
    if (made.has(folder)) continue
    await mkdir(folder, { mode: 0o700 })
    made.add(folder)
  }
  return folder
}

const extractInto = async (
  plaintext: ReadableStream<Uint8Array>,
  options: { readonly sessionId: SessionId; readonly unpackedSize: number; readonly into: string },
  signal: AbortSignal
): Promise<ReadonlyArray<CarriedFile>> => {
  const gunzip = createGunzip()
  pipeline(Readable.fromWeb(plaintext as WebReadableStream<Uint8Array>), gunzip, () => {})
  const extract = tarExtract()
  const stopped = new ArchiveRefused({ rule: "interrupted" })
  const stop = () => {
    gunzip.destroy(stopped)
    extract.destroy(stopped)
  }
  signal.addEventListener("abort", stop, { once: true })

  const feed = async () => {
    let tarBytes = 0
    for await (const chunk of gunzip) {
      tarBytes += (chunk as Buffer).length
      if (tarBytes > options.unpackedSize) throw new ArchiveRefused({ rule: "it inflates past its signed size" })
      if (!extract.write(chunk as Buffer)) {
        await drained(extract, () => new ArchiveRefused({ rule: "the archive ended early" }))
      }
    }
    extract.end()
  }

  const consume = async () => {
    const files: Array<CarriedFile> = []
    const made = new Set<string>()
    for await (const entry of extract) {
      const { name, size, type } = entry.header
      if (files.length >= MAX_ENTRIES) throw new ArchiveRefused({ rule: `more than ${MAX_ENTRIES} files` })
      if (type !== "file") throw new ArchiveRefused({ rule: `${JSON.stringify(name)} is not a regular file` })
      const kind = carriedKind(name, options.sessionId)
      if (kind._tag === "Left") throw new ArchiveRefused({ rule: `${JSON.stringify(name)}: ${kind.left}` })
      if (signal.aborted) throw stopped
      const folder = await folderFor(options.into, name, made)
      const path = join(folder, name.slice(name.lastIndexOf("/") + 1))
      const out = await open(path, "wx", 0o600).catch((error: NodeJS.ErrnoException) => {
        throw error.code === "EEXIST" ? new ArchiveRefused({ rule: `${JSON.stringify(name)} appears twice` }) : error
      })
      const closeOnStop = () => void out.close().catch(() => {})
      signal.addEventListener("abort", closeOnStop, { once: true })
      try {
        for await (const chunk of entry) await out.write(chunk)
      } finally {
        signal.removeEventListener("abort", closeOnStop)
        await out.close().catch(() => {})
      }
      files.push({ name, kind: kind.right, size })
    }
    if (!files.some((file) => file.kind === "session")) {
      throw new ArchiveRefused({ rule: "it does not hold the session's transcript" })
    }
    return files
  }

  const consuming = consume()
  const feeding = feed()
  try {
    // The first failure stops the other side: a refused entry ends the inflation, a damaged stream the entries.
    const [consumed, fed] = await Promise.allSettled([
      consuming.catch((error: Error) => {
        gunzip.destroy()
        throw error
      }),
      feeding.catch((error: Error) => {
        extract.destroy(error)
        throw error
      })
    ])
    const failures = [consumed, fed].flatMap((result) => result.status === "rejected" ? [result.reason as unknown] : [])
    if (failures.length > 0) throw failures.find((error) => error instanceof ArchiveRefused) ?? failures[0]
    return (consumed as PromiseFulfilledResult<ReadonlyArray<CarriedFile>>).value
  } finally {
    signal.removeEventListener("abort", stop)
  }
}
