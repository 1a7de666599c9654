/**
 * What the NAT suite needs from the machine, checked before anything else:
 * root, network namespaces (`ip netns`, iproute2), `nft` (nftables) and
 * `sysctl` (procps). A missing piece is one line naming it and how to get it,
 * never a skipped suite: a skip would let CI pass with the NAT tests unrun.
 */
import { execFileSync } from "node:child_process"
import { accessSync, constants } from "node:fs"
import { join } from "node:path"

/** Absolute paths of the tools, so a test's own PATH (the fake machines') never has to hold them. */
export interface Tools {
  readonly ip: string
  readonly nft: string
  readonly sysctl: string
}

/** Where Debian keeps them; a non-root PATH often lacks the sbin folders. */
const SEARCH = [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/sbin", "/usr/bin", "/bin"].filter(Boolean)

const find = (name: string): string | undefined =>
  SEARCH.map((dir) => join(dir, name)).find((path) => {
    try {
      accessSync(path, constants.X_OK)
      return true
    } catch {
      return false
    }
  })

/** The tools, or the one line saying what is missing. */
export const checkMachine = (): Tools | string => {
  if (process.getuid?.() !== 0) {
    return "needs root: it creates network namespaces, veth pairs and nftables rules (run it as root, as CI does)"
  }
  const missing = [["ip", "iproute2"], ["nft", "nftables"], ["sysctl", "procps"]].filter(([tool]) =>
    find(tool!) === undefined
  )
  if (missing.length > 0) {
    return `needs ${missing.map(([tool, pkg]) => `\`${tool}\` (Debian package ${pkg})`).join(", ")}: not found`
  }
  const tools = { ip: find("ip")!, nft: find("nft")!, sysctl: find("sysctl")! }
  try {
    execFileSync(tools.ip, ["netns", "list"], { stdio: "pipe" })
  } catch (error) {
    const reason = error instanceof Error && "stderr" in error ? String(error.stderr).trim() : String(error)
    return `needs network namespaces, and \`ip netns list\` failed: ${reason.split("\n")[0]}`
  }
  return tools
}

let checked: Tools | undefined

/** The tools; throws the one line when the machine cannot run the suite. */
export const tools = (): Tools => {
  if (checked !== undefined) return checked
  const result = checkMachine()
  if (typeof result === "string") throw new MachineUnfit(result)
  return (checked = result)
}

/** Thrown with only its line: no stack, since the line says all there is to say. */
export class MachineUnfit extends Error {
  constructor(reason: string) {
    super(`npm run test:nat ${reason}`)
    this.name = "MachineUnfit"
    this.stack = this.message
  }
}
