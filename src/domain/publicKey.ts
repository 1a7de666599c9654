/**
 * Public keys as users and records write them: `pk:<z32>` or bare z32, 52
 * characters, and a point on Ed25519. Kept apart from ./keys.ts because the
 * point check needs noble's curve arithmetic, which commands that only sign
 * or show a key (`whoami`) need not load.
 */
import { ed25519 } from "@noble/curves/ed25519.js"
import { Either } from "effect"
import z32 from "z32"
import { InvalidInput } from "./errors.js"
import type { PublicKey } from "./keys.js"

const Z32_KEY = /^[ybndrfg8ejkmcpqxot1uwisza345h769]{52}$/

/** Accepts `pk:<z32>` or bare z32; anything else is refused with the reason. */
export const parsePublicKey = (input: string): Either.Either<PublicKey, InvalidInput> => {
  const text = input.trim()
  const bare = text.startsWith("pk:") ? text.slice(3) : text
  if (!Z32_KEY.test(bare)) {
    // A secret key pasted by mistake must not reach the terminal or a log: a long run of hex is never quoted.
    const shown = /[0-9a-f]{32}/i.test(text) ? "" : ` "${truncate(text)}"`
    const hint = shown === "" ? " That looks like a secret key (hex digits): never pass it on the command line." : ""
    return Either.left(
      new InvalidInput({
        reason: `Invalid public key${shown}: expected 52 z-base-32 characters, optionally prefixed with "pk:".${hint}`
      })
    )
  }
  const bytes = z32.decode(bare)
  if (bytes.length !== 32 || !ed25519.utils.isValidPublicKey(bytes)) {
    return Either.left(new InvalidInput({ reason: `Invalid public key "${truncate(text)}": not a point on Ed25519.` }))
  }
  return Either.right(Uint8Array.from(bytes) as PublicKey)
}

const truncate = (text: string): string => (text.length > 60 ? `${text.slice(0, 57)}...` : text)
