/**
 * Claude Code's sessions on this machine: the `.jsonl` files under
 * `<config dir>/projects/<folder>/` (see `shared/spec/claude-sessions.md`),
 * the folder named as Claude Code names it (src/domain/projectDir.ts).
 * Finds the session to publish from a directory, a session by id, and the
 * folder Claude Code started in a directory uses.
 */
import { FileSystem, Path } from "@effect/platform"
import { Array as Arr, Clock, Config, Context, Effect, Layer, Option, Order, Schema } from "effect"
import { homedir } from "node:os"
import { isAbsolute } from "node:path"
import { NotFound } from "../domain/errors.js"
import { isSameOrNested, projectFolderName } from "../domain/projectDir.js"
import { parseSessionId, type SessionId } from "../domain/sessionId.js"
import { workingDirectory } from "./workingDirectory.js"

/** A session file; its project is not known until the file is read. */
export interface SessionFile {
  readonly sessionId: SessionId
  /** Absolute path of `<id>.jsonl`. */
  readonly file: string
  readonly mtime: Date
}

/** A session file with the project directory it records. */
export interface Session extends SessionFile {
  /** The first `cwd` the file records: the directory claude ran in. */
  readonly project: string
}

/** Sessions modified within this window count as active. */
const ACTIVE_WINDOW_MS = 24 * 60 * 60 * 1000
/** The reference reads at most 20 lines to find the cwd. */
const MAX_LINES = 20
/** Lines can hold whole tool outputs; never read more than this to find a cwd. */
const MAX_PREFIX_BYTES = 4 * 1024 * 1024
const CHUNK_BYTES = 64 * 1024
const NEWLINE = 0x0a

// A relative cwd would resolve against wherever cclink runs and match any directory.
const CwdLine = Schema.parseJson(Schema.Struct({ cwd: Schema.NonEmptyString.pipe(Schema.filter(isAbsolute)) }))
const decodeCwdLine = Schema.decodeUnknownOption(CwdLine)

/** The `cwd` of one JSON line; garbage and truncated lines have none. */
const utf8 = new TextDecoder()
const cwdOfLine = (line: Uint8Array): Option.Option<string> =>
  Option.map(decodeCwdLine(utf8.decode(line)), (record) => record.cwd)

const byNewest = Order.mapInput(Order.reverse(Order.Date), (session: SessionFile) => session.mtime)

export class Sessions extends Context.Tag("cclink/Sessions")<Sessions, {
  /** `<config dir>/projects`: `CLAUDE_CONFIG_DIR` or `~/.claude`, in Unicode's composed form (NFC) as Claude Code takes it. */
  readonly projectsDir: string
  /**
   * The folder where Claude Code started in `dir` keeps its sessions and the
   * project's `memory/`: `<projects>/<folder>` for the working directory it
   * will see there, or the one `CLAUDE_CODE_PROJECT_DIR_NAME` names.
   */
  readonly folderOf: (dir: string) => Effect.Effect<string>
  /**
   * The sessions to publish from `dir`: the session named by
   * `CLAUDE_CODE_SESSION_ID` when cclink runs inside Claude Code and that
   * file exists; otherwise the sessions modified in the last 24 hours whose
   * project is `dir`, contains it or lies inside it, newest first.
   */
  readonly discover: (dir: string) => Effect.Effect<Arr.NonEmptyReadonlyArray<Session>, NotFound>
  /** The newest file named `<id>.jsonl` in any project folder. */
  readonly findById: (id: SessionId) => Effect.Effect<SessionFile, NotFound>
  /** The first absolute `cwd` within the first 20 lines, read without reading the whole file. */
  readonly projectOf: (file: string) => Effect.Effect<Option.Option<string>>
  /** Every session file modified in the last 24 hours, in any project folder, newest first (`cclink doctor`). */
  readonly recent: Effect.Effect<ReadonlyArray<SessionFile>>
}>() {
  static readonly layer = Layer.effect(
    Sessions,
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const path = yield* Path.Path
      const home = Option.getOrElse(yield* Config.option(Config.nonEmptyString("HOME")), homedir)
      const configVariable = Option.getOrUndefined(yield* Config.option(Config.nonEmptyString("CLAUDE_CONFIG_DIR")))
      const folderSettings = {
        CLAUDE_CONFIG_DIR: configVariable,
        CLAUDE_CODE_PROJECT_DIR_NAME: Option.getOrUndefined(
          yield* Config.option(Config.string("CLAUDE_CODE_PROJECT_DIR_NAME"))
        )
      }
      // Claude Code composes the config folder's name (NFC) and files its projects there; on a
      // file system that keeps names as given, a decomposed `é` would be another folder.
      const configDir = (configVariable ?? path.join(home, ".claude")).normalize("NFC")
      const projectsDir = path.join(configDir, "projects")
      const folderOf = (dir: string) =>
        Effect.map(
          workingDirectory(process.platform, dir),
          (cwd) => path.join(projectsDir, projectFolderName(cwd, folderSettings))
        )
      const envSessionId = Option.flatMap(
        yield* Config.option(Config.string("CLAUDE_CODE_SESSION_ID")),
        (raw) => Option.getRight(parseSessionId(raw))
      )

      // Unreadable folders and vanished files are skipped: one broken entry
      // must not hide the other sessions.
      const listDir = (dir: string) => fs.readDirectory(dir).pipe(Effect.orElseSucceed(Arr.empty<string>))
      const mtimeOf = (file: string) =>
        fs.stat(file).pipe(
          Effect.map((info) => (info.type === "File" ? info.mtime : Option.none())),
          Effect.orElseSucceed(Option.none<Date>)
        )
      // The paths compared are the ones Claude Code records and names its folders after.
      const canonical = (dir: string) => workingDirectory(process.platform, dir)

      const sessionFilesIn = (folder: string) =>
        listDir(folder).pipe(
          Effect.flatMap((names) =>
            Effect.forEach(names, (name) => {
              const id = name.endsWith(".jsonl") ? Option.getRight(parseSessionId(name.slice(0, -6))) : Option.none()
              // The parse lowercases; only the exact file name is Claude's.
              if (Option.isNone(id) || `${id.value}.jsonl` !== name) return Effect.succeed(Option.none())
              const file = path.join(folder, name)
              return Effect.map(
                mtimeOf(file),
                Option.map((mtime): SessionFile => ({ sessionId: id.value, file, mtime }))
              )
            })
          ),
          Effect.map(Arr.getSomes)
        )

      const allSessionFiles = listDir(projectsDir).pipe(
        Effect.flatMap((folders) =>
          Effect.forEach(folders, (folder) => sessionFilesIn(path.join(projectsDir, folder)), { concurrency: 8 })
        ),
        Effect.map(Arr.flatten)
      )

      const projectOf = (file: string) =>
        Effect.scoped(Effect.gen(function*() {
          const handle = yield* fs.open(file, { flag: "r" })
          const chunk = new Uint8Array(CHUNK_BYTES)
          // Only the current, incomplete line is kept between reads.
          let partial: Array<Uint8Array> = []
          let lines = 0
          let total = 0
          while (lines < MAX_LINES && total < MAX_PREFIX_BYTES) {
            const read = Number(yield* handle.read(chunk))
            // The last line may lack its newline (a crash mid-write): try it as it is.
            if (read === 0) return cwdOfLine(Buffer.concat(partial))
            total += read
            const bytes = chunk.subarray(0, read)
            let start = 0
            let end = bytes.indexOf(NEWLINE)
            while (end !== -1 && lines < MAX_LINES) {
              lines += 1
              const cwd = cwdOfLine(Buffer.concat([...partial, bytes.subarray(start, end)]))
              if (Option.isSome(cwd)) return cwd
              partial = []
              start = end + 1
              end = bytes.indexOf(NEWLINE, start)
            }
            // A copy: `chunk` is reused by the next read.
            partial.push(bytes.slice(start))
          }
          return Option.none<string>()
        })).pipe(Effect.orElseSucceed(Option.none<string>))

      const withProject = (session: SessionFile) =>
        Effect.map(projectOf(session.file), Option.map((project): Session => ({ ...session, project })))

      const findById = Effect.fn("Sessions.findById")(function*(id: SessionId) {
        const folders = yield* listDir(projectsDir)
        const found = yield* Effect.forEach(folders, (folder) => {
          const file = path.join(projectsDir, folder, `${id}.jsonl`)
          return Effect.map(mtimeOf(file), Option.map((mtime): SessionFile => ({ sessionId: id, file, mtime })))
        }, { concurrency: 8 })
        return yield* Option.match(Arr.head(Arr.sort(Arr.getSomes(found), byNewest)), {
          onNone: () =>
            Effect.fail(
              new NotFound({ what: `No session file ${id}.jsonl under ${projectsDir}.` })
            ),
          onSome: Effect.succeed
        })
      })

      const envSession = Option.match(envSessionId, {
        onNone: () => Effect.succeed(Option.none<Session>()),
        onSome: (id) =>
          findById(id).pipe(
            Effect.flatMap(withProject),
            Effect.orElseSucceed(Option.none<Session>)
          )
      })

      const recent = Effect.gen(function*() {
        const cutoff = (yield* Clock.currentTimeMillis) - ACTIVE_WINDOW_MS
        const files = Arr.filter(yield* allSessionFiles, (session) => session.mtime.getTime() >= cutoff)
        return Arr.sort(files, byNewest)
      })

      const discover = Effect.fn("Sessions.discover")(function*(dir: string) {
        const current = yield* envSession
        if (Option.isSome(current)) return Arr.of(current.value)
        const here = yield* canonical(dir)
        const sessions = yield* Effect.forEach(yield* recent, (session) =>
          withProject(session).pipe(
            Effect.flatMap(Option.match({
              onNone: () => Effect.succeed(Option.none<Session>()),
              onSome: (found) =>
                Effect.map(canonical(found.project), (project) =>
                  isSameOrNested(project, here) ? Option.some(found) : Option.none())
            }))
          ), { concurrency: 8 })
        const active = Arr.sort(Arr.getSomes(sessions), byNewest)
        if (Arr.isNonEmptyReadonlyArray(active)) return active
        return yield* new NotFound({
          what: `No active Claude Code session for ${dir} (none modified in the last 24 hours under ${projectsDir}).`,
          hint: "Start one with `claude` in this folder, or pass its id: cclink <session-id>"
        })
      })

      return { projectsDir, folderOf, discover, findById, projectOf, recent }
    })
  )
}
