/**
 * Where pickup starts `claude --resume`. Claude Code looks for a session
 * under the folder of the directory it starts in (Sessions.folderOf), and
 * the project may live under another path on this machine (`/Users/alice/x`
 * there, `/home/alice/x` here), so the session file may first have to be
 * copied into the folder of the directory claude will start in.
 */
import { FileSystem, Path } from "@effect/platform"
import type { PlatformError } from "@effect/platform/Error"
import { Clock, Context, Data, Effect, Layer, Option, Stream } from "effect"
import { createHash } from "node:crypto"
import {
  actionFor,
  type CarriedAction,
  type CarriedKind,
  compareLocal,
  type LocalCopy,
  placeable
} from "../domain/carriedFiles.js"
import { InvalidInput, NotFound, PermissionError } from "../domain/errors.js"
import type { SessionId } from "../domain/sessionId.js"
import { type SessionFile, Sessions } from "./Sessions.js"

export type Placement = Data.TaggedEnum<{
  /** The session file is in the folder of the payload's project, which exists here: start claude in `dir`. */
  InProject: { readonly dir: string; readonly file: string }
  /** The session file is only in another project folder: `copyInto` the directory the project lives in here. */
  Elsewhere: { readonly source: SessionFile }
}>

export const Placement = Data.taggedEnum<Placement>()

export interface Copied {
  readonly from: string
  readonly to: string
}

/** What `copyInto` did, to tell the user exactly. */
export interface Placed {
  /** Start claude here. */
  readonly dir: string
  /** The session file claude will find. */
  readonly file: string
  readonly copied: ReadonlyArray<Copied>
  /** Destinations that already existed and were left as they were. */
  readonly kept: ReadonlyArray<string>
}

/** `changed`: the file a copy was to replace changed after it was compared, and was left as it is. */
type CopyOutcome = "copied" | "identical" | "different" | "changed"

/** A carried conversation unpacked in a staging folder, its files checked (src/carry/archive.ts). */
export interface CarriedFiles {
  /** The staging folder: `name`s are relative to it. */
  readonly folder: string
  readonly sessionId: SessionId
  readonly files: ReadonlyArray<{ readonly name: string; readonly kind: CarriedKind; readonly size: number }>
}

/** What `placeCarried` did with each carried file, by local path. */
export interface CarriedPlaced {
  /** Start claude here (when `placed`). */
  readonly dir: string
  /** Where the session file is, or would be. */
  readonly file: string
  /** False when another conversation holds one of the session's names: nothing was placed. */
  readonly placed: boolean
  /** New files. */
  readonly created: ReadonlyArray<string>
  /** Older copies of the same conversation, brought up to date. */
  readonly updated: ReadonlyArray<string>
  /** Already there, byte for byte. */
  readonly unchanged: ReadonlyArray<string>
  /** Memory files that differ here, left as they are. */
  readonly keptLocal: ReadonlyArray<string>
  /** Local session files that hold another conversation (then nothing was placed). */
  readonly conflicts: ReadonlyArray<string>
  /** Local session files that continue the carried ones: newer here (then nothing was placed). */
  readonly newerHere: ReadonlyArray<string>
  /** The older copies `updated` replaced, each kept (a hard link when it can be) under the folder given. */
  readonly previous: ReadonlyArray<{ readonly file: string; readonly copy: string }>
  /** Local files written to in the last minute: a claude may be running on them. */
  readonly recent: ReadonlyArray<string>
}

/** What identifies a file's content without reading it: a change of any means it was written to, or replaced. */
const fingerprint = (info: FileSystem.File.Info) =>
  [
    info.dev,
    Option.getOrElse(info.ino, () => -1),
    info.size,
    Option.match(info.mtime, { onNone: () => -1, onSome: (date) => date.getTime() })
  ].join(":")

/** A local file written to this recently may be open in a running claude. */
const RECENT_MS = 60_000

const isAlreadyExists = (error: PlatformError) => error._tag === "SystemError" && error.reason === "AlreadyExists"

/** Maps a filesystem failure to a user-facing error; permissions get a fix. */
const failedTo = (action: string, path: string) => (error: PlatformError) =>
  error._tag === "SystemError" && error.reason === "PermissionDenied"
    ? new PermissionError({ path, reason: `Cannot ${action}`, fix: "check the folder's owner and mode" })
    : new InvalidInput({ reason: `Could not ${action} ${path}: ${error.message}` })

export class SessionPlacement extends Context.Tag("cclink/SessionPlacement")<SessionPlacement, {
  /**
   * Where the session `id` of a payload for `project` can be resumed, without
   * touching anything. Fails with `NotFound` and the ways to sync when no
   * session file with that id is on this machine.
   */
  readonly locate: (project: string, id: SessionId) => Effect.Effect<Placement, NotFound>
  /**
   * Copies the session file into the folder of `dir` (the directory the
   * project lives in here), with the source folder's `memory/` beside it.
   * Copies, never moves; never replaces an existing file; refuses when a
   * different session file of that name is already there.
   */
  readonly copyInto: (
    source: Pick<SessionFile, "sessionId" | "file">,
    dir: string
  ) => Effect.Effect<Placed, InvalidInput | PermissionError>
  /**
   * Puts a carried conversation into the encoded folder of `dir`. Nothing is
   * ever lost: a file already there byte for byte is left alone; an older
   * copy of the same conversation (a strict prefix of the carried file) is
   * replaced atomically, after it is kept under `previousInto` (a hard link:
   * a claude still writing to it writes to the kept copy), and only if it
   * has not changed since it was compared (else `InvalidInput`, and it is
   * left as it is); a memory file that differs stays as it is; and when a
   * session file of that name holds anything else, or a newer copy of the
   * same conversation, nothing at all is placed (`placed: false`, with the
   * `conflicts` or `newerHere`).
   */
  readonly placeCarried: (
    carried: CarriedFiles,
    dir: string,
    previousInto: string
  ) => Effect.Effect<CarriedPlaced, InvalidInput | PermissionError>
}>() {
  static readonly layer = Layer.effect(
    SessionPlacement,
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const path = yield* Path.Path
      const sessions = yield* Sessions
      const { projectsDir } = sessions

      const typeOf = (file: string) =>
        fs.stat(file).pipe(
          Effect.map((info) => Option.some(info.type)),
          Effect.orElseSucceed(Option.none<FileSystem.File.Type>)
        )
      const sessionFileFor = (dir: string, id: SessionId) =>
        Effect.map(sessions.folderOf(dir), (folder) => path.join(folder, `${id}.jsonl`))

      const digest = (file: string) =>
        fs.stream(file).pipe(
          Stream.runFold(createHash("sha256"), (hash, chunk) => hash.update(chunk)),
          Effect.map((hash) => hash.digest("hex"))
        )

      /**
       * Appears at `to` complete or not at all: the copy is written and synced
       * under a temporary name in the same folder, then hard-linked into place,
       * which, unlike rename, fails instead of replacing a file that is there.
       * With `replace`, it is renamed over `to` instead: one atomic step from
       * the old file to the new, once the old one is kept at `replace.keep`
       * and is still the one that was compared (`replace.fingerprint`).
       */
      const copyOnce = (
        from: string,
        to: string,
        options: { readonly replace?: { readonly fingerprint: string; readonly keep: string } } = {}
      ): Effect.Effect<CopyOutcome, PlatformError> =>
        Effect.scoped(Effect.gen(function*() {
          const temp = yield* fs.makeTempDirectoryScoped({ directory: path.dirname(to), prefix: ".cclink-" })
          const staged = path.join(temp, path.basename(to))
          yield* fs.copyFile(from, staged)
          yield* Effect.scoped(Effect.flatMap(fs.open(staged, { flag: "r+" }), (file) => file.sync))
          if (options.replace !== undefined) return yield* replaceWith(staged, to, options.replace)
          return yield* fs.link(staged, to).pipe(
            Effect.as<CopyOutcome>("copied"),
            Effect.catchIf(isAlreadyExists, () =>
              Effect.map(
                Effect.all([digest(staged), digest(to)]),
                ([ours, theirs]): CopyOutcome => ours === theirs ? "identical" : "different"
              ))
          )
        }))

      /**
       * Renames `staged` over `to`, after keeping `to` at `keep` (a hard link,
       * so writes still going to the old file land in the kept one; a copy
       * across file systems) and checking, last, that it is still the file
       * that was compared: a change means someone writes to it, and it is
       * left as it is.
       */
      const replaceWith = (
        staged: string,
        to: string,
        replace: { readonly fingerprint: string; readonly keep: string }
      ): Effect.Effect<CopyOutcome, PlatformError> =>
        Effect.gen(function*() {
          yield* fs.makeDirectory(path.dirname(replace.keep), { recursive: true, mode: 0o700 })
          yield* fs.link(to, replace.keep).pipe(Effect.orElse(() => fs.copyFile(to, replace.keep)))
          if (fingerprint(yield* fs.stat(to)) !== replace.fingerprint) {
            yield* fs.remove(replace.keep)
            return "changed" as const
          }
          yield* fs.rename(staged, to)
          return "copied" as const
        })

      const copyMemory = (fromDir: string, toDir: string) =>
        Effect.gen(function*() {
          const copied: Array<Copied> = []
          const kept: Array<string> = []
          const entries = yield* fs.readDirectory(fromDir, { recursive: true })
          for (const entry of entries.sort()) {
            const from = path.join(fromDir, entry)
            const to = path.join(toDir, entry)
            if (Option.getOrUndefined(yield* typeOf(from)) !== "File") continue
            yield* fs.makeDirectory(path.dirname(to), { recursive: true, mode: 0o700 })
            // Project memory is notes the user may have edited on this side: never replaced.
            if ((yield* copyOnce(from, to)) === "copied") copied.push({ from, to })
            else kept.push(to)
          }
          return { copied, kept }
        })

      const locate = Effect.fn("SessionPlacement.locate")(function*(project: string, id: SessionId) {
        if (path.isAbsolute(project) && Option.contains(yield* typeOf(project), "Directory")) {
          const file = yield* sessionFileFor(project, id)
          if (Option.contains(yield* typeOf(file), "File")) return Placement.InProject({ dir: project, file })
        }
        return yield* sessions.findById(id).pipe(
          Effect.map((source) => Placement.Elsewhere({ source })),
          Effect.mapError(() =>
            new NotFound({
              what: `Session data is not on this machine: no ${id}.jsonl under ${projectsDir}.`,
              hint: "This handoff names the session but does not carry the conversation. Publish it again with " +
                "`cclink publish --carry` on the other machine, or sync the projects folder from it (Syncthing, " +
                `rsync, NFS, or a shared mount over Tailscale/SSH), for example rsync -a other-host:.claude/projects/ ${projectsDir}/ , then pick up again.`
            })
          )
        )
      })

      /** The directory the project lives in here, resolved: it must exist and be a directory. */
      const projectDirectory = (dir: string) =>
        Effect.gen(function*() {
          const target = yield* fs.realPath(dir).pipe(
            Effect.mapError(() => new InvalidInput({ reason: `The project directory ${dir} does not exist here.` }))
          )
          if (!Option.contains(yield* typeOf(target), "Directory")) {
            return yield* new InvalidInput({ reason: `${dir} is not a directory.` })
          }
          return target
        })

      const copyInto = Effect.fn("SessionPlacement.copyInto")(function*(
        source: Pick<SessionFile, "sessionId" | "file">,
        dir: string
      ) {
        const target = yield* projectDirectory(dir)
        const file = yield* sessionFileFor(target, source.sessionId)
        const folder = path.dirname(file)
        yield* fs.makeDirectory(folder, { recursive: true, mode: 0o700 }).pipe(
          Effect.mapError(failedTo("create", folder))
        )
        const outcome = file === source.file
          ? "identical"
          : yield* copyOnce(source.file, file).pipe(Effect.mapError(failedTo("copy the session into", folder)))
        if (outcome === "different") {
          return yield* new InvalidInput({
            reason: `A different session file is already at ${file}; cclink never overwrites it.\n` +
              "Move it aside, or name the project's folder with --project-dir."
          })
        }
        const sourceMemory = path.join(path.dirname(source.file), "memory")
        const memory = path.dirname(source.file) !== folder && Option.contains(yield* typeOf(sourceMemory), "Directory")
          ? yield* copyMemory(sourceMemory, path.join(folder, "memory")).pipe(
            Effect.mapError(failedTo("copy project memory into", folder))
          )
          : { copied: [], kept: [] }
        return {
          dir: target,
          file,
          copied: outcome === "copied" ? [{ from: source.file, to: file }, ...memory.copied] : memory.copied,
          kept: outcome === "identical" ? [file, ...memory.kept] : memory.kept
        }
      })

      /** Whether `local`'s first `length` bytes are `carried`'s, read in 1 MiB steps from both. */
      const sameStart = (local: string, carried: string, length: number) =>
        Effect.scoped(Effect.gen(function*() {
          const a = yield* fs.open(local, { flag: "r" })
          const b = yield* fs.open(carried, { flag: "r" })
          for (let done = 0; done < length;) {
            const step = Math.min(1024 * 1024, length - done)
            const [x, y] = yield* Effect.all([a.readAlloc(step), b.readAlloc(step)])
            if (Option.isNone(x) || Option.isNone(y) || !Buffer.from(x.value).equals(y.value)) return false
            done += step
          }
          return true
        }))

      /**
       * How the local file at `local` compares with the carried `staged` of
       * `size` bytes, with the local file's fingerprint and modification time.
       */
      const compare = (local: string, staged: string, size: number) =>
        Effect.gen(function*() {
          const info = yield* fs.stat(local).pipe(Effect.option)
          if (Option.isNone(info)) {
            return { copy: compareLocal(size, undefined), fingerprint: undefined, mtime: undefined }
          }
          const seen = { fingerprint: fingerprint(info.value), mtime: Option.getOrUndefined(info.value.mtime) }
          if (info.value.type !== "File") {
            return { copy: "different" as LocalCopy, ...seen }
          }
          const localSize = Number(info.value.size)
          const agrees = yield* sameStart(local, staged, Math.min(localSize, size))
          return { copy: compareLocal(size, { size: localSize, agrees }), ...seen }
        })

      const placeCarried = Effect.fn("SessionPlacement.placeCarried")(function*(
        carried: CarriedFiles,
        dir: string,
        previousInto: string
      ) {
        const target = yield* projectDirectory(dir)
        const file = yield* sessionFileFor(target, carried.sessionId)
        const folder = path.dirname(file)
        const now = yield* Clock.currentTimeMillis
        const plan = yield* Effect.forEach(carried.files, (entry) => {
          const staged = path.join(carried.folder, ...entry.name.split("/"))
          const local = path.join(folder, ...entry.name.split("/"))
          return Effect.map(compare(local, staged, entry.size), ({ copy, fingerprint, mtime }) => ({
            ...entry,
            staged,
            local,
            fingerprint,
            recent: mtime !== undefined && now - mtime.getTime() < RECENT_MS,
            action: actionFor(entry.kind, copy)
          }))
        }).pipe(Effect.mapError(failedTo("compare the carried files with", folder)))
        const which = (action: CarriedAction) =>
          plan.filter((entry) => entry.action === action).map(({ local }) => local)
        const result = {
          dir: target,
          file,
          created: which("place"),
          updated: which("update"),
          unchanged: which("leave"),
          keptLocal: which("keepLocal"),
          conflicts: which("conflict"),
          newerHere: which("newerHere"),
          recent: plan.filter((entry) => entry.recent && entry.action !== "place").map(({ local }) => local)
        }
        if (!placeable(plan.map(({ action }) => action))) {
          return { ...result, placed: false, created: [], updated: [], previous: [] }
        }
        const previous: Array<{ readonly file: string; readonly copy: string }> = []
        // The transcript last, so that when it appears, the files it refers to are there.
        const ordered = [...plan].sort((a, b) => Number(a.kind === "session") - Number(b.kind === "session"))
        for (const entry of ordered) {
          if (entry.action !== "place" && entry.action !== "update") continue
          const keep = path.join(previousInto, ...entry.name.split("/"))
          const replace = entry.action === "update" && entry.fingerprint !== undefined
            ? { fingerprint: entry.fingerprint, keep }
            : undefined
          const outcome = yield* fs.makeDirectory(path.dirname(entry.local), { recursive: true, mode: 0o700 }).pipe(
            Effect.zipRight(copyOnce(entry.staged, entry.local, { ...(replace === undefined ? {} : { replace }) })),
            Effect.mapError(failedTo("place the carried conversation in", folder))
          )
          if (outcome === "changed") {
            return yield* new InvalidInput({
              reason: `${entry.local} changed while the carried conversation was placed (is claude running on it?); ` +
                "it was left as it is. Close that session and run the pickup again."
            })
          }
          if (outcome !== "copied") {
            return yield* new InvalidInput({
              reason: `${entry.local} appeared while the carried conversation was placed; run the pickup again.`
            })
          }
          if (replace !== undefined) previous.push({ file: entry.local, copy: keep })
        }
        return { ...result, placed: true, previous }
      })

      return { locate, copyInto, placeCarried }
    })
  )
}
