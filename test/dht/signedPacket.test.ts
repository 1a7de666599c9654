import { Either } from "effect"
import fc from "fast-check"
import { generateKeyPair, SignedPacket as PkarrPacket } from "pkarr"
import { describe, expect, it } from "vitest"
import { fromBytes, sign, signable, toBytes, verify } from "../../src/dht/signedPacket.js"
import { encodeDnsMessage } from "../../src/domain/dnsRecord.js"
import { toZ32 } from "../../src/domain/keyDisplay.js"
import { Keypair } from "../../src/domain/keys.js"

const seed = Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 1)
const keypair = Either.getOrThrow(Keypair.fromSeed(seed))
const other = Keypair.generate()
const ascii = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1")

const chunks = (bytes: Buffer) =>
  Array.from({ length: Math.ceil(bytes.length / 255) }, (_, i) => bytes.subarray(i * 255, i * 255 + 255))

/** pkarr (libsodium) signs the same DNS message object that cclink encodes. */
const pkarrSign = (record: string, seq: number) =>
  PkarrPacket.fromPacket(generateKeyPair(seed), {
    type: "response",
    id: 0,
    answers: [{
      type: "TXT",
      name: "_cclink",
      class: "IN",
      ttl: 86400,
      data: chunks(Buffer.from(record))
    }]
  }, { timestamp: seq as unknown as object })

const ours = (record: string, seq: number) =>
  Either.getOrThrow(sign(keypair, seq, encodeDnsMessage(keypair.publicKey, record)))

describe("BEP 44 signable", () => {
  it("is the bencoded {seq, v} without its d and e", () => {
    expect(ascii(signable(1700000000000001, new TextEncoder().encode("hello")))).toBe(
      "3:seqi1700000000000001e1:v5:hello"
    )
    expect(ascii(signable(0, new Uint8Array()))).toBe("3:seqi0e1:v0:")
  })
})

describe("byte compatibility with pkarr's SignedPacket", () => {
  const record = `{"blob":"${"A".repeat(600)}","pubkey":"${toZ32(keypair.publicKey)}"}`
  const seq = 1712345678901234

  it("produces the same bytes from the same key, seq and record", () => {
    expect(Buffer.from(toBytes(ours(record, seq))).equals(Buffer.from(pkarrSign(record, seq).bytes()))).toBe(true)
  })

  it("verifies a packet pkarr signed, in relay form and as BEP 44 arguments", () => {
    const theirs = pkarrSign(record, seq)
    const read = Either.getOrThrow(fromBytes(keypair.publicKey, theirs.bytes()))
    expect(read.seq).toBe(seq)
    expect(Buffer.from(read.v).equals(Buffer.from(theirs.bytes().subarray(72)))).toBe(true)
    expect(Either.isRight(verify(keypair.publicKey, theirs.bep44Args()))).toBe(true)
  })

  it("makes packets pkarr accepts, for any record size and seq", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 900 }),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        (text, n) => {
          const packet = ours(text, n)
          const theirs = PkarrPacket.fromBytes(keypair.publicKey, toBytes(packet))
          expect(theirs.timestamp()).toBe(n)
          const [txt] = theirs.resourceRecords("_cclink") as unknown as Array<{ readonly data: Array<Buffer> }>
          const joined = Buffer.concat(txt!.data)
          expect(joined.toString("utf8")).toBe(text)
        }
      ),
      { numRuns: 40 }
    )
  })

  it("is refused by pkarr under another key (the peer does check)", () => {
    expect(() => PkarrPacket.fromBytes(other.publicKey, toBytes(ours(record, seq)))).toThrow(/signature/i)
  })
})

describe("verify", () => {
  const packet = ours("{\"a\":1}", 1_000_000)
  const item = { k: packet.publicKey, seq: packet.seq, v: packet.v, sig: packet.sig }
  const failure = (result: Either.Either<unknown, { readonly _tag: string }>) =>
    Either.isLeft(result) ? result.left._tag : "accepted"

  it("accepts the packet as signed", () => {
    expect(failure(verify(keypair.publicKey, item))).toBe("accepted")
  })

  it("refuses it for another key, and an item naming another key", () => {
    expect(failure(verify(other.publicKey, item))).toBe("SignatureInvalid")
    expect(failure(verify(keypair.publicKey, { ...item, k: other.publicKey }))).toBe("SignatureInvalid")
  })

  it("refuses any changed byte of the signature or value, and any other seq", () => {
    for (let i = 0; i < item.sig.length; i += 9) {
      const sig = Uint8Array.from(item.sig)
      sig[i] = sig[i]! ^ 1
      expect(failure(verify(keypair.publicKey, { ...item, sig }))).toBe("SignatureInvalid")
    }
    for (let i = 0; i < item.v.length; i += 5) {
      const v = Uint8Array.from(item.v)
      v[i] = v[i]! ^ 0x80
      expect(failure(verify(keypair.publicKey, { ...item, v }))).toBe("SignatureInvalid")
    }
    expect(failure(verify(keypair.publicKey, { ...item, seq: item.seq + 1 }))).toBe("SignatureInvalid")
    expect(failure(verify(keypair.publicKey, { ...item, sig: item.sig.subarray(0, 63) }))).toBe("SignatureInvalid")
  })

  it("refuses a value over 1000 bytes even when the key really signed it", () => {
    const v = new Uint8Array(1001)
    const sig = keypair.sign(signable(5, v))
    expect(failure(verify(keypair.publicKey, { k: keypair.publicKey, seq: 5, v, sig }))).toBe("InvalidInput")
  })

  it("refuses a seq that is negative or beyond 2^53", () => {
    expect(failure(verify(keypair.publicKey, { ...item, seq: -1 }))).toBe("InvalidInput")
    expect(failure(verify(keypair.publicKey, { ...item, seq: 2 ** 53 }))).toBe("InvalidInput")
  })
})

describe("sign", () => {
  it("takes exactly 1000 bytes and refuses 1001, naming the size", () => {
    expect(Either.isRight(sign(keypair, 1, new Uint8Array(1000)))).toBe(true)
    const refused = sign(keypair, 1, new Uint8Array(1001))
    expect(Either.isLeft(refused) && refused.left.message).toMatch(/1001 bytes/)
  })
})

describe("relay form", () => {
  const packet = ours("{\"a\":1}", 0x0102030405060)

  it("is sig || seq as 8 big-endian bytes || v, and reads back", () => {
    const bytes = toBytes(packet)
    expect(Buffer.from(bytes.subarray(0, 64)).equals(Buffer.from(packet.sig))).toBe(true)
    expect(Buffer.from(bytes.subarray(64, 72)).toString("hex")).toBe("0000102030405060")
    expect(Either.getOrThrow(fromBytes(keypair.publicKey, bytes)).seq).toBe(packet.seq)
  })

  it("refuses short input and a seq JavaScript cannot hold", () => {
    const short = fromBytes(keypair.publicKey, new Uint8Array(71))
    expect(Either.isLeft(short) && short.left._tag).toBe("InvalidInput")
    const bytes = toBytes(packet)
    bytes.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 64)
    const huge = fromBytes(keypair.publicKey, bytes)
    expect(Either.isLeft(huge) && huge.left._tag).toBe("InvalidInput")
  })
})
