/** Prints what the NAT suite's preflight says on this machine, for the user running it: `{"result":...}`. */
import { checkMachine } from "../support/preflight.js"
import { emit } from "./lines.js"

emit({ result: checkMachine() })
