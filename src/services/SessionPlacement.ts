/**
 * Where pickup starts `claude --resume`. Claude Code looks for a session
 * under the folder of the directory it starts in (Sessions.folderOf), and
 * the project may live under another path on this machine (`/Users/alice/x`
 * there, `/home/alice/x` here), so the session file may first have to be
 * copied into the folder of the directory claude will start in.
 */
import { FileSystem, Path } from "@effect/platform"
import type { PlatformError } from "@effect/platform/Error"
import { Context, Data, Effect, Layer, Option, Stream } from "effect"
import { createHash } from "node:crypto"
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

type CopyOutcome = "copied" | "identical" | "different"

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
       */
      const copyOnce = (from: string, to: string): Effect.Effect<CopyOutcome, PlatformError> =>
        Effect.scoped(Effect.gen(function*() {
          const temp = yield* fs.makeTempDirectoryScoped({ directory: path.dirname(to), prefix: ".cclink-" })
          const staged = path.join(temp, path.basename(to))
          yield* fs.copyFile(from, staged)
          yield* Effect.scoped(Effect.flatMap(fs.open(staged, { flag: "r+" }), (file) => file.sync))
          return yield* fs.link(staged, to).pipe(
            Effect.as<CopyOutcome>("copied"),
            Effect.catchIf(isAlreadyExists, () =>
              Effect.map(
                Effect.all([digest(staged), digest(to)]),
                ([ours, theirs]): CopyOutcome => ours === theirs ? "identical" : "different"
              ))
          )
        }))

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
              hint: "cclink hands over the session id, not the conversation. Sync the projects folder from the " +
                "other machine (Syncthing, rsync, NFS, or a shared mount over Tailscale/SSH), for example " +
                `rsync -a other-host:.claude/projects/ ${projectsDir}/ , then pick up again.`
            })
          )
        )
      })

      const copyInto = Effect.fn("SessionPlacement.copyInto")(function*(
        source: Pick<SessionFile, "sessionId" | "file">,
        dir: string
      ) {
        const target = yield* fs.realPath(dir).pipe(
          Effect.mapError(() => new InvalidInput({ reason: `The project directory ${dir} does not exist here.` }))
        )
        if (!Option.contains(yield* typeOf(target), "Directory")) {
          return yield* new InvalidInput({ reason: `${dir} is not a directory.` })
        }
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

      return { locate, copyInto }
    })
  )
}
