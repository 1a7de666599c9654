/**
 * `Carry` on HyperDHT (the engine of Hyperswarm and Keet): peers found and
 * connected by Ed25519 public key, Noise-encrypted streams, UDP hole punching
 * through NATs. Each call runs its own short-lived node: ephemeral (it never
 * joins other nodes' routing tables), bound to a free port (hyperdht's own
 * default is the fixed 49737, so two cclink processes on one machine would
 * queue for it), destroyed with the call's scope.
 *
 * The server admits one client key, derived from the ticket's secret; every
 * other key is refused by hyperdht's firewall during the Noise handshake,
 * before a byte of the archive exists on that connection. The exchange on
 * the stream is domain/carryProtocol.ts.
 */
import { Data, Duration, Effect, Layer, Queue, Schedule } from "effect"
import HyperDHT, { type HyperDHTError, type KeyPair, type SecretStream } from "hyperdht"
import { randomBytes } from "node:crypto"
import { createReadStream } from "node:fs"
import { clientPublicKey, clientSeed } from "../crypto/carryClientKey.js"
import {
  ACK,
  decodeRequest,
  encodeGrant,
  encodeRequest,
  GRANT,
  GRANT_BYTES,
  NAK,
  REQUEST_BYTES,
  Status,
  statusFor,
  WINDOW_BYTES
} from "../domain/carryProtocol.js"
import { type CarryTicket, CLIENT_SECRET_BYTES } from "../domain/carryTicket.js"
import { formatDuration } from "../domain/duration.js"
import { type FileError, NetworkError, NoDirectPath, TransferFailed } from "../domain/errors.js"
import { fileError } from "../domain/fileError.js"
import { equals } from "../domain/keys.js"
import { Carry, CarryConfig, type CarryVia, type FetchOptions, type Offer, type ServeEvent } from "../services/Carry.js"
import { connectionKind } from "./connectionKind.js"
import { type Download, mismatch, Overflow, scopedDownload } from "./download.js"
import { drained } from "./drained.js"

/** Read size for the archive file: large enough for throughput, far below hyperdht's 16 MiB write limit. */
const CHUNK_BYTES = 64 * 1024
/** How long a server waits for a client's request, then for its acknowledgement after the last byte. */
const SERVER_PATIENCE_MS = 60_000
/** Connect failures saying nobody listens on the key; after this many in a row the publisher is gone. */
const NOT_LISTENING = new Set(["PEER_NOT_FOUND"])
const NOT_LISTENING_ATTEMPTS = 3
/**
 * Connect failures saying no hole can be punched: hyperdht found both NATs
 * randomizing, or gave the punch up (what it does then, within a second,
 * measured in test/nat). After this many in a row, before any byte, there is
 * no path (`NoDirectPath`).
 */
const UNPUNCHABLE = new Set(["HOLEPUNCH_DOUBLE_RANDOMIZED_NATS", "HOLEPUNCH_ABORTED"])
const UNPUNCHABLE_ATTEMPTS = 3

/** `[0, 0]`: an empty range of preferred ports, so dht-rpc binds any free one. */
const ANY_PORT = [0, 0] as const

/**
 * A node in the scope. Created at once, then waited for, interruptibly: with
 * the bootstrap nodes out of reach, hyperdht takes seconds to give up, and a
 * deadline must be able to cut that short.
 */
const node = (bootstrap: ReadonlyArray<string>) =>
  Effect.acquireRelease(
    Effect.sync(() =>
      new HyperDHT({
        ...(bootstrap.length === 0 ? {} : { bootstrap }),
        ephemeral: true,
        port: ANY_PORT
      })
    ),
    (dht) => Effect.promise(() => dht.destroy({ force: true }))
  ).pipe(Effect.tap((dht) => Effect.promise(() => dht.ready())))

const remoteOf = (socket: SecretStream) =>
  socket.rawStream === null ? "unknown" : `${socket.rawStream.remoteHost}:${socket.rawStream.remotePort}`

/** Bytes from `socket` on demand, with a deadline for each read; the stream stays paused in between. */
const reader = (socket: SecretStream) => {
  let buffered = Buffer.alloc(0)
  let wake: (() => void) | undefined
  let ended: Error | undefined
  socket.on("data", (data: Buffer) => {
    buffered = Buffer.concat([buffered, data])
    wake?.()
  })
  const stop = (error: Error) => {
    ended ??= error
    wake?.()
  }
  socket.on("end", () => stop(new Error("the connection ended")))
  socket.on("close", () => stop(new Error("the connection closed")))
  socket.on("error", (error: Error) => stop(error))
  return (bytes: number, timeoutMs: number): Promise<Uint8Array> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no answer in time")), timeoutMs)
      const check = () => {
        if (buffered.length >= bytes) {
          clearTimeout(timer)
          wake = undefined
          const out = buffered.subarray(0, bytes)
          buffered = buffered.subarray(bytes)
          resolve(out)
        } else if (ended !== undefined) {
          clearTimeout(timer)
          wake = undefined
          reject(ended)
        }
      }
      wake = check
      check()
    })
}

/**
 * The picker's messages after its request: grants (the server may send that
 * many bytes more), then one final ACK or NAK, which `final` resolves with.
 */
const pickerMessages = (read: (bytes: number, timeoutMs: number) => Promise<Uint8Array>) => {
  let granted = 0
  let ended = false
  let wake: (() => void) | undefined
  const final = (async () => {
    try {
      while (true) {
        const [type] = await read(1, SERVER_PATIENCE_MS)
        if (type !== GRANT) return type
        const count = await read(4, SERVER_PATIENCE_MS)
        granted += new DataView(count.buffer, count.byteOffset, 4).getUint32(0)
        wake?.()
      }
    } finally {
      ended = true
      wake?.()
    }
  })()
  final.catch(() => {})
  /** Until the picker grants more than `position`, the sender waits here; it fails if the picker stops first. */
  const grantedBeyond = (position: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (granted <= position && !ended) return
        wake = undefined
        if (granted > position) resolve()
        else reject(new Error("the picker stopped before the end"))
      }
      wake = check
      check()
    })
  return { final, granted: () => granted, grantedBeyond }
}

/** One connection on the server: request, status, the bytes from the offset as granted, acknowledgement. */
const answer = async (dht: HyperDHT, socket: SecretStream, offer: Offer): Promise<ServeEvent> => {
  const started = Date.now()
  const remote = remoteOf(socket)
  // Read again at the end: hyperdht may move a connection to a better path while it lives.
  let via = connectionKind(dht, socket) ?? "holepunch"
  const viaNow = () => (via = connectionKind(dht, socket) ?? via)
  const read = reader(socket)
  let sent = 0
  const interrupted = (reason: string): ServeEvent => ({
    _tag: "Interrupted",
    remote,
    via: viaNow(),
    bytes: sent,
    millis: Date.now() - started,
    reason
  })
  try {
    const request = decodeRequest(await read(REQUEST_BYTES, SERVER_PATIENCE_MS))
    if (request._tag === "Left") return interrupted(request.left)
    const status = statusFor(request.right, offer.size)
    socket.write(Uint8Array.of(status))
    if (status !== Status.Ok) {
      return interrupted(
        status === Status.UnsupportedVersion
          ? `the picker speaks protocol version ${request.right.version}`
          : "the picker asked for an offset past the end"
      )
    }
    const { offset } = request.right
    const picker = pickerMessages(read)
    if (offset < offer.size) {
      for await (const data of createReadStream(offer.file, { start: offset, highWaterMark: CHUNK_BYTES })) {
        let chunk = data as Buffer
        while (chunk.length > 0) {
          if (picker.granted() <= sent) await picker.grantedBeyond(sent)
          const piece = chunk.subarray(0, picker.granted() - sent)
          chunk = chunk.subarray(piece.length)
          sent += piece.length
          if (!socket.write(piece)) await drained(socket, () => new Error("the connection closed"))
        }
      }
    }
    const reply = await picker.final
    if (reply === ACK) {
      return { _tag: "Transferred", remote, via: viaNow(), bytes: sent, offset, millis: Date.now() - started }
    }
    return interrupted(reply === NAK ? "the picker refused the bytes (digest mismatch)" : "no acknowledgement")
  } catch (error) {
    return interrupted(error instanceof Error ? error.message : String(error))
  } finally {
    socket.end()
    setTimeout(() => socket.destroy(), 2000).unref()
  }
}

const serve = (bootstrap: ReadonlyArray<string>) =>
  Effect.fn("Carry.serve")(function*(offer: Offer) {
    // Made before the node, so wiped after it is destroyed; the server keeps only the admitted public key.
    const keyPair = yield* wipedWithScope(() => HyperDHT.keyPair(), (keyPair) => keyPair.secretKey)
    const clientSecret = yield* wipedWithScope(() => randomBytes(CLIENT_SECRET_BYTES), (secret) => secret)
    const admitted = clientPublicKey(clientSecret)
    const dht = yield* node(bootstrap)
    const events = yield* Queue.unbounded<ServeEvent>()
    const server = dht.createServer(
      { firewall: (remotePublicKey) => !equals(remotePublicKey, admitted) },
      (socket) => {
        socket.on("error", () => {})
        // A connection may end after serving has: the queue is shut down then, and the event dropped.
        void answer(dht, socket, offer).then((event) => Queue.unsafeOffer(events, event))
      }
    )
    // Closed with the scope even when listening is cut short (a deadline): the announcement is withdrawn.
    yield* Effect.addFinalizer(() => Effect.promise(() => server.close()))
    yield* Effect.tryPromise({
      try: () => server.listen(keyPair),
      catch: (error) => new NetworkError({ reason: `cannot listen on the carry network: ${describe(error)}` })
    })
    yield* Effect.addFinalizer(() => Queue.shutdown(events))
    return { serverKey: Uint8Array.from(keyPair.publicKey), clientSecret, events }
  })

/** What `make` makes, its `secret` zeroed when the scope closes. */
const wipedWithScope = <A>(make: () => A, secret: (value: A) => Uint8Array) =>
  Effect.acquireRelease(Effect.sync(make), (value) => Effect.sync(() => secret(value).fill(0)))

/**
 * The picker's key pair, derived from the ticket's client secret once per
 * fetch (hyperdht's key pair holds the seed in its 64-byte secret key), and
 * zeroed when the scope closes, after the node that used it.
 */
const clientKeyPair = (clientSecret: Uint8Array) =>
  wipedWithScope(() => {
    const seed = clientSeed(clientSecret)
    try {
      return HyperDHT.keyPair(seed)
    } finally {
      seed.fill(0)
    }
  }, (keyPair) => keyPair.secretKey)

const describe = (error: unknown) => (error as HyperDHTError | undefined)?.code ?? String(error)

/** How one connection attempt ended, when it did not deliver the whole archive. */
type AttemptFailure =
  | { readonly _tag: "Network"; readonly code: string | undefined; readonly reason: string }
  | { readonly _tag: "Refused"; readonly reason: string }
  | { readonly _tag: "Tampered" }
  | { readonly _tag: "Disk"; readonly error: FileError }

type AttemptEnd = { readonly _tag: "Delivered"; readonly via: CarryVia } | AttemptFailure

/**
 * How long a fetch goes on: `patience` after the last byte arrived (or after
 * it started, before any), and never past its deadline, `patience` plus the
 * time the archive takes at `MIN_BYTES_PER_SECOND`, so a publisher that
 * trickles a byte now and then cannot hold the picker forever.
 */
interface Timing {
  /** When the fetch gives up unless another byte arrives, in ms since the epoch. */
  readonly expiresAt: () => number
  /** A byte arrived now. */
  readonly arrived: () => void
  /** Why it gave up, with `received` bytes in. */
  readonly why: (received: number) => string
}

/** The slowest transfer a fetch waits for: 256 kbit/s. */
const MIN_BYTES_PER_SECOND = 32 * 1024

const timingOf = (ticket: CarryTicket, patienceMs: number): Timing => {
  const started = Date.now()
  const deadline = started + patienceMs + Math.ceil(ticket.size / MIN_BYTES_PER_SECOND * 1000)
  let lastByteAt = started
  return {
    expiresAt: () => Math.min(lastByteAt + patienceMs, deadline),
    arrived: () => {
      lastByteAt = Date.now()
    },
    why: (received) =>
      Date.now() >= deadline
        ? `too slow: ${received} bytes in ${Math.round((Date.now() - started) / 1000)} s; at least ${
          MIN_BYTES_PER_SECOND / 1024
        } KiB/s`
        : `no byte for ${formatDuration(Math.round(patienceMs / 1000))}`
  }
}

/** How long a delivered attempt waits for its acknowledgement to leave before the stream is cut. */
const CLOSE_MS = 2000

/**
 * One connection: request from what the download holds, take bytes until
 * the ticket's size, check, and acknowledge. Settles (never rejects) once
 * nothing of it runs any more: its last write landed, its callbacks are off.
 *
 * The picker enforces its own grants. UDX acknowledges every packet as it
 * lands and the stream pushes it out at once, paused or not, so a publisher
 * that ignored the grants would fill the picker's memory: every byte is
 * counted as it arrives, and one past what was granted on this connection
 * (or past the signed size) ends the attempt as tampered. What arrived
 * within the grants waits in a queue for the one writer, which grants more
 * as it writes, so the queue never holds more than the window.
 *
 * A watchdog ends the attempt when `timing` says the fetch has waited long
 * enough (each byte that arrives pushes that back); once every byte has
 * arrived, the network is done with and the final check (an fsync: as slow
 * as the disk) is not timed. `signal` abandons the attempt (the fetch was
 * interrupted).
 */
const attempt = (
  dht: HyperDHT,
  keyPair: KeyPair,
  ticket: CarryTicket,
  download: Download,
  timing: Timing,
  onProgress: (received: number) => void,
  signal: AbortSignal
): Promise<AttemptEnd> =>
  new Promise((settle) => {
    const socket = dht.connect(ticket.serverKey, { keyPair })
    /** Set once the attempt has settled: every callback stops there. */
    let ended = false
    let failure: AttemptFailure | undefined
    let status: number | undefined
    let via: CarryVia = "holepunch"
    /** Bytes the server may send on this connection, and bytes it sent (after the status). */
    let granted = 0
    let arrived = 0
    const queue: Array<Uint8Array> = []
    let queued = 0
    /** Bytes written since the last grant: granted again once they are a whole grant's worth. */
    let ungranted = 0
    let allArrived = false
    let writer: Promise<void> | undefined

    const end = (result: AttemptEnd) => {
      if (ended) return
      ended = true
      clearTimeout(watchdog)
      signal.removeEventListener("abort", abandon)
      settle(result)
    }
    const fail = (reason: AttemptFailure) => {
      failure ??= reason
      queue.length = 0
      socket.destroy()
    }
    const abandon = () => fail({ _tag: "Network", code: undefined, reason: "abandoned" })
    signal.addEventListener("abort", abandon)
    // Rescheduled lazily: a byte only moves the expiry, the timer finds it when it fires.
    let watchdog: NodeJS.Timeout
    const watch = () => {
      const left = timing.expiresAt() - Date.now()
      if (left > 0) watchdog = setTimeout(watch, left)
      else fail({ _tag: "Network", code: undefined, reason: timing.why(download.received + queued) })
    }

    watch()

    /** Acknowledges (or refuses) the checked download and lets the acknowledgement leave before settling. */
    const finish = (verified: boolean) => {
      if (failure !== undefined) return end(failure)
      if (!socket.destroyed) {
        socket.write(Uint8Array.of(verified ? ACK : NAK))
        socket.end()
      }
      if (!verified) {
        failure ??= { _tag: "Tampered" }
        socket.destroy()
        return end(failure)
      }
      via = connectionKind(dht, socket) ?? via
      const done = () => end({ _tag: "Delivered", via })
      if (socket.destroyed) return done()
      socket.once("close", done)
      setTimeout(() => socket.destroy(), CLOSE_MS).unref()
    }

    /** The one writer: the queue to disk in order, more grants as it goes, then the check. */
    const write = async () => {
      while (queue.length > 0 && failure === undefined) {
        const chunk = queue.shift()!
        queued -= chunk.length
        try {
          await download.write(chunk)
        } catch (error) {
          return fail(
            error instanceof Overflow ? { _tag: "Tampered" } : { _tag: "Disk", error: diskError(download, error) }
          )
        }
        onProgress(download.received)
        ungranted += chunk.length
        if (ungranted >= GRANT_BYTES && !allArrived && !socket.destroyed) {
          socket.write(encodeGrant(ungranted))
          granted += ungranted
          ungranted = 0
        }
      }
      if (!download.complete || failure !== undefined) return
      const verified = await download.verify().catch((error: unknown) => {
        fail({ _tag: "Disk", error: diskError(download, error) })
        return undefined
      })
      if (verified !== undefined) finish(verified)
    }
    const kick = () => {
      writer ??= write().finally(() => {
        writer = undefined
      })
    }

    socket.on("error", (error: HyperDHTError) => {
      if (!allArrived) failure ??= { _tag: "Network", code: error.code, reason: describe(error) }
    })
    // The publisher ended its side before the last byte: no need to wait for the watchdog.
    socket.on("end", () => {
      if (!allArrived) fail({ _tag: "Network", code: undefined, reason: "the publisher ended the connection" })
    })
    socket.on("close", () => {
      clearTimeout(watchdog)
      // With every byte in, the writer finishes the attempt whatever the connection does.
      if (allArrived && failure === undefined) return
      void (writer ?? Promise.resolve()).then(() =>
        end(failure ?? { _tag: "Network", code: undefined, reason: "the connection closed" })
      )
    })
    socket.on("open", () => {
      if (ended) return
      via = connectionKind(dht, socket) ?? via
      socket.write(encodeRequest(download.received))
      socket.write(encodeGrant(WINDOW_BYTES))
      granted = WINDOW_BYTES
    })
    socket.on("data", (data: Buffer) => {
      if (ended || failure !== undefined) return
      timing.arrived()
      let chunk: Uint8Array = data
      if (status === undefined) {
        status = chunk[0]
        chunk = chunk.subarray(1)
        if (status !== Status.Ok) {
          return fail({
            _tag: "Refused",
            reason: status === Status.UnsupportedVersion
              ? "the publisher's cclink speaks another carry protocol version; update both sides"
              : "the publisher refused the resume offset"
          })
        }
      }
      if (chunk.length === 0) return
      arrived += chunk.length
      // Past the grants, or past the signed size: bytes nobody asked for, from the key the ticket names.
      if (arrived > granted || download.received + queued + chunk.length > ticket.size) {
        return fail({ _tag: "Tampered" })
      }
      queue.push(chunk)
      queued += chunk.length
      if (download.received + queued === ticket.size) {
        allArrived = true
        clearTimeout(watchdog)
      }
      kick()
    })
  })

const diskError = (download: Download, error: unknown) => fileError(download.file, "Cannot write the download", error)

/** A connection that failed in a way worth another one, while time is left. */
class Retry extends Data.TaggedError("Retry")<{ readonly detail: string }> {}

/**
 * Between connections: 0.5 s doubling to 4 s at most, never past the time
 * left; only after a `Retry`, and only while time is left.
 */
const reconnecting = (timing: Timing) =>
  Schedule.exponential(Duration.millis(500)).pipe(
    Schedule.union(Schedule.spaced(Duration.seconds(4))),
    Schedule.whileInput((error: { readonly _tag: string }) =>
      error._tag === "Retry" && timing.expiresAt() > Date.now()
    ),
    Schedule.modifyDelay((_, delay) =>
      Duration.min(delay, Duration.millis(Math.max(0, timing.expiresAt() - Date.now())))
    )
  )

const fetch = (bootstrap: ReadonlyArray<string>) =>
  Effect.fn("Carry.fetch")(function*(ticket: CarryTicket, destination: string, options: FetchOptions) {
    const timing = timingOf(ticket, Duration.toMillis(options.patience))
    const failed = (why: "unreachable" | "broke", detail: string) =>
      new TransferFailed({ why, detail, received: download.received, size: ticket.size })
    const keyPair = yield* clientKeyPair(ticket.clientSecret)
    const dht = yield* node(bootstrap).pipe(
      Effect.timeoutFail({
        duration: options.patience,
        onTimeout: () =>
          new TransferFailed({
            why: "unreachable",
            detail: "the carry network did not answer",
            received: 0,
            size: ticket.size
          })
      })
    )
    const download = yield* scopedDownload(destination, ticket)
    const onProgress = options.onProgress ?? (() => {})
    let attempts = 0
    let notListening = 0
    let unpunchable = 0

    /** One connection, and what its end means for the fetch. */
    const connection = Effect.gen(function*() {
      attempts++
      const end = yield* Effect.acquireUseRelease(
        Effect.sync(() => {
          const controller = new AbortController()
          return {
            controller,
            running: attempt(dht, keyPair, ticket, download, timing, onProgress, controller.signal)
          }
        }),
        ({ running }) => Effect.promise(() => running),
        // Interrupted: the attempt is abandoned, and waited for, before the download is removed.
        ({ controller, running }) => Effect.promise(() => (controller.abort(), running))
      )
      switch (end._tag) {
        case "Delivered":
          return end.via
        case "Tampered":
          return yield* mismatch()
        case "Disk":
          return yield* end.error
        case "Refused":
          return yield* failed("unreachable", end.reason)
      }
      yield* Effect.promise(() => download.flush())
      notListening = end.code !== undefined && NOT_LISTENING.has(end.code) ? notListening + 1 : 0
      unpunchable = end.code !== undefined && UNPUNCHABLE.has(end.code) ? unpunchable + 1 : 0
      if (unpunchable >= UNPUNCHABLE_ATTEMPTS && download.received === 0) return yield* new NoDirectPath()
      if (notListening >= NOT_LISTENING_ATTEMPTS) {
        return yield* new TransferFailed({
          why: "notServing",
          detail: end.reason,
          received: download.received,
          size: ticket.size
        })
      }
      return yield* new Retry({ detail: end.reason })
    })

    const via = yield* connection.pipe(
      Effect.retry(reconnecting(timing)),
      Effect.catchTag("Retry", ({ detail }) => failed(download.received === 0 ? "unreachable" : "broke", detail))
    )
    return { via, attempts }
  }, Effect.scoped)

export const layer: Layer.Layer<Carry, never, CarryConfig> = Layer.effect(
  Carry,
  Effect.map(CarryConfig, ({ bootstrap }) => Carry.of({ serve: serve(bootstrap), fetch: fetch(bootstrap) }))
)
