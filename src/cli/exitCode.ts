/**
 * Exit codes, as documented in the README. One code per kind of failure so
 * scripts can tell "try again later" (network) from "never will work"
 * (signature) without parsing messages.
 */
import type { CclinkError } from "../domain/errors.js"

export const ExitCode = {
  Ok: 0,
  Error: 1,
  Expired: 2,
  SignatureInvalid: 3,
  Secret: 4,
  NotFound: 5,
  Network: 6,
  Declined: 7
} as const

/** Each code and what it means, for `cclink --help` (the README's table says more). */
export const EXIT_CODES: ReadonlyArray<readonly [number, string]> = [
  [ExitCode.Ok, "ok (pickup: claude's own code)"],
  [ExitCode.Error, "usage or other error"],
  [ExitCode.Expired, "expired"],
  [ExitCode.SignatureInvalid, "bad signature"],
  [ExitCode.Secret, "passphrase, PIN or decryption"],
  [ExitCode.NotFound, "not found"],
  [ExitCode.Network, "network"],
  [ExitCode.Declined, "declined, or no terminal to ask"]
]

export const exitCodeOf = (error: CclinkError): number => {
  switch (error._tag) {
    case "Expired":
      return ExitCode.Expired
    case "SignatureInvalid":
      return ExitCode.SignatureInvalid
    case "DecryptionFailed":
    case "PassphraseError":
      return ExitCode.Secret
    case "NotFound":
      return ExitCode.NotFound
    case "NetworkError":
    case "TransferFailed":
    case "NoDirectPath":
      return ExitCode.Network
    case "Declined":
      return ExitCode.Declined
    case "InvalidInput":
    case "PermissionError":
    case "FileError":
      return ExitCode.Error
  }
}
