/**
 * The iterative lookup towards a target, as the best Kademlia implementations
 * walk the DHT (libtorrent's traversal, with adaptive timeouts): written here
 * because k-rpc's `closest` ends only when every query it ever sent has been
 * answered or has timed out after 2 seconds, so one dead node or one lost
 * datagram among a lookup's forty queries cost two seconds.
 *
 * - Candidates are kept nearest the target first. Up to `PARALLEL` queries
 *   are in flight, always to the nearest candidates not asked yet, and never
 *   to one behind the K nearest that answered.
 * - A query that takes longer than the current patience (patience.ts: a few
 *   times the median round trip so far) becomes slow: its slot goes to the
 *   next candidate, and the lookup no longer waits for it; if its answer
 *   comes before k-rpc's timeout, it counts like any other.
 * - The lookup ends when the K nodes nearest the target among those not
 *   failed, refused or slow have all answered with a write token: nobody
 *   nearer is left to ask or to wait for. With fewer than K such nodes (a
 *   small or broken network), it ends when no query is left in flight.
 * - A node that answers with a KRPC error (204: no BEP 44, as Transmission's
 *   nodes) is asked once more with `find_node`: it cannot store, but its
 *   routing table still leads towards the target. Such follow-ups never hold
 *   the lookup up.
 *
 * The first queries go to the K nodes of the client's routing table nearest
 * the target, or, while it holds fewer, to the bootstrap (and cached) nodes
 * too, all at once.
 */
import type DHT from "bittorrent-dht"
import type { KrpcQuery } from "bittorrent-dht"
import { Effect } from "effect"
import { type Address, addressKey, type Contact, decodeNodes, NODE_ID_BYTES, type Outcome, query } from "./krpcQuery.js"
import * as Listing from "./listing.js"
import * as Neighbourhood from "./neighbourhood.js"
import * as Patience from "./patience.js"

/** Kademlia's k, Mainline's bucket size: the number of nodes nearest a key that store it. */
export const K = 20
/** Queries in flight that are not slow (Kademlia's alpha). */
const PARALLEL = 16
/** Candidates beyond this many, farthest first, are dropped: a node cannot flood a lookup with made-up contacts. */
const MAX_CANDIDATES = 200

/**
 * BEP 43 read-only flag: a client that lives for one command asks nodes not
 * to add it to their routing tables, where it would be a dead entry a moment
 * later that every other lookup waits on.
 */
export const READ_ONLY = 1

/** A node that answered the lookup's query with a write token. */
export interface Responder extends Contact {
  readonly token: Buffer
  /** Its round trip in milliseconds. */
  readonly rtt: number
  /** The seq of the item it served, if any: what a `put` to it compares and swaps. */
  readonly seq: number | undefined
}

export interface Walk {
  /** The K nodes nearest the target that answered with a write token, nearest first. */
  readonly closest: ReadonlyArray<Responder>
  /** Nodes that answered anything, errors included. */
  readonly contacted: number
  /** Queries sent. */
  readonly queries: number
  /** Queries neither answered nor timed out when the lookup ended: what it did not wait for. */
  readonly unanswered: number
  /** What the lookup learned of round trips, for the `put` round that may follow. */
  readonly patience: Patience.Patience
}

type State = "new" | "asked" | "slow" | "answered" | "refused" | "failed"

interface Candidate {
  address: Address
  /** XOR distance to the target; unknown for a bootstrap node until it answers. */
  distance: Buffer | undefined
  state: State
  token?: Buffer
  rtt?: number
  seq?: number
  /** `get` queries to it in flight. */
  gets: number
  /** Its `get` was sent again once slow: the first, or its answer, may have been lost. */
  resent?: boolean
}

interface Flight {
  readonly candidate: Candidate
  /** When it left; until then (waiting for a free slot of the node) it cannot be slow. */
  sent: number
  /**
   * `get`: the lookup's own query; `route`: a `find_node` towards the target, for the nodes it lists only;
   * `explore`: a `find_node` listing a part of the target's neighbourhood.
   */
  readonly kind: "get" | "route" | "explore"
  readonly part?: Listing.Part
  /** Outlasted the patience: no longer holds a slot. */
  slow: boolean
  /** Outlasted twice the patience: no longer waited for at all, nor holding one of the node's slots (krpcQuery.ts). */
  abandoned: boolean
  release?: () => void
}

const ZERO = Buffer.alloc(NODE_ID_BYTES)

const isBytes = (value: unknown): value is Uint8Array => value instanceof Uint8Array

const xor = (a: Uint8Array, b: Uint8Array): Buffer => Buffer.from(a.map((byte, i) => byte ^ b[i]!))

/**
 * Walks towards `target` with `message` (a `get`), handing every answer's `r`
 * to `onAnswer`. `seeds` are nodes known near the target (the routing cache):
 * asked first, like any candidate. Interrupting it stops it; queries in flight
 * are left to k-rpc-socket, which drops their answers after its timeout.
 */
export const walk = (
  node: DHT,
  target: Buffer,
  message: KrpcQuery,
  onAnswer: (r: Record<string, unknown>) => void,
  seeds: ReadonlyArray<Contact> = []
): Effect.Effect<Walk> =>
  Effect.async<Walk>((resume) => {
    const rpc = node._rpc
    const patience = Patience.make()
    const findNode = (towards: Buffer): KrpcQuery => ({
      q: "find_node",
      a: { id: rpc.id, target: towards, ro: READ_ONLY }
    })
    /** Candidates whose id is known, nearest first. */
    const ranked: Array<Candidate> = []
    const byAddress = new Map<string, Candidate>()
    const ids = new Set<string>()
    const flights = new Set<Flight>()
    const heard = new Set<string>()
    let queries = 0
    let finished = false
    let timer: ReturnType<typeof setTimeout> | undefined

    const rank = (candidate: Candidate, id: Buffer) => {
      const distance = xor(id, target)
      candidate.distance = distance
      ids.add(id.toString("hex"))
      let at = ranked.findIndex((other) => Buffer.compare(distance, other.distance!) < 0)
      if (at === -1) at = ranked.length
      ranked.splice(at, 0, candidate)
      while (ranked.length > MAX_CANDIDATES && ranked.at(-1)!.state === "new") ranked.pop()
    }

    const learn = (contacts: ReadonlyArray<Contact>) => {
      for (const contact of contacts) {
        const key = addressKey(contact)
        const known = byAddress.get(key)
        // A bootstrap node still to answer, named by another node: it takes its place among the candidates.
        if (known !== undefined) identified(known, contact.id)
        if (known !== undefined || ids.has(contact.id.toString("hex"))) continue
        const candidate: Candidate = { address: contact, distance: undefined, state: "new", gets: 0 }
        byAddress.set(key, candidate)
        rank(candidate, contact.id)
      }
    }

    const send = (candidate: Candidate, kind: Flight["kind"], part?: Listing.Part, slow = false) => {
      const flight: Flight = { candidate, sent: Number.POSITIVE_INFINITY, kind, part, slow, abandoned: false }
      flights.add(flight)
      queries++
      if (kind === "get") {
        candidate.gets++
        if (!slow) candidate.state = "asked"
      }
      const asked = kind === "get" ? message : findNode(part?.cell.target ?? target)
      flight.release = query(node, candidate.address, asked, (outcome) => land(flight, outcome), (at) => {
        flight.sent = at
        if (!finished) arm()
      }).release
    }

    /** The distance of the K-th nearest node that answered, if K did: nothing farther can change the result. */
    const horizon = () => {
      let answered = 0
      for (const candidate of ranked) {
        if (candidate.state === "answered" && ++answered === K) return candidate.distance!
      }
      return undefined
    }

    /** Whether a part of the neighbourhood could hold a node nearer than the K-th answer, if there are K. */
    const worth = (cell: Neighbourhood.Cell) => {
      const far = horizon()
      return far === undefined || Buffer.compare(xor(cell.target, target), far) < 0
    }

    const listing = Listing.make(target, {
      *nodes() {
        for (const candidate of ranked) {
          const { state } = candidate
          yield {
            id: candidate.address.id!,
            key: addressKey(candidate.address),
            status: state === "answered" || state === "refused"
              ? "live"
              : state === "new" || state === "asked"
              ? "unknown"
              : "gone"
          }
        }
      },
      worth,
      ask: (chosen, part) => send(byAddress.get(chosen.key)!, "explore", part)
    })

    /** A part being listed (not slow) could still hold a node nearer than the K-th answer. */
    const listingMatters = () => {
      for (const flight of flights) {
        if (flight.kind === "explore" && !flight.slow && listing.matters(flight.part!)) return true
      }
      return false
    }

    /** The depth of the 8 nearest candidates: every node there lists them, so the parts above it need no listing. */
    const finest = () => Neighbourhood.sharedBits(ranked[Neighbourhood.ANSWERED_NODES - 1]!.distance!, ZERO)

    /**
     * The neighbourhood is listed once the walk has reached it: a node among
     * the K nearest candidates answered with the nodes it knows nearest the
     * target, and they did not change the 8 nearest (its routing table is
     * complete around it). A node far from the target names nodes nearer than
     * itself, unknown until then; one whose table is thin where the target is
     * may still start the listing early, on too shallow a guess of the
     * neighbourhood's depth, which the listing corrects as the walk goes on.
     */
    const reached = (candidate: Candidate, eighth: Candidate | undefined) => {
      if (listing.started() || eighth === undefined || ranked[Neighbourhood.ANSWERED_NODES - 1] !== eighth) return
      const at = ranked.indexOf(candidate)
      if (at !== -1 && at < K) listing.start()
    }

    /**
     * Before the lookup ends, every part that could hold a node nearer than
     * the K-th answer has been listed (the first parts were a guess from the 8
     * nearest alone, which may lie closer together than the network's size
     * would have it); short of K answers, the next part out is. Answers `true`
     * if it asked for more.
     */
    const widen = (results: number) =>
      listing.widen(results < K ? listing.lowest() - 1 : Neighbourhood.sharedBits(horizon()!, ZERO))

    /** A bootstrap or cached node told its id: it joins the candidates, to be asked like any other. */
    const identified = (candidate: Candidate, id: unknown) => {
      if (candidate.distance !== undefined || !isBytes(id) || id.length !== NODE_ID_BYTES) return
      const known = Buffer.from(id)
      if (ids.has(known.toString("hex")) || known.equals(rpc.id)) return
      candidate.address = { ...candidate.address, id: known }
      rank(candidate, known)
    }

    /** What the answer to a `get` makes of its node. */
    const answered = (candidate: Candidate, r: Record<string, unknown>, rtt: number) => {
      const { id, token } = r
      if (!isBytes(id) || id.length !== NODE_ID_BYTES) return (candidate.state = "failed")
      if (!isBytes(token)) return (candidate.state = "refused")
      candidate.token = Buffer.from(token)
      candidate.rtt = rtt
      if (typeof r.seq === "number") candidate.seq = r.seq
      candidate.state = "answered"
    }

    const land = (flight: Flight, outcome: Outcome) => {
      flights.delete(flight)
      if (finished) return
      const { candidate, kind } = flight
      if (kind === "get") candidate.gets--
      if (outcome._tag !== "Failed") {
        patience.observe(outcome.rtt)
        heard.add(addressKey(candidate.address))
      }
      switch (outcome._tag) {
        case "Reply": {
          const contacts = decodeNodes(outcome.r.nodes, rpc.id)
          const eighth = ranked[Neighbourhood.ANSWERED_NODES - 1]
          learn(contacts)
          if (kind === "route") identified(candidate, outcome.r.id)
          if (kind === "explore") listing.answered(flight.part!, candidate.address.id!, contacts)
          else if (contacts.length > 0 && (kind === "get" || candidate.state === "refused")) reached(candidate, eighth)
          if (kind === "get") {
            answered(candidate, outcome.r, outcome.rtt)
            onAnswer(outcome.r)
          }
          break
        }
        case "Refused":
          if (kind === "get") {
            candidate.state = "refused"
            // Its nodes, once the neighbourhood is being listed, are nodes the lookup knows already.
            if (!listing.started()) send(candidate, "route")
          } else if (kind === "explore" && !flight.slow) listing.failed(flight.part!)
          break
        case "Failed":
          if (kind === "get" && candidate.gets === 0 && (candidate.state === "asked" || candidate.state === "slow")) {
            candidate.state = "failed"
          } else if (kind === "explore" && !flight.slow) listing.failed(flight.part!)
          // As k-rpc does: a node that timed out leaves the client's routing table.
          if (outcome.timedOut && candidate.address.id !== undefined) rpc.nodes.remove(candidate.address.id)
      }
      advance()
    }

    const finish = () => {
      finished = true
      clearTimeout(timer)
      for (const flight of flights) flight.release?.()
      const closest = ranked
        .filter((candidate) => candidate.state === "answered")
        .slice(0, K)
        .map(({ address, rtt, seq, token }): Responder => ({
          id: address.id!,
          host: address.host,
          port: address.port,
          token: token!,
          rtt: rtt!,
          seq
        }))
      resume(Effect.succeed({ closest, contacted: heard.size, queries, unanswered: flights.size, patience }))
    }

    /** Marks the queries that outlasted the patience as slow, and moves on without them. */
    const expire = () => {
      if (finished) return
      const now = performance.now()
      const wait = patience.forAnyone()
      for (const flight of flights) {
        const age = now - flight.sent
        if (age >= 2 * wait && !flight.abandoned) {
          flight.abandoned = true
          flight.release?.()
        }
        if (flight.slow || age < wait) continue
        flight.slow = true
        if (flight.kind === "get" && flight.candidate.state === "asked") {
          flight.candidate.state = "slow"
        }
        if (flight.kind === "explore") listing.failed(flight.part!)
      }
      advance()
    }

    /** Wakes up when the next query in flight would become slow. */
    const arm = () => {
      clearTimeout(timer)
      const wait = patience.forAnyone()
      let next = Number.POSITIVE_INFINITY
      for (const flight of flights) {
        if (!flight.slow) next = Math.min(next, flight.sent + wait)
        else if (!flight.abandoned) next = Math.min(next, flight.sent + 2 * wait)
      }
      if (next === Number.POSITIVE_INFINITY) return
      // Through setImmediate: answers that arrived while the process was busy are read (poll phase) before any query is judged slow.
      timer = setTimeout(() => setImmediate(expire), Math.max(0, next - performance.now()))
    }

    /** Asks the nearest candidates there are slots for, and ends the lookup when nobody nearer is left. */
    const advance = () => {
      if (ranked.length >= Neighbourhood.ANSWERED_NODES) listing.follow(finest())
      let active = 0
      let lingering = 0
      for (const flight of flights) {
        if (!flight.abandoned) lingering++
        if (!flight.slow && flight.kind === "get") active++
      }
      let results = 0
      let waiting = listingMatters()
      for (const candidate of ranked) {
        if (results === K) break
        if (candidate.state === "answered") results++
        else if (candidate.state === "asked") waiting = true
        else if (candidate.state === "slow" && !candidate.resent) {
          // One datagram in thirty is lost: asked once more, without waiting for it, a live node still counts if it answers in time.
          candidate.resent = true
          send(candidate, "get", undefined, true)
        } else if (candidate.state === "new") {
          waiting = true
          if (active < PARALLEL) {
            send(candidate, "get")
            active++
          }
        }
      }
      while (!waiting && widen(results)) waiting = listingMatters()
      // With K answers, slow queries are not waited for; with half as many, until they are
      // abandoned; with fewer (a small network, or a client too busy to read its answers), to the end.
      const settled = results >= K / 2 ? lingering === 0 : flights.size === 0
      if (!waiting && (results === K || settled)) return finish()
      arm()
    }

    const table = rpc.nodes.closest(target, K)
    learn(table.flatMap((contact) => (contact.id === undefined ? [] : [{ ...contact, id: contact.id }])))
    // A bootstrap node is asked `find_node` below, whatever id a cache remembers for it (a restarted
    // node has another, and k-rpc-socket refuses an answer from another id than the one asked for).
    const bootstrap = new Set(rpc.bootstrap.map(addressKey))
    learn(seeds.filter((seed) => !bootstrap.has(addressKey(seed))))
    if (table.length < K) {
      for (const seed of rpc.bootstrap) {
        if (byAddress.has(addressKey(seed))) continue
        const candidate: Candidate = {
          address: { host: seed.host, port: seed.port },
          distance: undefined,
          state: "new",
          gets: 0
        }
        byAddress.set(addressKey(seed), candidate)
        send(candidate, "route")
      }
    }
    advance()
    return Effect.sync(() => {
      finished = true
      clearTimeout(timer)
    })
  })
