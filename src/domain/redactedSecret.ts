/**
 * A holder of secret bytes that never shows them: `toString`,
 * `JSON.stringify` and `util.inspect` all give `<Name>(<redacted>)`, so a
 * key that reaches a log line or an error message reveals nothing.
 */
export abstract class RedactedSecret {
  /** `Keypair`, `PinKey`: the name shown instead of the secret. */
  protected abstract readonly kind: string

  toString(): string {
    return `${this.kind}(<redacted>)`
  }

  toJSON(): string {
    return this.toString()
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString()
  }
}
