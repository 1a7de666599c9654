import { describe, expect, it } from "@effect/vitest"
import { randomBytes } from "node:crypto"
import * as Neighbourhood from "../../src/dht/neighbourhood.js"

const key = Buffer.from("a5".repeat(20), "hex")

/** An id sharing exactly `bits` leading bits with `of`, the rest random. */
const idSharing = (of: Buffer, bits: number) => {
  const id = randomBytes(20)
  for (let bit = 0; bit < 160; bit++) {
    const mask = 0x80 >> (bit & 7)
    const wanted = bit < bits ? of[bit >> 3]! & mask : bit === bits ? ~of[bit >> 3]! & mask : id[bit >> 3]! & mask
    id[bit >> 3] = (id[bit >> 3]! & ~mask) | wanted
  }
  return id
}

const inCell = (id: Buffer, cell: Neighbourhood.Cell) => Neighbourhood.sharedBits(id, cell.target) >= cell.depth

const contact = (id: Buffer) => ({ id, host: "127.0.0.1", port: 1 })

describe("the neighbourhood's parts", () => {
  it("counts shared leading bits", () => {
    expect(Neighbourhood.sharedBits(key, key)).toBe(160)
    for (const bits of [0, 1, 7, 8, 9, 63, 159]) expect(Neighbourhood.sharedBits(key, idSharing(key, bits))).toBe(bits)
  })

  it("a sibling holds exactly the ids sharing `bit` bits with the key", () => {
    const sibling = Neighbourhood.sibling(key, 9)
    expect(inCell(idSharing(key, 9), sibling)).toBe(true)
    expect(inCell(idSharing(key, 8), sibling)).toBe(false)
    expect(inCell(idSharing(key, 10), sibling)).toBe(false)
  })

  it("first lists the sibling the 8th nearest lies in and the two below, in 1, 2 and 4 parts that share nothing and miss nothing", () => {
    const parts = Neighbourhood.firstParts(key, 12)
    expect(parts.map((part) => part.depth)).toEqual([13, 13, 13, 13, 13, 13, 13])
    for (let trial = 0; trial < 500; trial++) {
      const id = idSharing(key, 10 + (trial % 3))
      // Each id of the three siblings lies in one part exactly.
      expect(parts.filter((part) => inCell(id, part))).toHaveLength(1)
    }
    for (const bits of [9, 13, 30]) expect(parts.some((part) => inCell(idSharing(key, bits), part))).toBe(false)
    expect(Neighbourhood.firstParts(key, 0)).toHaveLength(1)
  })

  it("after a full answer from inside a part, asks for what it may have left out", () => {
    const part = Neighbourhood.sibling(key, 4)
    // The answer's farthest node shares 7 bits with the part's target: nodes sharing 5 to 7 may be missing.
    const answer = [12, 11, 10, 9, 9, 8, 8, 7].map((bits) => contact(idSharing(part.target, bits)))
    const parts = Neighbourhood.split(part, answer)
    expect(parts.map((next) => next.depth)).toEqual([6, 7, 8])
    for (const bits of [5, 6, 7]) {
      expect(parts.filter((next) => inCell(idSharing(part.target, bits), next))).toHaveLength(1)
    }
    for (const bits of [8, 12]) expect(parts.some((next) => inCell(idSharing(part.target, bits), next))).toBe(false)
  })

  it("takes an answer of fewer than 8 nodes, or one reaching outside the part, as the whole part", () => {
    const part = Neighbourhood.sibling(key, 4)
    const short = [12, 11, 10].map((bits) => contact(idSharing(part.target, bits)))
    expect(Neighbourhood.split(part, short)).toEqual([])
    const beyond = [12, 11, 10, 9, 9, 8, 8, 3].map((bits) => contact(idSharing(part.target, bits)))
    expect(Neighbourhood.split(part, beyond)).toEqual([])
  })
})
