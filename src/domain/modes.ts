/**
 * How a handoff is sealed and whether it burns after reading, from the
 * publish flags. As in the reference, `--burn` and `--pin` refuse `--share`:
 * a shared record cannot be revoked by its recipient, and a PIN replaces the
 * recipient's key. The messages are the reference's (clap's `conflicts_with`).
 */
import { Either } from "effect"
import { InvalidInput } from "./errors.js"
import type { PublicKey } from "./keys.js"

export type Encryption =
  | { readonly _tag: "Self" }
  | { readonly _tag: "Shared"; readonly recipient: PublicKey }
  | { readonly _tag: "Pin" }

export interface PublishMode {
  readonly encryption: Encryption
  readonly burn: boolean
}

export interface PublishFlags {
  readonly burn: boolean
  readonly pin: boolean
  readonly share: PublicKey | undefined
}

export const publishMode = (flags: PublishFlags): Either.Either<PublishMode, InvalidInput> => {
  if (flags.share !== undefined) {
    if (flags.burn) return conflict("--burn")
    if (flags.pin) return conflict("--pin")
    return Either.right({ encryption: { _tag: "Shared", recipient: flags.share }, burn: false })
  }
  return Either.right({ encryption: flags.pin ? { _tag: "Pin" } : { _tag: "Self" }, burn: flags.burn })
}

const conflict = (flag: string) =>
  Either.left(new InvalidInput({ reason: `the argument '${flag}' cannot be used with '--share <PUBKEY>'` }))
