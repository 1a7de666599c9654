// The part of tar-stream 3 (streaming tar on streamx) that cclink uses.
declare module "tar-stream" {
  import type { EventEmitter } from "node:events"

  export interface Header {
    name: string
    size?: number
    mode?: number
    mtime?: Date
    /** `file` for regular files; links, devices, folders and the rest are other types. */
    type?: string
  }

  /** A streamx Writable for one entry's content. */
  export interface EntrySink extends EventEmitter {
    write(data: Uint8Array): boolean
    end(): void
    destroy(error?: Error): void
  }

  /** A streamx Readable of tar bytes. */
  export interface Pack extends EventEmitter, AsyncIterable<Uint8Array> {
    entry(header: Header, callback: (error?: Error | null) => void): EntrySink
    finalize(): void
    destroy(error?: Error): void
  }

  /** One entry as it is read: its header, and a streamx Readable of its content. */
  export interface Entry extends EventEmitter, AsyncIterable<Uint8Array> {
    readonly header: Header & { readonly size: number; readonly type: string }
    resume(): void
  }

  /** A streamx Writable of tar bytes, iterated entry by entry. */
  export interface Extract extends EventEmitter, AsyncIterable<Entry> {
    write(data: Uint8Array): boolean
    end(): void
    destroy(error?: Error): void
  }

  export function pack(): Pack
  export function extract(): Extract
}
