/**
 * Records the CLI would never publish, crafted with the library and stored on
 * the local DHT in correctly signed packets, then picked up by the built CLI:
 * expired ones are exit 2, any tampering with the signed record is exit 3 with
 * one message, whatever was changed.
 */
import { Effect, Encoding } from "effect"
import { hostname } from "node:os"
import { describe, expect, it } from "vitest"
import { sealToSelf } from "../../src/crypto/blob.js"
import { encodePayload } from "../../src/domain/payload.js"
import { encodeRecord, type HandoffRecord, signableJson } from "../../src/domain/record.js"
import { signRecord } from "../../src/domain/signature.js"
import { errorText, jsonOf } from "./support/cli.js"
import { type Key, makeKey, makePair, useRoot } from "./support/machines.js"
import { publishRaw, useDht } from "./support/network.js"

const root = useRoot()
const dht = useDht(40)

const now = () => Math.floor(Date.now() / 1000)

/** A record as `cclink` writes it for this session, sealed to the key and signed by it: only its times chosen. */
const craft = async (
  key: Key,
  session: { readonly project: string; readonly sessionId: string },
  times: { readonly createdAt: number; readonly ttl: number }
): Promise<HandoffRecord> => {
  const payload = encodePayload({ hostname: hostname(), project: session.project, sessionId: session.sessionId })
  const blob = await Effect.runPromise(sealToSelf(payload, key.keypair))
  return signRecord(key.keypair, { blob, burn: false, hostname: "", project: "", ...times })
}

const SIGNATURE_FAILED =
  "Signature verification failed: this handoff was not published by that key or was tampered with."

describe("crafted records", () => {
  it("the untampered crafted record picks up: the crafting itself is what cclink writes", async () => {
    const { key, project, sessionId, b } = makePair(root, dht.bootstrap)
    const record = await craft(key, { project, sessionId }, { createdAt: now() - 60, ttl: 3600 })
    await publishRaw(dht.bootstrap, key.keypair, encodeRecord(record))

    expect(jsonOf(await b.run(["pickup", "--no-launch", "--json"]))).toMatchObject({
      sessionId,
      project,
      createdAt: record.createdAt,
      expiresAt: record.createdAt + 3600
    })
  })

  it("an expired record: exit 2 with how long ago, and list shows no active handoff", async () => {
    const { key, project, sessionId, b } = makePair(root, dht.bootstrap)
    const record = await craft(key, { project, sessionId }, { createdAt: now() - 7200, ttl: 3600 })
    await publishRaw(dht.bootstrap, key.keypair, encodeRecord(record))

    const picked = await b.run(["pickup", "-y"])
    expect(picked.code).toBe(2)
    expect(errorText(picked)).toMatch(/^This handoff expired 1h( \d+m)? ago\. Publish a new one with cclink\.$/)
    expect(picked.stdout).toBe("")

    const json = await b.run(["pickup", "--no-launch", "--json"])
    expect(json.code).toBe(2)
    expect(json.stdout).toBe("")

    const listed = await b.run(["list"])
    expect(listed.code).toBe(0)
    expect(listed.stdout.trim()).toBe("No active handoffs.")
  })

  const other = makeKey()
  const tamperings: ReadonlyArray<readonly [string, (record: HandoffRecord, key: Key) => HandoffRecord]> = [
    ["ttl raised after signing", (record) => ({ ...record, ttl: record.ttl * 30 })],
    ["created_at moved after signing", (record) => ({ ...record, createdAt: record.createdAt + 3600 })],
    ["one ciphertext byte flipped", (record) => {
      const blob = Uint8Array.from(record.blob)
      blob[blob.length - 1]! ^= 1
      return { ...record, blob }
    }],
    ["burn flag added", (record) => ({ ...record, burn: true })],
    ["signed by another key that names itself", (record) => signRecord(other.keypair, record)],
    ["signed by the right key but naming another", (record, key) => {
      const unsigned = { ...record, pubkey: other.z32 }
      return { ...unsigned, signature: key.keypair.sign(new TextEncoder().encode(signableJson(unsigned))) }
    }]
  ]

  it.each(tamperings)("%s: exit 3 with the one signature message", async (_, tamper) => {
    const { key, project, sessionId, b } = makePair(root, dht.bootstrap)
    const record = tamper(await craft(key, { project, sessionId }, { createdAt: now() - 60, ttl: 3600 }), key)
    // The outer packet is signed correctly by the key it is stored under: only the record is wrong.
    await publishRaw(dht.bootstrap, key.keypair, encodeRecord(record))

    const picked = await b.run(["pickup", "-y"])
    expect(picked.code).toBe(3)
    expect(errorText(picked)).toBe(SIGNATURE_FAILED)
    expect(picked.stdout).toBe("")
    // Nothing of the record's claims, or of what was changed, is echoed.
    expect(picked.stderr).not.toContain(Encoding.encodeBase64(record.blob))
    expect(picked.stderr).not.toContain(other.z32)
  })
})
