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

/** Bytes in decimal units, three significant figures: `812 B`, `48.2 kB`, `12.3 MB`, `1.20 GB`. */
export const formatBytes = (bytes: number): string => {
  if (bytes < 1000) return `${bytes} B`
  const [unit, size] = bytes < 1e6 ? ["kB", 1e3] : bytes < 1e9 ? ["MB", 1e6] : ["GB", 1e9]
  return `${(bytes / size).toPrecision(3)} ${unit}`
}
