/** `cclink init`: its options and help; the work is in ../handlers/init.ts, loaded when it runs. */
import { Command, Options } from "@effect/cli"
import { lazy } from "../lazy.js"
import * as shared from "../options.js"

export const options = {
  import: Options.text("import").pipe(
    Options.optional,
    Options.withDescription("Import a 64-hex-digit secret key from this file, or from stdin with -.")
  ),
  noPassphrase: Options.boolean("no-passphrase").pipe(
    Options.withDescription("Store the key unencrypted (plaintext hex, mode 0600).")
  ),
  yes: shared.yes,
  ...shared.passphraseSources
}

export type InitOptions = Command.Command.ParseConfig<typeof options>

export const command = Command.make("init", options, lazy(() => import("../handlers/init.js"))).pipe(
  Command.withDescription(
    "Create your cclink key (Ed25519), passphrase-protected by default.\n\n" +
      "Examples:\n" +
      "  cclink init                              new key, passphrase prompted twice\n" +
      "  cclink init --import ~/backup/secret_key import an existing key\n" +
      "  cclink init --passphrase-file ~/.pw      passphrase from a file (mode 0600)\n" +
      "  cclink init --no-passphrase -y           unencrypted, replace without asking"
  )
)
