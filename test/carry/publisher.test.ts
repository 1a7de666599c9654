/**
 * The `CarryPublisher` service over the in-memory `Carry` and `Dht` layers:
 * how serving ends. The end-to-end tests (test/cli/carry.test.ts) run the
 * same service in the CLI on real networks; these reach the moments a
 * subprocess cannot aim at (a stop while the burn is being stored) and run
 * a 30-minute schedule on the TestClock.
 */
import { NodeFileSystem } from "@effect/platform-node"
import { it } from "@effect/vitest"
import { Deferred, Duration, Effect, Either, Fiber, HashMap, Layer, Ref, TestClock } from "effect"
import { join } from "node:path"
import { afterAll, describe, expect } from "vitest"
import * as CarryMemory from "../../src/carry/memory.js"
import * as CarryPublisherLive from "../../src/carry/publisher.js"
import { recipientOf } from "../../src/crypto/x25519.js"
import * as DhtMemory from "../../src/dht/memory.js"
import { sign, toBytes } from "../../src/dht/signedPacket.js"
import { encodeDnsMessage } from "../../src/domain/dnsRecord.js"
import { Keypair } from "../../src/domain/keys.js"
import { parseSessionId } from "../../src/domain/sessionId.js"
import { Carry } from "../../src/services/Carry.js"
import { CarryPublisher, type PublisherEvent, type ServeOptions } from "../../src/services/CarryPublisher.js"
import { Dht } from "../../src/services/Dht.js"
import { Handoffs } from "../../src/services/Handoffs.js"
import { tempFolder, writeTree } from "./archives.js"

const root = tempFolder("cclink-publisher-")
afterAll(root.cleanup)
const id = Either.getOrThrow(parseSessionId("9b2f6c1e-7a4d-4e8b-b3c5-0d1e2f3a4b5c"))
writeTree(root.dir, { [`project/${id}.jsonl`]: "{\"type\":\"user\"}\n" })

/** The services over one in-memory network, its `Dht` changed by `wrap` (a slow store, say). */
const network = (wrap: (dht: Dht["Type"]) => Dht["Type"] = (dht) => dht) => {
  const dht = Layer.effect(
    Dht,
    Effect.map(Ref.make(HashMap.empty<string, Uint8Array>()), (store) => wrap(DhtMemory.make(store)))
  )
  return CarryPublisherLive.layer.pipe(
    Layer.provideMerge(
      Layer.mergeAll(CarryMemory.layer, Handoffs.layer.pipe(Layer.provideMerge(dht)), NodeFileSystem.layer)
    )
  )
}

/** A handoff published and its conversation served: what `publish --carry` has before it serves. */
const published = (burn: boolean) =>
  Effect.gen(function*() {
    const keypair = Keypair.generate()
    const carrying = yield* (yield* CarryPublisher).start({
      sessionId: id,
      file: join(root.dir, "project", `${id}.jsonl`),
      recipient: recipientOf(keypair.publicKey),
      stateDir: join(root.dir, "state"),
      timeout: Duration.seconds(5)
    })
    const handoff = yield* (yield* Handoffs).publish({
      keypair,
      payload: { hostname: "a", project: "/home/alice/x", sessionId: id, carry: carrying.ticket },
      ttl: 86400,
      mode: { encryption: { _tag: "Self" }, burn }
    })
    const revocation = burn
      ? toBytes(yield* sign(keypair, handoff.report.seq + 1, encodeDnsMessage(keypair.publicKey, null)))
      : undefined
    const events = yield* Ref.make<ReadonlyArray<PublisherEvent["_tag"]>>([])
    const options = (stop: Effect.Effect<unknown>): ServeOptions => ({
      publisher: keypair.publicKey,
      published: handoff,
      carrying,
      burn: revocation,
      every: Duration.minutes(30),
      stop,
      onEvent: (event) => Ref.update(events, (seen) => [...seen, event._tag])
    })
    return { keypair, carrying, revocation, options, events: Ref.get(events) }
  })

describe("CarryPublisher.serve", () => {
  it.scoped("a revoke is seen within a minute, with --every at 30 minutes", () =>
    Effect.gen(function*() {
      const { keypair, options } = yield* published(false)
      const serving = yield* Effect.fork((yield* CarryPublisher).serve(options(Effect.never)))
      yield* TestClock.adjust(Duration.seconds(10))
      yield* (yield* Dht).revoke(keypair)
      yield* TestClock.adjust(Duration.minutes(1))
      expect(serving.unsafePoll()).not.toBeNull()
      expect(yield* Fiber.join(serving)).toBe("revoked")
    }).pipe(Effect.provide(network())))

  it.live("a stop while the burn is being stored waits for it: the handoff is burned, and serving says so", () => {
    let slowBurn: Uint8Array | undefined
    const burning = Effect.runSync(Deferred.make<void>())
    // The store of the burn takes a while, as on a real network.
    const slow = (dht: Dht["Type"]): Dht["Type"] => ({
      ...dht,
      republish: (publicKey, bytes, options) =>
        bytes === slowBurn
          ? Effect.zipRight(
            Effect.zipRight(Deferred.succeed(burning, undefined), Effect.sleep(Duration.millis(300))),
            dht.republish(publicKey, bytes, options)
          )
          : dht.republish(publicKey, bytes, options)
    })
    return Effect.scoped(Effect.gen(function*() {
      const { carrying, events, keypair, options, revocation } = yield* published(true)
      slowBurn = revocation
      const stop = yield* Deferred.make<void>()
      const serving = yield* Effect.fork((yield* CarryPublisher).serve(options(Deferred.await(stop))))
      yield* (yield* Carry).fetch(carrying.ticket, join(root.dir, "fetched"), { patience: Duration.seconds(5) })
      // Ctrl-C while the revocation is on its way.
      yield* Deferred.await(burning)
      yield* Deferred.succeed(stop, undefined)
      expect(yield* Fiber.join(serving)).toBe("burned")
      expect(yield* events).toEqual(["Transferred"])
      const gone = yield* Effect.flip((yield* Handoffs).resolve(keypair.publicKey))
      expect(gone._tag).toBe("NotFound")
    })).pipe(Effect.provide(network(slow)))
  })
})
