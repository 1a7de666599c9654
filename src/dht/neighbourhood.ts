/**
 * The key's neighbourhood, listed cell by cell with `find_node`.
 *
 * Mainline nodes answer with the 8 nodes nearest the target they were asked
 * for. Near a key, their routing tables are complete, so every node there
 * answers a lookup with the same 8 nearest nodes: the next ones (rank 9 to 50,
 * where the 20 nearest nodes with BEP 44 lie once dead nodes and nodes
 * without it are skipped) come only from the partial views of farther nodes,
 * and two lookups of one key find different sets. A publisher then stores
 * where a resolver does not look.
 *
 * A `find_node` towards another target lists other nodes. The ids sharing the
 * first `j` bits of the key's target but not the next one lie nearest the
 * target with bit `j` flipped: asked for that target, a node lists the 8 of
 * them nearest the key, the next part of the neighbourhood. If 8 do not
 * cover that part (the answer's farthest node is still inside it), what the
 * answer may have left out is asked for in turn (`split`). Three such parts
 * below the depth of the 8 nearest nodes hold about 60 nodes: the 20 nearest
 * with BEP 44 and then some.
 */
import type { Contact } from "./krpcQuery.js"

/** Mainline nodes answer with this many nodes. */
export const ANSWERED_NODES = 8

/**
 * The siblings first listed: the one the 8th nearest node lies in (the 8
 * nearest name only some of it) and the two below, about 8, 16 and 32 nodes,
 * asked for in 1, 2 and 4 parts of about 8 at once, so that one round trip
 * lists most of them.
 */
export const FIRST_SIBLINGS = 3

/** The ids sharing the first `depth` bits of `target`; asking for `target` lists those nearest the key first. */
export interface Cell {
  readonly target: Buffer
  readonly depth: number
}

/** Leading bits `a` and `b` have in common. */
export const sharedBits = (a: Uint8Array, b: Uint8Array): number => {
  for (let i = 0; i < a.length; i++) {
    const differ = a[i]! ^ b[i]!
    if (differ !== 0) return i * 8 + Math.clz32(differ) - 24
  }
  return a.length * 8
}

const flip = (id: Uint8Array, bit: number): Buffer => {
  const flipped = Buffer.from(id)
  flipped[bit >> 3] = flipped[bit >> 3]! ^ (0x80 >> (bit & 7))
  return flipped
}

/** The ids sharing the first `bit` bits of `key` and not the next one. */
export const sibling = (key: Uint8Array, bit: number): Cell => ({ target: flip(key, bit), depth: bit + 1 })

/** The parts of the siblings first listed, from `finest`, the depth of the 8th node nearest `key`, down. */
export const firstParts = (key: Uint8Array, finest: number): ReadonlyArray<Cell> => {
  const parts: Array<Cell> = []
  for (let below = 0; below < FIRST_SIBLINGS && finest - below >= 0; below++) {
    const bit = finest - below
    for (let part = 0; part < 1 << below; part++) {
      let target = flip(key, bit)
      for (let next = 1; next <= below; next++) if ((part >> (next - 1)) & 1) target = flip(target, bit + next)
      parts.push({ target, depth: bit + below + 1 })
    }
  }
  return parts
}

/**
 * The parts of `cell` a full answer may have left out: every node sharing
 * more bits with the cell's target than the answer's farthest node was
 * listed, so what is missing shares at most as many.
 */
export const split = (cell: Cell, answer: ReadonlyArray<Contact>): ReadonlyArray<Cell> => {
  if (answer.length < ANSWERED_NODES) return []
  const farthest = Math.min(...answer.map((contact) => sharedBits(contact.id, cell.target)))
  const parts: Array<Cell> = []
  for (let bit = cell.depth; bit <= farthest; bit++) parts.push({ target: flip(cell.target, bit), depth: bit + 1 })
  return parts
}
