/**
 * Figures a hostile test measured, for docs/security.md. A section belongs to
 * one test file; its tests add their figures to it as they finish.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { inject } from "vitest"

export const recordFigures = (section: string, figures: Readonly<Record<string, unknown>>): void => {
  const file = join(inject("figuresDir"), `${section}.json`)
  const previous = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {}
  writeFileSync(file, JSON.stringify({ ...previous, ...figures }))
}
