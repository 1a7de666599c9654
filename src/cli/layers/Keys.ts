/** The key file, and the passphrases and prompts it may need: what every handler that opens the key provides. */
import { Layer } from "effect"
import { KeyStore } from "../../services/KeyStore.js"
import { Passphrase } from "../../services/Passphrase.js"
import { TerminalPrompt } from "../../services/TerminalPrompt.js"

export const Keys = KeyStore.layer.pipe(Layer.provideMerge(Passphrase.layer), Layer.provideMerge(TerminalPrompt.layer))
