/**
 * The live services the command handlers use, grouped by what a handler
 * needs, so each handler builds (and loads) only its own. FileSystem and Path
 * come from the command line's platform layer (src/cli/main.ts).
 */
import { Layer } from "effect"
import { ClaudeLauncher } from "../services/ClaudeLauncher.js"
import { KeyStore } from "../services/KeyStore.js"
import { Passphrase } from "../services/Passphrase.js"
import { SessionPlacement } from "../services/SessionPlacement.js"
import { Sessions } from "../services/Sessions.js"
import { TerminalPrompt } from "../services/TerminalPrompt.js"

/** The key file, and the passphrases and prompts it may need. */
export const Keys = KeyStore.layer.pipe(Layer.provideMerge(Passphrase.layer), Layer.provideMerge(TerminalPrompt.layer))

/** Claude Code's sessions on this machine, and claude itself. */
export const Claude = Layer.mergeAll(SessionPlacement.layer, ClaudeLauncher.layer).pipe(
  Layer.provideMerge(Sessions.layer)
)
