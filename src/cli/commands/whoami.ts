/** `cclink whoami`: the public key, its fingerprint, and the key file. */
import { Command } from "@effect/cli"
import { Console, Effect, Option } from "effect"
import { fingerprint, toDisplay, toZ32 } from "../../domain/keys.js"
import { KeyStore } from "../../services/KeyStore.js"
import * as shared from "../options.js"

const options = { json: shared.json, ...shared.passphraseSources }

export const handler = (o: Command.Command.ParseConfig<typeof options>) =>
  Effect.gen(function*() {
    const keyStore = yield* KeyStore
    const keypair = yield* keyStore.load({
      fd: Option.getOrUndefined(o.passphraseFd),
      file: Option.getOrUndefined(o.passphraseFile)
    })
    const publicKey = keypair.publicKey
    keypair.wipe()
    yield* Console.log(
      o.json
        ? JSON.stringify({ publicKey: toZ32(publicKey), display: toDisplay(publicKey), fingerprint: fingerprint(publicKey), keyFile: keyStore.path })
        : `Public key:  ${toDisplay(publicKey)}\nFingerprint: ${fingerprint(publicKey)}\nKey file:    ${keyStore.path}`
    )
  })

export const command = Command.make("whoami", options, handler).pipe(
  Command.withDescription(
    "Show your public key (what others pass to --share or pickup), its fingerprint and the key file.\n\n" +
      "Examples:\n" +
      "  cclink whoami                                  the key to give to a colleague\n" +
      "  cclink whoami --json                           the same, for scripts\n" +
      "  cclink whoami --passphrase-file ~/.cclink-pw   unlock a passphrase-protected key"
  )
)
