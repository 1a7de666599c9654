/**
 * What every hostile input must satisfy, and the counts behind the figures:
 * it never crashes; a record passes verification only if it is, byte for
 * byte, one that its publisher signed (so nothing forged or tampered is ever
 * accepted); an opened record gives exactly the payload that was sealed; and
 * a refusal is one of the typed errors this kind of input may cause, with the
 * documented exit code.
 */
import { expect } from "vitest"
import { exitCodeOf } from "../../../src/cli/exitCode.js"
import type { CclinkError } from "../../../src/domain/errors.js"
import type { Payload } from "../../../src/domain/payload.js"
import { DOCUMENTED_EXIT_CODE, Tally } from "./outcome.js"
import type { Picked } from "./pickupHarness.js"

export interface Expectation {
  /** The record texts that may pass verification, with what each opens to (undefined: not for this opener). */
  readonly honest: ReadonlyMap<string, Payload | undefined>
  /** The errors these inputs may end in. */
  readonly refusals: ReadonlyArray<CclinkError["_tag"]>
}

export class Category {
  readonly tally = new Tally()
  /** Inputs whose record passed verification without being one its publisher signed. */
  forgedAccepted = 0
  /** Inputs that were not damaged after all (a flip in a field the record does not depend on): they must open. */
  honestAccepted = 0

  constructor(readonly name: string, readonly expectation: Expectation) {}

  check(picked: Picked): void {
    const { outcome, verified } = picked
    this.tally.add(outcome)
    if (outcome._tag === "Crashed") expect.fail(`${this.name}: crashed\n${outcome.detail}`)
    if (verified !== undefined && !this.expectation.honest.has(verified)) {
      this.forgedAccepted++
      expect.fail(`${this.name}: accepted a record its publisher never signed: ${verified}`)
    }
    if (outcome._tag === "Accepted") {
      this.honestAccepted++
      expect(outcome.value, `${this.name}: opened to another payload`).toEqual(this.expectation.honest.get(verified!))
    }
    if (outcome._tag === "Refused") {
      const { _tag } = outcome.error
      expect(this.expectation.refusals, `${this.name}: ${outcome.error.message}`).toContain(_tag)
      expect(exitCodeOf(outcome.error), `${this.name}: exit code of ${_tag}`).toBe(DOCUMENTED_EXIT_CODE[_tag])
    }
  }

  figures() {
    return {
      ...this.tally.figures(),
      forgedOrTamperedAccepted: this.forgedAccepted,
      intactAccepted: this.honestAccepted
    }
  }
}
