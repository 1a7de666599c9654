/**
 * What a hostile input did to cclink: accepted, refused with one of the typed
 * errors of src/domain/errors.ts, or crashed (a defect, a thrown exception, or
 * a failure that is not a cclink error). A tally counts them per error and per
 * exit code, and checks each exit code against the documented one.
 */
import { Cause, Effect, Exit, Option } from "effect"
import { exitCodeOf } from "../../../src/cli/exitCode.js"
import * as Errors from "../../../src/domain/errors.js"

/**
 * The exit codes as documented to users (README, "Exit codes", and
 * `cclink --help`: 1 error, 2 expired, 3 bad signature, 4 passphrase, PIN or
 * decryption, 5 not found, 6 network, 7 declined), written out here so that a
 * change in src/cli/exitCode.ts that breaks the documentation fails the suite.
 */
export const DOCUMENTED_EXIT_CODE: Readonly<Record<Errors.CclinkError["_tag"], number>> = {
  InvalidInput: 1,
  PermissionError: 1,
  FileError: 1,
  Expired: 2,
  SignatureInvalid: 3,
  DecryptionFailed: 4,
  PassphraseError: 4,
  NotFound: 5,
  NetworkError: 6,
  TransferFailed: 6,
  NoDirectPath: 6,
  Declined: 7
}

const ERROR_CLASSES = [
  Errors.Expired,
  Errors.SignatureInvalid,
  Errors.DecryptionFailed,
  Errors.NotFound,
  Errors.NetworkError,
  Errors.TransferFailed,
  Errors.NoDirectPath,
  Errors.PassphraseError,
  Errors.PermissionError,
  Errors.FileError,
  Errors.InvalidInput,
  Errors.Declined
]

export const isCclinkError = (value: unknown): value is Errors.CclinkError =>
  ERROR_CLASSES.some((errorClass) => value instanceof errorClass)

export type Outcome<A> =
  | { readonly _tag: "Accepted"; readonly value: A }
  | { readonly _tag: "Refused"; readonly error: Errors.CclinkError }
  | { readonly _tag: "Crashed"; readonly detail: string }

export const outcomeOf = <A>(exit: Exit.Exit<A, unknown>): Outcome<A> => {
  if (Exit.isSuccess(exit)) return { _tag: "Accepted", value: exit.value }
  const failure = Cause.failureOption(exit.cause)
  if (Option.isSome(failure) && isCclinkError(failure.value) && !Cause.isDie(exit.cause)) {
    return { _tag: "Refused", error: failure.value }
  }
  return { _tag: "Crashed", detail: Cause.pretty(exit.cause) }
}

/** Runs what `make` builds; a throw while building it is a crash like any other. */
export const attempt = async <A>(make: () => Effect.Effect<A, unknown>): Promise<Outcome<A>> => {
  try {
    return outcomeOf(await Effect.runPromiseExit(make()))
  } catch (error) {
    return { _tag: "Crashed", detail: String(error) }
  }
}

/** Per-category counts, in the shape the figures file keeps. */
export class Tally {
  inputs = 0
  accepted = 0
  readonly crashes: Array<string> = []
  readonly refusedBy: Record<string, number> = {}
  readonly exitCodes: Record<string, number> = {}
  /** Refusals whose exit code differs from the documented one. */
  wrongExitCodes = 0

  add(outcome: Outcome<unknown>): void {
    this.inputs++
    switch (outcome._tag) {
      case "Accepted":
        this.accepted++
        return
      case "Crashed":
        this.crashes.push(outcome.detail)
        return
      case "Refused": {
        const { _tag } = outcome.error
        const code = exitCodeOf(outcome.error)
        this.refusedBy[_tag] = (this.refusedBy[_tag] ?? 0) + 1
        this.exitCodes[code] = (this.exitCodes[code] ?? 0) + 1
        if (code !== DOCUMENTED_EXIT_CODE[_tag]) this.wrongExitCodes++
      }
    }
  }

  figures() {
    return {
      inputs: this.inputs,
      accepted: this.accepted,
      crashes: this.crashes.length,
      refusedBy: this.refusedBy,
      exitCodes: this.exitCodes,
      wrongExitCodes: this.wrongExitCodes
    }
  }
}
