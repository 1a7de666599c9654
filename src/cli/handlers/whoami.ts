/** `cclink whoami`: the public key, its fingerprint, and the key file. */
import { Console, Effect } from "effect"
import { KeyStore } from "../../services/KeyStore.js"
import { describeIdentity } from "../identity.js"
import { Keys } from "../layers/Keys.js"
import { passphraseSource, type PassphraseSourceOptions } from "../secretSources.js"

/** What `cclink whoami` parses (../commands/whoami.ts). */
export interface WhoamiOptions extends PassphraseSourceOptions {
  readonly json: boolean
}

export const run = (o: WhoamiOptions) =>
  Effect.gen(function*() {
    const keyStore = yield* KeyStore
    const keypair = yield* keyStore.load(passphraseSource(o))
    const publicKey = keypair.publicKey
    keypair.wipe()
    yield* Console.log(describeIdentity(publicKey, keyStore.path, o.json))
  }).pipe(Effect.provide(Keys))
