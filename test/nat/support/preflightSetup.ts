/**
 * vitest globalSetup of the NAT suite: on a machine that cannot build the
 * namespaces, the run fails at once with the one line saying what it needs.
 */
import { checkMachine, MachineUnfit } from "./preflight.js"

export default function setup() {
  const result = checkMachine()
  if (typeof result === "string") throw new MachineUnfit(result)
}
