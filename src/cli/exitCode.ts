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
      return ExitCode.Network
    case "Declined":
      return ExitCode.Declined
    case "InvalidInput":
    case "PermissionError":
    case "FileError":
      return ExitCode.Error
  }
}
