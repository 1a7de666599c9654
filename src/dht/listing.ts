/**
 * The listing of a key's neighbourhood during one lookup (neighbourhood.ts
 * says why): which parts are asked for, whom each is asked of, and when the
 * listing reaches further out.
 *
 * A part is asked of a live node inside it (its routing table holds all of
 * that part), else of one inside not asked yet, else of the live node
 * nearest it (one bucket of its table covers the part; its answer names
 * nodes inside, which are asked in turn). A part whose node fails or is slow
 * is asked of another, four nodes at most; at most `MAX_QUERIES` queries in
 * all, so that nodes naming made-up contacts cannot keep a lookup busy.
 */
import type { Contact } from "./krpcQuery.js"
import * as Neighbourhood from "./neighbourhood.js"

/**
 * About 20 list a neighbourhood; more where its nodes fail, or where the 20
 * nearest with BEP 44 lie deeper than the first guess (`widen`). At 48, one
 * wide-area lookup in 60 ran out before widening and missed a whole sibling:
 * 7 of the 20 nearest.
 */
const MAX_QUERIES = 96
const TRIES_PER_PART = 4
/**
 * Answers from outside a part after which nobody outside is asked for it any
 * more: two nodes near a part that know of nobody inside it make it empty, or
 * as good as empty to every lookup.
 */
const OUTSIDE_ANSWERS = 2

/** A candidate of the lookup as the listing sees it. */
export interface Node {
  readonly id: Buffer
  /** Its address: one node is not asked twice for a part. */
  readonly key: string
  /** `live`: it answered; `unknown`: not asked yet, or no answer yet; `gone`: failed or slow. */
  readonly status: "live" | "unknown" | "gone"
}

/** A part being listed, and the nodes asked for it. */
export interface Part {
  readonly cell: Neighbourhood.Cell
  readonly tried: Set<string>
  /** Answers from nodes outside it. */
  outside: number
  /** A node inside it answered: it is listed, but for what that answer asked for next. */
  done: boolean
}

export interface Io {
  /** The lookup's candidates. */
  readonly nodes: () => Iterable<Node>
  /** Whether the part could still hold a node nearer the key than the lookup's K-th answer. */
  readonly worth: (cell: Neighbourhood.Cell) => boolean
  /** Sends the `find_node` for `part` to `node`; its outcome comes back through `answered` or `failed`. */
  readonly ask: (node: Node, part: Part) => void
}

export interface Listing {
  /** Whether the listing has begun. */
  readonly started: () => boolean
  /** Begins the listing; from then on it follows the walk (`follow`). */
  readonly start: () => void
  /**
   * Follows the walk, whose 8 nearest candidates lie at depth `finest`: the
   * sibling of the key they lie in and the two below are listed (each part
   * asked for once). Parts farther out than that are no longer asked for,
   * unless the listing was widened to them: a listing begun on the first
   * nodes found may have guessed the depth too shallow.
   */
  readonly follow: (finest: number) => void
  /**
   * Lists every sibling of the key from the depth of the 8 nearest down to
   * bit `bit`; false when there is none it did not list already, or no query
   * is left.
   */
  readonly widen: (bit: number) => boolean
  /** The lowest bit whose sibling is listed. */
  readonly lowest: () => number
  /** Whether a part could still hold a node nearer the key than the lookup's K-th answer. */
  readonly matters: (part: Part) => boolean
  /** A part's answer, from `node`: from inside the part, what it left out is asked for; from outside, a node it named. */
  readonly answered: (part: Part, node: Buffer, contacts: ReadonlyArray<Contact>) => void
  /** A part's node failed or was slow: another is asked. */
  readonly failed: (part: Part) => void
}

const inside = (id: Buffer, cell: Neighbourhood.Cell) => Neighbourhood.sharedBits(id, cell.target) >= cell.depth

const rank = (node: Node, cell: Neighbourhood.Cell, outside: boolean) =>
  inside(node.id, cell)
    ? node.status === "live" ? 3 : node.status === "unknown" ? 2 : 0
    : node.status === "live" && outside
    ? 1
    : 0

const xor = (a: Uint8Array, b: Uint8Array): Buffer => Buffer.from(a.map((byte, i) => byte ^ b[i]!))

export const make = (key: Buffer, io: Io): Listing => {
  let started = false
  let finest = Number.NaN
  let widened = Number.POSITIVE_INFINITY
  let queries = 0
  /** The parts asked for, by target. */
  const asked = new Set<string>()
  let unassigned: Array<Part> = []

  const lowest = () => Math.max(0, Math.min(finest - Neighbourhood.FIRST_SIBLINGS + 1, widened))

  const matters = (part: Part) => Neighbourhood.sharedBits(part.cell.target, key) >= lowest() && io.worth(part.cell)

  /** The best node to ask for `part`, and the best live one. */
  const choose = (part: Part) => {
    const outside = part.outside < OUTSIDE_ANSWERS
    let best: { node: Node; rank: number; distance: Buffer } | undefined
    let live: { node: Node; rank: number; distance: Buffer } | undefined
    const better = (than: typeof best, rankOf: number, distance: Buffer) =>
      than === undefined || rankOf > than.rank || (rankOf === than.rank && Buffer.compare(distance, than.distance) < 0)
    for (const node of io.nodes()) {
      if (part.tried.has(node.key)) continue
      const rankOf = rank(node, part.cell, outside)
      if (rankOf === 0) continue
      const distance = xor(node.id, part.cell.target)
      if (better(best, rankOf, distance)) best = { node, rank: rankOf, distance }
      if (node.status === "live" && better(live, rankOf, distance)) live = { node, rank: rankOf, distance }
    }
    return { best: best?.node, live: live?.node }
  }

  const send = (part: Part, node: Node) => {
    part.tried.add(node.key)
    queries++
    io.ask(node, part)
  }

  /**
   * Asks the best node for `part`; when that one may be dead (not heard from
   * yet), the best live one as well, so that a dead node costs no wait.
   * False if the part does not matter (yet).
   */
  const ask = (part: Part) => {
    if (part.done || queries >= MAX_QUERIES || part.tried.size >= TRIES_PER_PART || !matters(part)) {
      return false
    }
    const { best, live } = choose(part)
    if (best === undefined) {
      if (part.tried.size === 0) unassigned.push(part)
      return true
    }
    send(part, best)
    if (best.status !== "live" && live !== undefined) send(part, live)
    return true
  }

  const askAll = (cells: ReadonlyArray<Neighbourhood.Cell>) => {
    for (const cell of cells) {
      const target = cell.target.toString("hex")
      if (!asked.has(target) && ask({ cell, tried: new Set(), outside: 0, done: false })) asked.add(target)
    }
  }

  return {
    started: () => started,
    start: () => {
      started = true
    },
    follow: (depth) => {
      if (!started) return
      if (depth !== finest) {
        finest = depth
        askAll(Neighbourhood.firstParts(key, finest))
      }
      const parts = unassigned
      unassigned = []
      for (const part of parts) ask(part)
    },
    widen: (bit) => {
      if (!started || bit >= lowest() || lowest() === 0 || queries >= MAX_QUERIES) return false
      widened = Math.max(0, bit)
      const siblings: Array<Neighbourhood.Cell> = []
      for (let at = finest; at >= widened; at--) siblings.push(Neighbourhood.sibling(key, at))
      askAll(siblings)
      return true
    },
    lowest,
    matters,
    answered: (part, node, contacts) => {
      if (part.done) return
      if (inside(node, part.cell)) {
        part.done = true
        askAll(Neighbourhood.split(part.cell, contacts))
      } else {
        part.outside++
        ask(part)
      }
    },
    failed: (part) => {
      ask(part)
    }
  }
}
