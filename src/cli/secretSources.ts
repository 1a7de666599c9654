/**
 * What the secret options parse to (`passphraseSources` and `pinSources` in
 * options.ts), and the sources they name, as `KeyStore.load` and
 * `Passphrase.get` take them: a descriptor, a file, or neither (then the
 * environment or a prompt).
 */
import { Option } from "effect"
import type { SecretSources } from "../services/Passphrase.js"

export interface PassphraseSourceOptions {
  readonly passphraseFile: Option.Option<string>
  readonly passphraseFd: Option.Option<number>
}

export interface PinSourceOptions {
  readonly pinFile: Option.Option<string>
  readonly pinFd: Option.Option<number>
}

export const passphraseSource = (o: PassphraseSourceOptions): SecretSources => ({
  fd: Option.getOrUndefined(o.passphraseFd),
  file: Option.getOrUndefined(o.passphraseFile)
})

export const pinSource = (o: PinSourceOptions): SecretSources => ({
  fd: Option.getOrUndefined(o.pinFd),
  file: Option.getOrUndefined(o.pinFile)
})
