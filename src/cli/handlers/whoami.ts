/** `cclink whoami`: the public key, its fingerprint, and the key file. */
import type { WhoamiOptions } from "../commands/whoami.js"
import { Console, Effect, Option } from "effect"
import { fingerprint, toDisplay, toZ32 } from "../../domain/keys.js"
import { KeyStore } from "../../services/KeyStore.js"
import { Keys } from "../layers/Keys.js"

export const run = (o: WhoamiOptions) =>
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
  }).pipe(Effect.provide(Keys))
