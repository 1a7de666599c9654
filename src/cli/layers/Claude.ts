/**
 * Claude Code's sessions on this machine, and claude itself. FileSystem and
 * Path come from the command line's platform layer (src/cli/main.ts).
 */
import { Layer } from "effect"
import { ClaudeLauncher } from "../../services/ClaudeLauncher.js"
import { SessionPlacement } from "../../services/SessionPlacement.js"
import { Sessions } from "../../services/Sessions.js"

export const Claude = Layer.mergeAll(SessionPlacement.layer, ClaudeLauncher.layer).pipe(
  Layer.provideMerge(Sessions.layer)
)
