/**
 * Signed packets in relay form (`sig || seq || v`) built around any DNS
 * message, oversize ones included: what a publisher, honest or not, can put
 * on the network under its own key.
 */
import { signable, toBytes } from "../../../src/dht/signedPacket.js"
import type { Keypair } from "../../../src/domain/keys.js"

let lastSeq = 0

/** A seq above every earlier one, as publishers use: microseconds, strictly increasing. */
const nextSeq = () => (lastSeq = Math.max(lastSeq + 1, Date.now() * 1000))

export const signedBytes = (keypair: Keypair, v: Uint8Array, seq = nextSeq()): Uint8Array =>
  toBytes({ publicKey: keypair.publicKey, seq, v, sig: keypair.sign(signable(seq, v)) })
