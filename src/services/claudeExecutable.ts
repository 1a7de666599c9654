/**
 * Finding and starting `claude` as the platform's shell would, with the
 * platform passed in: on Linux and macOS an executable file named `claude`
 * in a PATH folder (`:`-separated); on Windows `claude` with each extension
 * of PATHEXT (`claude.exe` from the native installer, `claude.cmd` from npm),
 * in `;`-separated PATH folders that may be quoted, and a `.cmd` or `.bat`
 * started through `cmd.exe`, since Windows runs batch files only there.
 */
import { posix, win32 } from "node:path"

/** Windows' own default when PATHEXT is unset. */
const DEFAULT_PATHEXT = ".COM;.EXE;.BAT;.CMD"

/**
 * Every file that would be `claude`, in the order the shell tries them.
 * Empty and relative PATH entries are skipped: they would resolve against
 * the current directory, where anyone could have put a `claude`.
 */
export const claudeCandidates = (
  platform: NodeJS.Platform,
  variables: { readonly PATH?: string | undefined; readonly PATHEXT?: string | undefined }
): ReadonlyArray<string> => {
  if (platform !== "win32") {
    return (variables.PATH ?? "").split(posix.delimiter).filter(posix.isAbsolute).map((dir) =>
      posix.join(dir, "claude")
    )
  }
  const extensions = (variables.PATHEXT || DEFAULT_PATHEXT).split(";").filter((ext) => ext.startsWith("."))
  return (variables.PATH ?? "")
    .split(win32.delimiter)
    .map((dir) => dir.trim().replace(/^"(.*)"$/, "$1"))
    .filter((dir) => win32.isAbsolute(dir) && !/^[\\/](?![\\/])/.test(dir))
    .flatMap((dir) => extensions.map((ext) => win32.join(dir, `claude${ext.toLowerCase()}`)))
}

/** Whether `file` counts as a program: Windows has no execute bit, the extension decides there. */
export const needsExecuteBit = (platform: NodeJS.Platform): boolean => platform !== "win32"

/** What to spawn to run `file` with `args`. */
export interface Launch {
  readonly command: string
  readonly args: ReadonlyArray<string>
  /** Pass `args` to Windows as written: cmd.exe's own quoting is in them. */
  readonly verbatim: boolean
}

/**
 * `file args...`, or on Windows, for a batch file, `cmd.exe /d /s /c ""file"
 * "arg"..."`: every word quoted, and the whole line quoted once more for
 * `/s`, which strips that outer pair. Quoting this way is safe for what
 * cclink starts: Windows file names cannot hold a quote, and the arguments
 * are `--resume` and a session id (a UUID).
 */
export const launchCommand = (
  platform: NodeJS.Platform,
  file: string,
  args: ReadonlyArray<string>,
  comSpec: string | undefined
): Launch => {
  if (platform !== "win32" || !/\.(cmd|bat)$/i.test(file)) return { command: file, args, verbatim: false }
  return {
    command: comSpec || "cmd.exe",
    args: ["/d", "/s", "/c", `"${[file, ...args].map((word) => `"${word}"`).join(" ")}"`],
    verbatim: true
  }
}
