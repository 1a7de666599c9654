/**
 * The BEP 44 `put` round: the signed packet sent to the nodes nearest the key
 * that gave a write token during the lookup, each with its own token.
 *
 * Each node gets a patience from its own round trip in the lookup
 * (patience.ts). A node that has not acknowledged within it is sent the `put`
 * once more: on a lossy path the first `put` or its acknowledgement was lost.
 * The round ends when every node has answered; or when all but three have
 * stored the packet and the others had a fair chance, one and a half times
 * the nodes' median round trip (the `put` reached a slow node long before its
 * acknowledgement comes back), each of them then sent the `put` once more if
 * it was not yet; or, short of that, when at least half have stored it and
 * every other one has had its resend and its patience again.
 * Acknowledgements that come later are not waited for (the node stored the
 * packet all the same).
 *
 * A resent `put` can meet the packet its first copy stored, unacknowledged:
 * the node then refuses it (BEP 44 error 301 for the CAS, 302 for the seq),
 * exactly as it would refuse it for holding another publisher's newer
 * packet. Such a refusal is settled by asking the node for the item: it
 * stored ours if it serves this very signature.
 */
import type DHT from "bittorrent-dht"
import { Effect, Option } from "effect"
import { targetOf } from "./bep44.js"
import { type Outcome, query } from "./krpcQuery.js"
import type { Patience } from "./patience.js"
import type { SignedPacket } from "./signedPacket.js"
import { READ_ONLY, type Responder } from "./traversal.js"

export interface Store {
  /** Nodes the packet was sent to. */
  readonly asked: number
  /** Nodes that acknowledged storing the packet. */
  readonly stored: number
  /** Nodes that refused it because they hold something newer (BEP 44 errors 301 CAS and 302 seq). */
  readonly superseded: number
  /** Nodes sent the packet a second time. */
  readonly resent: number
}

/** Acknowledgements missing, at most, for the round to end once the others had a fair chance. */
const ALL_BUT = 3

const CAS_MISMATCH = 301
const SUPERSEDED = new Set([CAS_MISMATCH, 302])

type Result = "pending" | "stored" | "superseded" | "failed"

interface Target {
  readonly node: Responder
  result: Result
  /** Queries to it in flight. */
  inFlight: number
  resent: boolean
  /** Sent again with its own seq as `cas` after refusing the newest. */
  caught: boolean
  /** Resent, and waited for as long again. */
  hadItsChance: boolean
  timer?: ReturnType<typeof setTimeout>
}

const isBytes = (value: unknown): value is Uint8Array => value instanceof Uint8Array

/**
 * Sends `packet` to `nodes`, with `cas` (spec: the seq of the newest packet
 * seen for the key) when given: a node holding another seq refuses it (301).
 * A node that served an older seq in the lookup refuses it too, for holding
 * a copy an earlier publish left behind; it is sent the packet once more with
 * its own seq as `cas`, which still fails if its item changed since the
 * lookup. Without that, after a publish that missed a few of the nearest
 * nodes, each next publish under the key would land on fewer.
 */
export const store = (
  dht: DHT,
  nodes: ReadonlyArray<Responder>,
  packet: SignedPacket,
  cas: Option.Option<number>,
  patience: Patience
): Effect.Effect<Store> =>
  Effect.async<Store>((resume) => {
    const rpc = dht._rpc
    const targets = nodes.map((node): Target => ({
      node,
      result: "pending",
      inFlight: 0,
      resent: false,
      caught: false,
      hadItsChance: false
    }))
    const quorum = Math.ceil(targets.length / 2)
    const enough = Math.max(quorum, targets.length - ALL_BUT)
    const sig = Buffer.from(packet.sig)
    /** First `put`s still to leave (waiting for a free slot of the node). */
    let leaving = targets.length
    /** Every node has been waited for one and a half times the nodes' median round trip. */
    let fairChance = false
    let roundTimer: ReturnType<typeof setTimeout> | undefined
    let finished = false

    const count = (result: Result) => targets.filter((target) => target.result === result).length

    const stop = () => {
      finished = true
      clearTimeout(roundTimer)
      for (const target of targets) clearTimeout(target.timer)
    }

    const finish = () => {
      stop()
      resume(Effect.succeed({
        asked: targets.length,
        stored: count("stored"),
        superseded: count("superseded"),
        resent: targets.filter((target) => target.resent).length
      }))
    }

    const check = () => {
      if (finished) return
      const open = targets.filter((target) => target.result === "pending")
      const stored = count("stored")
      if (stored >= enough && fairChance) {
        // The last chance of those still silent: their first `put` or its acknowledgement may have been lost.
        for (const target of open) if (!target.resent) resend(target)
        return finish()
      }
      if (open.length === 0 || (stored >= quorum && open.every((target) => target.hadItsChance))) finish()
    }

    const settle = (target: Target, result: Result) => {
      if (target.result !== "pending") return
      target.result = result
      clearTimeout(target.timer)
    }

    /** A query of `target`'s came back without storing: it failed if nothing else is still coming from it. */
    const nothingYet = (target: Target) => {
      if (target.inFlight === 0 && target.resent) settle(target, "failed")
    }

    const ask = (
      target: Target,
      message: { q: string; a: Record<string, unknown> },
      landed: (o: Outcome) => void,
      sent?: () => void
    ) => {
      target.inFlight++
      query(dht, target.node, message, (outcome) => {
        target.inFlight--
        if (!finished) {
          landed(outcome)
          check()
        }
      }, sent)
    }

    /** Asks a node that refused the resend which packet it serves: ours means the first `put` landed. */
    const confirm = (target: Target) =>
      ask(target, { q: "get", a: { id: rpc.id, target: targetOf(packet.publicKey), ro: READ_ONLY } }, (o) => {
        if (o._tag === "Reply" && o.r.seq === packet.seq && isBytes(o.r.sig) && sig.equals(o.r.sig)) {
          settle(target, "stored")
        } else if (o._tag === "Reply") settle(target, "superseded")
        else nothingYet(target)
      })

    /** Behind: it served an older seq than the `cas` it was sent, so it holds a copy an earlier publish left. */
    const behind = (target: Target) =>
      Option.isSome(cas) && target.node.seq !== undefined && target.node.seq < cas.value && !target.caught

    const put = (target: Target, expected = cas, leaves = () => {}) => {
      const a: Record<string, unknown> = {
        id: rpc.id,
        ro: READ_ONLY,
        token: target.node.token,
        k: Buffer.from(packet.publicKey),
        seq: packet.seq,
        sig,
        v: Buffer.from(packet.v)
      }
      if (Option.isSome(expected)) a.cas = expected.value
      ask(target, { q: "put", a }, (o) => {
        if (o._tag === "Reply") settle(target, "stored")
        else if (o._tag === "Refused" && o.code === CAS_MISMATCH && behind(target)) {
          target.caught = true
          put(target, Option.fromNullable(target.node.seq))
        } else if (o._tag === "Refused" && SUPERSEDED.has(o.code)) {
          if (target.resent) confirm(target)
          else settle(target, "superseded")
        } else if (o._tag === "Refused") settle(target, "failed")
        else nothingYet(target)
      }, () => {
        leaves()
        wait(target)
      })
    }

    const resend = (target: Target) => {
      target.resent = true
      put(target, target.caught ? Option.fromNullable(target.node.seq) : cas)
    }

    /** Once every first `put` has left, the nodes' fair chance is counted. */
    const left = () => {
      if (--leaving > 0) return
      const rtts = targets.map((target) => target.node.rtt).sort((a, b) => a - b)
      roundTimer = setTimeout(() => {
        fairChance = true
        check()
      }, patience.forNode(rtts[Math.floor(rtts.length / 2)]!))
    }

    /** From when a `put` leaves: once the node's patience runs out, resend once, then stop waiting for it. */
    const wait = (target: Target) => {
      if (finished) return
      clearTimeout(target.timer)
      target.timer = setTimeout(() => {
        if (target.result !== "pending" || finished) return
        if (target.resent) {
          target.hadItsChance = true
          return check()
        }
        resend(target)
      }, patience.forNode(target.node.rtt))
    }

    if (targets.length === 0) return resume(Effect.succeed({ asked: 0, stored: 0, superseded: 0, resent: 0 }))
    for (const target of targets) put(target, cas, left)
    return Effect.sync(stop)
  })
