/**
 * Stands in for the `yaml`, `toml` and `ini` parsers in the command line's
 * bundle. @effect/cli imports them for options that read config files, which
 * cclink has none of; bundled, they were a fifth of the code evaluated at
 * every start. Should one ever be reached, it fails loudly.
 */
export const parse = (): never => {
  throw new Error("cclink reads no YAML, TOML or INI files")
}
