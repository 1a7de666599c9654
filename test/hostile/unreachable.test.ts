/**
 * No reachable node: the bootstrap nodes are a socket that never answers and
 * a port where nothing listens. Publish and pickup must fail with the typed
 * NetworkError (exit code 6 on the command line) within the deadline, never
 * hang, and must have tried.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Either } from "effect"
import { randomUUID } from "node:crypto"
import { join } from "node:path"
import { Keypair } from "../../src/domain/keys.js"
import { errorText } from "../cli/support/cli.js"
import { makeKey, makeMachine, makeProject, makeRoot } from "../cli/support/machines.js"
import { listeningHole } from "../dht/network.js"
import { closedPort, udpSink } from "../support/udp.js"
import { recordFigures } from "./support/figures.js"
import { withHandoffs } from "./support/handoffsClient.js"
import { DOCUMENTED_EXIT_CODE } from "./support/outcome.js"

const DEADLINE = Duration.seconds(5)
/** Slack for a loaded machine: the point is that it ends, not how fast. */
const SLACK_MS = 10_000

const timed = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const started = Date.now()
    return { result: yield* Effect.either(effect), ms: Date.now() - started }
  })

const figures: Record<string, unknown> = {}

describe("no reachable node", () => {
  it.scopedLive("publish and pickup fail with NetworkError within the deadline", () =>
    Effect.gen(function*() {
      const hole = yield* listeningHole
      const bootstrap = [hole.address, `127.0.0.1:${yield* Effect.promise(closedPort)}`]
      const keypair = Keypair.generate()
      const publish = yield* timed(withHandoffs(bootstrap, (h) =>
        h.publish({
          keypair,
          payload: { hostname: "box", project: "/p", sessionId: randomUUID() },
          ttl: 3600,
          mode: { encryption: { _tag: "Self" }, burn: false }
        }), { timeout: DEADLINE }))
      const pickup = yield* timed(
        withHandoffs(bootstrap, (h) => h.resolveActive(keypair.publicKey), { timeout: DEADLINE })
      )
      const failsInTime = (
        { ms, result }: { readonly ms: number; readonly result: Either.Either<unknown, { readonly _tag: string }> }
      ) => {
        expect(Either.isLeft(result) && result.left._tag).toBe("NetworkError")
        expect(ms).toBeLessThan(Duration.toMillis(DEADLINE) + SLACK_MS)
      }
      failsInTime(publish)
      failsInTime(pickup)
      // Both tried the silent node, more than once (the retries of the backoff schedule).
      expect(hole.received()).toBeGreaterThan(2)
      figures.library = {
        deadlineMs: Duration.toMillis(DEADLINE),
        publish: { error: "NetworkError", ms: publish.ms },
        pickup: { error: "NetworkError", ms: pickup.ms },
        datagramsToSilentNode: hole.received()
      }
    }))

  it("the command line: pickup and publish exit 6 within --timeout", async () => {
    const root = makeRoot()
    const sink = await udpSink()
    try {
      const machine = makeMachine(root, "a", { bootstrap: [sink.address, `127.0.0.1:${await closedPort()}`] })
      machine.installKey(makeKey())
      const project = makeProject(root, "p")
      // A warm code cache, as after a user's first command, so the times below are the commands' own.
      const env = { XDG_CACHE_HOME: join(root.dir, "cache") }
      expect((await machine.run(["whoami"], { env })).code).toBe(0)
      const deadlineMs = 3_000 + SLACK_MS
      const pickup = await machine.run(["pickup", "--no-launch", "--timeout", "3s"], { env, deadlineMs })
      const publish = await machine.run(["publish", randomUUID(), "--timeout", "3s"], { cwd: project, env, deadlineMs })
      for (const result of [pickup, publish]) {
        expect(result.code).toBe(DOCUMENTED_EXIT_CODE.NetworkError)
        expect(errorText(result)).toMatch(/^Network error: /)
      }
      expect(sink.received()).toBeGreaterThan(0)
      figures.commandLine = {
        timeoutFlag: "3s",
        pickup: { exitCode: pickup.code, ms: pickup.ms },
        publish: { exitCode: publish.code, ms: publish.ms }
      }
    } finally {
      sink.close()
      root.cleanup()
      recordFigures("unreachable", figures)
    }
  })
})
