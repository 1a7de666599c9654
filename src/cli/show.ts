/** How paths and times read in cclink's output. */
import { homedir } from "node:os"
import { sep } from "node:path"

/** `/home/alice/x` -> `~/x`, so output reads as the seed's transcript. */
export const homeRelative = (path: string): string => {
  const home = homedir()
  if (path === home) return "~"
  return path.startsWith(home + sep) ? `~${path.slice(home.length)}` : path
}

/** Unix seconds as local `YYYY-MM-DD HH:MM` with the zone's offset name. */
export const localTime = (unixSeconds: number): string =>
  new Date(unixSeconds * 1000).toLocaleString("sv-SE", {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short"
  })
