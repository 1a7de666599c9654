/**
 * Realistic Claude Code transcripts of any size, for the tests and the
 * benchmark of carrying: JSON lines shaped as the real `claude` writes them
 * (user prompts, assistant messages with usage, tool results holding code
 * and command output), words drawn from a small vocabulary with ids and
 * hashes in between, so they compress about as real ones do (3 to 4 times
 * with gzip), not as zeros or random bytes would.
 */
import { randomBytes, randomUUID } from "node:crypto"
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs"
import { dirname } from "node:path"

const WORDS = (
  "the a of to and in is that for it with as be on this are by or function const return if else import export " +
  "from await async type interface string number error file test value result data session project claude code " +
  "handoff network key record publish pickup stream archive bytes refactor parser build lint commit branch"
).split(" ")

const pick = <A>(items: ReadonlyArray<A>) => items[Math.floor(Math.random() * items.length)]!
const words = (count: number) => Array.from({ length: count }, () => pick(WORDS)).join(" ")
const code = (lines: number) =>
  Array.from(
    { length: lines },
    () =>
      `  const ${pick(WORDS)}${Math.floor(Math.random() * 100)} = ${pick(WORDS)}("${randomBytes(4).toString("hex")}")`
  ).join("\n")
const size = (most: number) => 10 + Math.floor(Math.random() * most)

/** One line of the session `sessionId` run in `cwd`. */
export const transcriptLine = (sessionId: string, cwd: string): string => {
  const common = {
    parentUuid: randomUUID(),
    isSidechain: false,
    userType: "external",
    cwd,
    sessionId,
    version: "2.1.332",
    gitBranch: "main",
    uuid: randomUUID(),
    timestamp: new Date().toISOString()
  }
  switch (Math.floor(Math.random() * 3)) {
    case 0:
      return JSON.stringify({ ...common, type: "user", message: { role: "user", content: words(size(60)) } })
    case 1:
      return JSON.stringify({
        ...common,
        type: "assistant",
        requestId: `req_${randomBytes(12).toString("base64url")}`,
        message: {
          id: `msg_${randomBytes(12).toString("base64url")}`,
          role: "assistant",
          model: "claude-opus-4",
          content: [{ type: "text", text: words(size(200)) }],
          usage: { input_tokens: size(9999), output_tokens: size(999), cache_read_input_tokens: size(99999) }
        }
      })
    default:
      return JSON.stringify({
        ...common,
        type: "user",
        message: {
          role: "user",
          content: [{
            type: "tool_result",
            tool_use_id: `toolu_${randomBytes(12).toString("base64url")}`,
            content: code(size(80))
          }]
        },
        toolUseResult: { stdout: code(size(40)), stderr: "", interrupted: false }
      })
  }
}

/** Writes a transcript of at least `bytes` bytes to `file` (whole lines), and answers its size. */
export const writeTranscript = (file: string, bytes: number, sessionId: string, cwd: string): number => {
  mkdirSync(dirname(file), { recursive: true })
  const fd = openSync(file, "w", 0o600)
  let written = 0
  try {
    const batch: Array<string> = []
    while (written < bytes) {
      const line = `${transcriptLine(sessionId, cwd)}\n`
      batch.push(line)
      written += Buffer.byteLength(line)
      if (batch.length === 1000) writeSync(fd, batch.splice(0).join(""))
    }
    writeSync(fd, batch.join(""))
  } finally {
    closeSync(fd)
  }
  return written
}
