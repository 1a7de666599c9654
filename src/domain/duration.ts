/**
 * Human durations: "3h 12m" for display, and the `--ttl` / `--wait` syntax
 * (plain seconds, or a number with one unit: `90s`, `90m`, `8h`, `2d`, or
 * combined like `1h30m`).
 */
import { Either } from "effect"

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 }

/**
 * Two most significant units, floored: 11520 -> "3h 12m", 59 -> "59s",
 * 90061 -> "1d 1h". Negative input is treated as zero.
 */
export const formatDuration = (seconds: number): string => {
  const s = Math.max(0, Math.floor(seconds))
  const parts: Array<[number, string]> = [
    [Math.floor(s / 86400), "d"],
    [Math.floor((s % 86400) / 3600), "h"],
    [Math.floor((s % 3600) / 60), "m"],
    [s % 60, "s"]
  ]
  const first = parts.findIndex(([n]) => n > 0)
  if (first === -1) return "0s"
  const shown = parts.slice(first, first + 2).filter(([n]) => n > 0)
  return shown.map(([n, u]) => `${n}${u}`).join(" ")
}

/**
 * Parses "3600", "90m", "8h", "1h30m", "2d" into whole seconds.
 * Left is a one-line reason naming the accepted forms.
 */
export const parseDuration = (text: string): Either.Either<number, string> => {
  const input = text.trim().toLowerCase()
  if (/^\d+$/.test(input)) return checked(Number(input), text)
  if (!/^(\d+[smhd])+$/.test(input)) {
    return Either.left(`Invalid duration "${text}": use seconds (3600) or a number with a unit (90m, 8h, 1h30m, 2d).`)
  }
  let total = 0
  for (const [, n, unit] of input.matchAll(/(\d+)([smhd])/g)) total += Number(n) * UNITS[unit!]!
  return checked(total, text)
}

const checked = (seconds: number, text: string): Either.Either<number, string> =>
  Number.isSafeInteger(seconds) ? Either.right(seconds) : Either.left(`Invalid duration "${text}": too large.`)
