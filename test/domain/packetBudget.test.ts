import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { sealWithPinKey } from "../../src/crypto/blob.js"
import { PinKey } from "../../src/crypto/pinKey.js"
import { encodeDnsMessage } from "../../src/domain/dnsRecord.js"
import { CARRY_TICKET_PAYLOAD_BYTES, checkPacketBudget, PACKET_LIMIT } from "../../src/domain/packetBudget.js"
import { encodePayload } from "../../src/domain/payload.js"
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

describe("a carried handoff's budget", () => {
  const carry = {
    serverKey: new Uint8Array(32).fill(7),
    clientSecret: new Uint8Array(16).fill(8),
    digest: new Uint8Array(32).fill(9),
    size: 2 ** 40,
    unpackedSize: 2 ** 41
  }
  const pinKey = new PinKey(new Uint8Array(32).fill(5), new Uint8Array(32).fill(6))

  /** The record as `Handoffs.publish` builds it in the largest mode: PIN and burn, the payload sealed with age. */
  const pinBurnRecord = (project: string, host: string, carried: boolean) =>
    Effect.map(
      sealWithPinKey(
        encodePayload({
          hostname: host,
          project,
          sessionId: "9b2f6c1e-7a4d-4e8b-b3c5-0d1e2f3a4b5c",
          ...(carried ? { carry } : {})
        }),
        pinKey
      ),
      ({ blob, salt }) =>
        signRecord(alice, {
          blob,
          pinSalt: salt,
          burn: true,
          createdAt: 1_800_000_000,
          hostname: "",
          project: "",
          ttl: 86400
        })
    )

  it("fits the worst realistic case: PIN, burn, a 41-character project path and a 24-character hostname", async () => {
    const project = "/home/alexandra/src/github.com/acme/widge"
    const host = "alexandras-macbook-pro-2"
    expect(project).toHaveLength(41)
    expect(host).toHaveLength(24)
    const plain = await Effect.runPromise(pinBurnRecord(project, host, false))
    const carried = await Effect.runPromise(pinBurnRecord(project, host, true))
    const size = (record: HandoffRecord) => Either.getOrThrow(checkPacketBudget(key, record, { carried: true }))
    // The ticket adds 130 bytes of plaintext, 4/3 of that in base64, and a character-string length byte.
    expect(size(plain)).toBeLessThanOrEqual(810)
    expect(size(carried) - size(plain)).toBeLessThanOrEqual(CARRY_TICKET_PAYLOAD_BYTES * 4 / 3 + 2)
    expect(size(carried)).toBeLessThanOrEqual(PACKET_LIMIT)
  })

  it("refuses a carried record that does not fit, naming the bytes to cut and that the ticket is the difference", async () => {
    const record = await Effect.runPromise(
      pinBurnRecord(`/home/alexandra/${"p".repeat(60)}`, "alexandras-macbook-pro-2", true)
    )
    const error = Either.getOrThrow(Either.flip(checkPacketBudget(key, record, { carried: true })))
    expect(error.message).toMatch(
      /^The handoff record is \d+ bytes; the DHT limit is 1000 bytes\. Shorten the project path or hostname by at least \d+ bytes\. Without --carry \(its ticket takes 130 bytes\) it would fit\.$/
    )
    const far = await Effect.runPromise(pinBurnRecord(`/home/${"p".repeat(300)}`, "box", true))
    expect(Either.getOrThrow(Either.flip(checkPacketBudget(key, far, { carried: true }))).message).not.toContain(
      "Without --carry"
    )
  })
})
