/**
 * The live `Carry` layer on a real HyperDHT test network (UDP on this
 * machine): a conversation served and fetched, resumed after a break; and
 * what must never work: a key the server does not admit gets no byte, and
 * bytes that do not match the ticket (altered, too many, too few) are never
 * accepted and leave no file behind. The misbehaving servers are written
 * against the protocol (domain/carryProtocol.ts) in ./network.ts.
 */
import { Duration, Effect, Either, Layer, Queue } from "effect"
import HyperDHT from "hyperdht"
import { createHash, randomBytes } from "node:crypto"
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { setTimeout as sleep } from "node:timers/promises"
import { afterAll, describe, expect, it, vi } from "vitest"
import * as CarryLive from "../../src/carry/hyperdht.js"
import { clientSeed } from "../../src/crypto/carryClientKey.js"
import { ACK, encodeGrant, encodeRequest } from "../../src/domain/carryProtocol.js"
import type { CarryTicket } from "../../src/domain/carryTicket.js"
import { Carry, CarryConfig } from "../../src/services/Carry.js"
import { udpSink } from "../support/udp.js"
import { tempFolder } from "./archives.js"
import { rogueServer, useCarryNetwork } from "./network.js"

const net = useCarryNetwork()
const folder = tempFolder("cclink-carry-")
afterAll(folder.cleanup)

let files = 0
const file = (content: Uint8Array) => {
  const path = join(folder.dir, `served-${++files}`)
  writeFileSync(path, content, { mode: 0o600 })
  return path
}
const destination = () => join(folder.dir, `fetched-${++files}`)

const live = () => CarryLive.layer.pipe(Layer.provide(Layer.succeed(CarryConfig, { bootstrap: net.bootstrap })))
const run = <A, E>(effect: Effect.Effect<A, E, Carry>) => Effect.runPromise(Effect.provide(effect, live()))

const sha256 = (bytes: Uint8Array) => new Uint8Array(createHash("sha256").update(bytes).digest())
/** `content` in a file of its own, as a publisher serves it. */
const offerOf = (content: Uint8Array) => ({ file: file(content), size: content.length, digest: sha256(content) })
const patience = Duration.seconds(4)

const ticketFor = (content: Uint8Array, serverKey: Uint8Array, clientSecret: Uint8Array): CarryTicket => ({
  serverKey,
  clientSecret,
  digest: sha256(content),
  size: content.length,
  unpackedSize: content.length
})

describe("the live carry layer", () => {
  it("serves a file to the admitted key; the fetch checks it, and the server reports the complete transfer", async () => {
    const content = randomBytes(3_000_000)
    const into = destination()
    const { event, fetched } = await run(Effect.scoped(Effect.gen(function*() {
      const carry = yield* Carry
      const serving = yield* carry.serve(offerOf(content))
      let progress = 0
      const fetched = yield* carry.fetch(ticketFor(content, serving.serverKey, serving.clientSecret), into, {
        patience,
        onProgress: (received) => (progress = received)
      })
      expect(progress).toBe(content.length)
      return { fetched, event: yield* Queue.take(serving.events) }
    })))
    expect(readFileSync(into).equals(content)).toBe(true)
    expect(statSync(into).mode & 0o777).toBe(0o600)
    expect(fetched).toEqual({ via: expect.stringMatching(/^(direct|holepunch)$/), attempts: 1 })
    expect(event).toMatchObject({ _tag: "Transferred", bytes: content.length, offset: 0, via: fetched.via })
    expect(event._tag === "Transferred" && event.remote).toMatch(/^127\.0\.0\.1:\d+$/)
  })

  it(
    "a client that knows the server's key but not the client secret gets no byte: refused in the handshake",
    async () => {
      const content = randomBytes(100_000)
      const into = destination()
      const { events, result } = await run(Effect.scoped(Effect.gen(function*() {
        const carry = yield* Carry
        const serving = yield* carry.serve(offerOf(content))
        // A stranger's key, derived from another secret: the server's firewall refuses it before any byte is sent.
        const stranger = ticketFor(content, serving.serverKey, randomBytes(16))
        const result = yield* Effect.either(carry.fetch(stranger, into, { patience: Duration.seconds(3) }))
        return { result, events: yield* Queue.takeAll(serving.events) }
      })))
      expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "TransferFailed", why: "unreachable" })
      expect(existsSync(into)).toBe(false)
      // No connection got past the firewall: a server event exists for every one that did.
      expect([...events]).toEqual([])
    },
    30_000
  )

  it("a publisher that stopped serving: TransferFailed (not serving), soon, and no file", async () => {
    const content = randomBytes(1000)
    const ticket = await run(Effect.scoped(Effect.gen(function*() {
      const serving = yield* (yield* Carry).serve(offerOf(content))
      return ticketFor(content, serving.serverKey, serving.clientSecret)
    })))
    const into = destination()
    const started = Date.now()
    const result = await run(
      Effect.flatMap(Carry, (carry) => Effect.either(carry.fetch(ticket, into, { patience: Duration.seconds(20) })))
    )
    expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "TransferFailed", why: "notServing" })
    expect(Date.now() - started).toBeLessThan(20_000)
    expect(existsSync(into)).toBe(false)
  }, 30_000)
})

describe("bytes that are not the ticket's", () => {
  const content = randomBytes(400_000)
  const fetchFrom = (serverKey: Uint8Array, clientSecret: Uint8Array, into: string) =>
    Effect.flatMap(
      Carry,
      (carry) =>
        Effect.either(carry.fetch(ticketFor(content, serverKey, clientSecret), into, { patience: Duration.seconds(3) }))
    )

  it("altered bytes of the right size: refused by the digest (SignatureInvalid), answered NAK, no file", async () => {
    const altered = Uint8Array.from(content)
    altered[200_000]! ^= 1
    let reply: number | undefined
    const into = destination()
    const result = await run(Effect.scoped(Effect.gen(function*() {
      const rogue = yield* rogueServer(net.bootstrap, (socket) => {
        socket.on("data", (data: Buffer) => (reply = data[0]))
        socket.write(Uint8Array.of(0))
        socket.write(altered)
      })
      return yield* fetchFrom(rogue.serverKey, rogue.clientSecret, into)
    })))
    expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "SignatureInvalid", layer: "transcript" })
    expect(reply).not.toBe(ACK)
    expect(existsSync(into)).toBe(false)
  }, 30_000)

  it("more bytes than the ticket's size: refused as soon as they arrive", async () => {
    const into = destination()
    const result = await run(Effect.scoped(Effect.gen(function*() {
      const rogue = yield* rogueServer(net.bootstrap, (socket) => {
        socket.write(Uint8Array.of(0))
        socket.write(Buffer.concat([content, randomBytes(1000)]))
      })
      return yield* fetchFrom(rogue.serverKey, rogue.clientSecret, into)
    })))
    expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "SignatureInvalid", layer: "transcript" })
    expect(existsSync(into)).toBe(false)
  }, 30_000)

  it(
    "a stream that always breaks at the same byte: resumed while it makes progress, then TransferFailed, no file",
    async () => {
      const into = destination()
      const offsets: Array<number> = []
      const result = await run(Effect.scoped(Effect.gen(function*() {
        const rogue = yield* rogueServer(net.bootstrap, (socket, offset) => {
          offsets.push(offset)
          socket.write(Uint8Array.of(0))
          socket.write(content.subarray(offset, 150_000))
          socket.end()
        })
        return yield* fetchFrom(rogue.serverKey, rogue.clientSecret, into)
      })))
      expect(Either.isLeft(result) && result.left).toMatchObject({
        _tag: "TransferFailed",
        why: "broke",
        received: 150_000,
        size: 400_000
      })
      // The first connection from the start, every later one from where it broke.
      expect(offsets[0]).toBe(0)
      expect(offsets.length).toBeGreaterThan(1)
      for (const offset of offsets.slice(1)) expect(offset).toBe(150_000)
      expect(existsSync(into)).toBe(false)
    },
    30_000
  )

  it("a break, then a server that serves: the fetch resumes at the offset and the file is whole", async () => {
    const into = destination()
    const offsets: Array<number> = []
    const fetched = await run(Effect.scoped(Effect.gen(function*() {
      const rogue = yield* rogueServer(net.bootstrap, (socket, offset, connection) => {
        offsets.push(offset)
        socket.write(Uint8Array.of(0))
        socket.write(content.subarray(offset, connection === 1 ? 150_000 : content.length))
        if (connection === 1) socket.end()
      })
      return yield* Effect.flatMap(
        Carry,
        (carry) => carry.fetch(ticketFor(content, rogue.serverKey, rogue.clientSecret), into, { patience })
      )
    })))
    expect(fetched.attempts).toBe(2)
    expect(offsets[0]).toBe(0)
    expect(offsets[1]).toBeGreaterThan(0)
    expect(offsets[1]).toBeLessThanOrEqual(150_000)
    expect(readFileSync(into).equals(content)).toBe(true)
  }, 30_000)
})

describe("patience", () => {
  const content = randomBytes(400_000)
  const ticketOf = (rogue: { serverKey: Uint8Array; clientSecret: Uint8Array }, size = content.length) => ({
    ...ticketFor(content, rogue.serverKey, rogue.clientSecret),
    size
  })

  it("a publisher that goes silent mid-transfer: the fetch ends one patience after the last byte", async () => {
    let lastByte = 0
    const result = await run(Effect.scoped(Effect.gen(function*() {
      const rogue = yield* rogueServer(net.bootstrap, (socket, offset) => {
        socket.write(Uint8Array.of(0))
        // The first connection sends some bytes, then nothing, connection kept open; later ones only the status.
        if (offset === 0) socket.write(content.subarray(0, 150_000))
      })
      return yield* Effect.flatMap(Carry, (carry) =>
        Effect.either(carry.fetch(ticketOf(rogue), destination(), {
          patience: Duration.seconds(4),
          onProgress: () => (lastByte = Date.now())
        })))
    })))
    const after = Date.now() - lastByte
    expect(Either.isLeft(result) && result.left.message).toContain(
      "The transfer broke after 150000 of 400000 bytes (no byte for 4s)."
    )
    // One patience (4 s) and a margin for a busy machine; counting from when the stall was noticed made it 8 s.
    expect(after).toBeGreaterThanOrEqual(3900)
    expect(after).toBeLessThan(6000)
  }, 30_000)

  it("a publisher that trickles: cut off at the deadline the size allows (at least 32 KiB/s)", async () => {
    // 100 bytes every 200 ms, well within the patience each time, would take 4 minutes for 50 kB.
    const size = 50_000
    const started = Date.now()
    const result = await run(Effect.scoped(Effect.gen(function*() {
      const rogue = yield* rogueServer(net.bootstrap, (socket) => {
        socket.write(Uint8Array.of(0))
        const timer = setInterval(() => socket.write(content.subarray(0, 100)), 200)
        socket.once("close", () => clearInterval(timer))
      })
      return yield* Effect.flatMap(Carry, (carry) =>
        Effect.either(
          carry.fetch(ticketOf(rogue, size), destination(), { patience: Duration.seconds(2) }).pipe(
            Effect.timeout(Duration.seconds(20))
          )
        ))
    })))
    expect(Either.isLeft(result) && result.left.message).toMatch(
      /^The transfer broke after \d+ of 50000 bytes \(too slow: \d+ bytes in \d+ s; at least 32 KiB\/s\)\.$/
    )
    // The patience plus a second and a half for 50 kB at 32 KiB/s, and a margin.
    expect(Date.now() - started).toBeLessThan(8000)
  }, 30_000)
})

describe("flow control", () => {
  it("the server sends no more than the picker granted, so a slow disk never fills the picker's memory", async () => {
    const content = randomBytes(3_000_000)
    const received = await run(Effect.scoped(Effect.gen(function*() {
      const serving = yield* (yield* Carry).serve(offerOf(content))
      return yield* Effect.acquireUseRelease(
        Effect.promise(async () => {
          const node = new HyperDHT({ bootstrap: [...net.bootstrap], ephemeral: true, port: [0, 0] })
          await node.ready()
          return node
        }),
        (node) =>
          Effect.promise(async () => {
            const seed = clientSeed(serving.clientSecret)
            const socket = node.connect(serving.serverKey, { keyPair: HyperDHT.keyPair(seed) })
            let bytes = 0
            socket.on("data", (data: Buffer) => (bytes += data.length))
            socket.on("error", () => {})
            await new Promise((resolve) => socket.once("open", resolve))
            socket.write(encodeRequest(0))
            socket.write(encodeGrant(100_000))
            await sleep(1500)
            const first = bytes
            socket.write(encodeGrant(50_000))
            await sleep(1500)
            socket.destroy()
            // The status byte, then exactly what was granted.
            return [first, bytes]
          }),
        (node) => Effect.promise(() => node.destroy({ force: true }))
      )
    })))
    expect(received).toEqual([1 + 100_000, 1 + 150_000])
  }, 30_000)
})

describe("secrets", () => {
  /** The key pairs hyperdht makes while `effect` runs, watched, not changed. */
  const keyPairsDuring = async <A>(effect: Effect.Effect<A, unknown, Carry>) => {
    const made: Array<{ readonly secretKey: Uint8Array }> = []
    const keyPair = HyperDHT.keyPair.bind(HyperDHT)
    const spy = vi.spyOn(HyperDHT, "keyPair").mockImplementation((seed) => {
      const pair = keyPair(seed)
      made.push(pair)
      return pair
    })
    try {
      return { result: await run(effect), made }
    } finally {
      spy.mockRestore()
    }
  }
  const zero = (bytes: Uint8Array) => bytes.every((byte) => byte === 0)

  it("the server's secret key and the client secret are wiped when serving ends", async () => {
    const content = randomBytes(1000)
    const { made, result } = await keyPairsDuring(Effect.scoped(Effect.map(
      Effect.flatMap(Carry, (carry) => carry.serve(offerOf(content))),
      (serving) => ({ serving, secretWhileServing: Uint8Array.from(serving.clientSecret) })
    )))
    expect(made).toHaveLength(1)
    expect(zero(made[0]!.secretKey)).toBe(true)
    expect(zero(result.secretWhileServing)).toBe(false)
    expect(zero(result.serving.clientSecret)).toBe(true)
  }, 30_000)

  it("the picker derives its key pair once per fetch, resumes included, and wipes it after", async () => {
    const content = randomBytes(400_000)
    const { made, result } = await keyPairsDuring(Effect.scoped(Effect.gen(function*() {
      const rogue = yield* rogueServer(net.bootstrap, (socket, offset, connection) => {
        socket.write(Uint8Array.of(0))
        socket.write(content.subarray(offset, connection === 1 ? 150_000 : content.length))
        if (connection === 1) socket.end()
      })
      return yield* Effect.flatMap(
        Carry,
        (carry) => carry.fetch(ticketFor(content, rogue.serverKey, rogue.clientSecret), destination(), { patience })
      )
    })))
    expect(result.attempts).toBe(2)
    // The first is the rogue server's own, made by the test's helper.
    const picker = made.slice(1)
    expect(picker).toHaveLength(1)
    expect(zero(picker[0]!.secretKey)).toBe(true)
  }, 30_000)
})

describe("serving ends", () => {
  it(
    "while a picker is still connected: its connection is cut, and the late event is dropped, not thrown",
    async () => {
      const content = randomBytes(1_000_000)
      let closed = false
      await run(Effect.scoped(Effect.gen(function*() {
        const node = yield* Effect.acquireRelease(
          Effect.promise(async () => {
            const node = new HyperDHT({ bootstrap: [...net.bootstrap], ephemeral: true, port: [0, 0] })
            await node.ready()
            return node
          }),
          (node) => Effect.promise(() => node.destroy({ force: true }))
        )
        const socket = yield* Effect.scoped(Effect.gen(function*() {
          const serving = yield* (yield* Carry).serve(offerOf(content))
          return yield* Effect.promise(async () => {
            const socket = node.connect(serving.serverKey, {
              keyPair: HyperDHT.keyPair(clientSeed(serving.clientSecret))
            })
            socket.on("error", () => {})
            socket.on("close", () => (closed = true))
            await new Promise((resolve) => socket.once("open", resolve))
            socket.write(encodeRequest(0))
            socket.write(encodeGrant(1000))
            await new Promise((resolve) => socket.once("data", resolve))
            return socket
          })
        }))
        // Serving has ended (its scope closed) with the picker waiting for more: the server's side is gone.
        yield* Effect.promise(() => sleep(1500))
        socket.destroy()
      })))
      expect(closed).toBe(true)
    },
    30_000
  )
})

describe("an unreachable carry network", () => {
  it("a fetch gives up within its patience, bootstrap included, and leaves no file", async () => {
    const sink = await udpSink()
    try {
      const content = randomBytes(1000)
      const layer = CarryLive.layer.pipe(Layer.provide(Layer.succeed(CarryConfig, { bootstrap: [sink.address] })))
      const into = destination()
      const started = Date.now()
      const result = await Effect.runPromise(
        Effect.flatMap(Carry, (carry) =>
          Effect.either(
            carry.fetch(ticketFor(content, randomBytes(32), randomBytes(16)), into, {
              patience: Duration.seconds(2)
            })
          )).pipe(Effect.provide(layer))
      )
      expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "TransferFailed", why: "unreachable" })
      expect(sink.received()).toBeGreaterThan(0)
      // Generous for a busy machine: hyperdht alone would take 6 s to give up on its bootstrap.
      expect(Date.now() - started).toBeLessThan(5000)
      expect(existsSync(into)).toBe(false)
    } finally {
      sink.close()
    }
  }, 30_000)
})
