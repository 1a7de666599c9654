import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { encodeDnsMessage } from "../../src/domain/dnsRecord.js"
import { checkPacketBudget, PACKET_LIMIT } from "../../src/domain/packetBudget.js"
import { encodeRecord, type HandoffRecord } from "../../src/domain/record.js"
import { signRecord } from "../../src/domain/signature.js"
import { alice, selfFields } from "./records.js"

const key = alice.publicKey

const messageSize = (record: HandoffRecord) => encodeDnsMessage(key, encodeRecord(record)).length

const base = signRecord(alice, { ...selfFields, blob: new Uint8Array(400) })

/**
 * A record whose DNS message is exactly `size` bytes, tuned one byte at a time
 * through the (legacy, outer) hostname. The signature's length, not its
 * validity, is what counts here.
 */
const recordOfSize = (size: number): HandoffRecord => {
  const record = (length: number) => ({ ...base, hostname: "h".repeat(length) })
  let length = 1
  while (messageSize(record(length)) < size) length++
  expect(messageSize(record(length))).toBe(size)
  return record(length)
}

const refusal = (record: HandoffRecord) => Either.getOrThrow(Either.flip(checkPacketBudget(key, record)))

describe("checkPacketBudget", () => {
  it("counts 84 bytes of DNS around the JSON, plus one per 255-byte string: 912 bytes of JSON fill it", () => {
    expect(encodeDnsMessage(key, "x".repeat(912))).toHaveLength(1000)
    expect(encodeDnsMessage(key, "x".repeat(913))).toHaveLength(1001)
    expect(encodeDnsMessage(key, "x".repeat(255))).toHaveLength(84 + 255 + 1)
    expect(encodeDnsMessage(key, "x".repeat(256))).toHaveLength(84 + 256 + 2)
  })

  it("accepts a record whose message is exactly 1000 bytes, and says its size", () => {
    const record = recordOfSize(PACKET_LIMIT)
    expect(checkPacketBudget(key, record)).toEqual(Either.right(1000))
  })

  it("refuses 1001 bytes, naming the size and the limit", () => {
    const error = refusal(recordOfSize(PACKET_LIMIT + 1))
    expect(error._tag).toBe("InvalidInput")
    expect(error.message).toBe(
      "The handoff record is 1001 bytes; the DHT limit is 1000 bytes. Shorten the project path or hostname by at least 1 byte."
    )
  })

  it("names the smallest payload cut that fits", () => {
    const record = signRecord(alice, { ...selfFields, blob: new Uint8Array(900) })
    const error = refusal(record)
    const [, size, cut] = /is (\d+) bytes;.* by at least (\d+) bytes\.$/.exec(error.message)!
    expect(Number(size)).toBe(messageSize(record))
    const shrunk = (by: number) => ({ ...record, blob: new Uint8Array(900 - Number(by)) })
    expect(Either.isRight(checkPacketBudget(key, shrunk(Number(cut))))).toBe(true)
    expect(Either.isLeft(checkPacketBudget(key, shrunk(Number(cut) - 1)))).toBe(true)
  })

  it("gives plain advice when even an empty blob would not fit", () => {
    const record = signRecord(alice, { ...selfFields, blob: new Uint8Array(10), project: "/p".repeat(500) })
    expect(refusal(record).message).toMatch(
      /^The handoff record is \d+ bytes; the DHT limit is 1000 bytes\. Shorten the project path or hostname\.$/
    )
  })
})
