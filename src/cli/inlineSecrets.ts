/**
 * Refuses secrets typed on the command line. argv is visible to every user
 * through `ps` and lands in shell history, so `--passphrase <value>` or
 * `--pin <value>` is rejected before anything else runs.
 */
import { Option } from "effect"
import { PassphraseError } from "../domain/errors.js"

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const PUBLIC_KEY = /^(pk:)?[ybndrfg8ejkmcpqxot1uwisza345h769]{52}$/

const SECRET_FLAGS: Record<string, { readonly what: string; readonly instead: string }> = {
  "--passphrase": {
    what: "passphrase",
    instead: "--passphrase-file PATH, --passphrase-fd N or CCLINK_PASSPHRASE"
  },
  "--password": {
    what: "passphrase",
    instead: "--passphrase-file PATH, --passphrase-fd N or CCLINK_PASSPHRASE"
  },
  "--pin": { what: "PIN", instead: "--pin alone (you will be prompted), --pin-file PATH, --pin-fd N or CCLINK_PIN" }
}

/**
 * `--pin` alone is a flag (PIN mode, prompt for it); it may be followed by the
 * session id or a public key, never by anything else.
 */
export const findInlineSecret = (argv: ReadonlyArray<string>): Option.Option<PassphraseError> => {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === "--") break
    const eq = arg.indexOf("=")
    const flag = eq === -1 ? arg : arg.slice(0, eq)
    const known = SECRET_FLAGS[flag]
    if (known === undefined) continue
    const next = argv[i + 1]
    const inline = eq !== -1 ||
      (flag !== "--pin" && next !== undefined && !next.startsWith("-")) ||
      (flag === "--pin" && next !== undefined && !next.startsWith("-") && !UUID.test(next) && !PUBLIC_KEY.test(next))
    if (inline || flag !== "--pin") {
      return Option.some(
        new PassphraseError({
          reason:
            `Refusing a ${known.what} on the command line: it would be visible in \`ps\` and your shell history. Use ${known.instead}.`
        })
      )
    }
  }
  return Option.none()
}
