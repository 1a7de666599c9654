/**
 * Archives for the tests: what cclink packs from a project folder, and
 * hostile ones a publisher could craft by hand (any tar header, any gzip
 * stream), sealed with age to the picker's key like real ones.
 */
import { Effect } from "effect"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { gzipSync } from "node:zlib"
import { type Header, pack as tarPack } from "tar-stream"
import { encrypt } from "../../src/crypto/age.js"

/** A folder of one file's tests, removed after them. */
export const tempFolder = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Writes `files` (relative names, `/`-separated) under `folder`. */
export const writeTree = (folder: string, files: Readonly<Record<string, string | Uint8Array>>) => {
  for (const [name, content] of Object.entries(files)) {
    const path = join(folder, ...name.split("/"))
    mkdirSync(join(path, ".."), { recursive: true })
    writeFileSync(path, content)
  }
}

/** A tar stream of `entries` exactly as given: any header, any content. */
export const tarOf = async (
  entries: ReadonlyArray<{ readonly header: Header; readonly content?: Uint8Array }>
): Promise<Uint8Array> => {
  const tar = tarPack()
  const chunks: Array<Uint8Array> = []
  const collected = (async () => {
    for await (const chunk of tar) chunks.push(chunk)
  })()
  for (const { content, header } of entries) {
    await new Promise<void>((resolve, reject) => {
      const sink = tar.entry(
        { size: content?.length ?? 0, ...header },
        (error) => error ? reject(error) : resolve()
      )
      if (content !== undefined && content.length > 0) sink.write(content)
      sink.end()
    })
  }
  tar.finalize()
  await collected
  return new Uint8Array(Buffer.concat(chunks))
}

/** `tar` gzipped and sealed to `recipient`, written to `file`: an archive as it would travel. */
export const sealedArchive = (tar: Uint8Array, recipient: string, file: string) =>
  Effect.runPromise(encrypt(new Uint8Array(gzipSync(tar)), recipient)).then((sealed) => {
    writeFileSync(file, sealed)
    return { file, tarSize: tar.length }
  })
