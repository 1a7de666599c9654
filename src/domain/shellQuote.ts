/**
 * A word as a POSIX shell reads it back, for the commands cclink prints
 * (`cd DIR && claude ...`, `chmod 600 PATH`): quoted only when it needs to
 * be, so plain paths stay readable.
 */
export const shellQuote = (word: string): string =>
  /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`
