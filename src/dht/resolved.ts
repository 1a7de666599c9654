/**
 * What a lookup's newest validly signed packet means for the key. That packet
 * speaks for the key: if it is a revocation or holds no readable cclink
 * record, there is no handoff, whatever older copies elsewhere still say.
 */
import { Effect, Either } from "effect"
import { decodeDnsMessage } from "../domain/dnsRecord.js"
import { NotFound } from "../domain/errors.js"
import { toDisplay } from "../domain/keyDisplay.js"
import { type PublicKey } from "../domain/keys.js"
import type { ResolvedPacket } from "../services/Dht.js"
import { type SignedPacket, toBytes } from "./signedPacket.js"

export const noHandoff = (publicKey: PublicKey, details?: { readonly hint?: string; readonly revokedSeq?: number }) =>
  new NotFound({ what: `No handoff found for ${toDisplay(publicKey)}.`, ...details })

export const readNewest = (publicKey: PublicKey, packet: SignedPacket): Effect.Effect<ResolvedPacket, NotFound> =>
  Either.match(decodeDnsMessage(publicKey, packet.v), {
    onLeft: () =>
      Effect.fail(noHandoff(publicKey, {
        hint: "The newest packet for this key holds no readable cclink record.",
        revokedSeq: packet.seq
      })),
    onRight: (record) =>
      record === null
        ? Effect.fail(noHandoff(publicKey, {
          hint: "The newest packet for this key holds no handoff: it was revoked or replaced.",
          revokedSeq: packet.seq
        }))
        : Effect.succeed({ seq: packet.seq, record, bytes: toBytes(packet) })
  })
