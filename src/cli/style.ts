/**
 * Colour for people, plain text for pipes: ANSI styles only when the stream
 * is a terminal and `NO_COLOR` is unset (https://no-color.org).
 */
export const colours = (stream: NodeJS.WriteStream): boolean =>
  stream.isTTY === true && (process.env.NO_COLOR ?? "") === "" && process.env.TERM !== "dumb"

const style = (open: number, close: number) => (stream: NodeJS.WriteStream) => (text: string) =>
  colours(stream) ? `\u001b[${open}m${text}\u001b[${close}m` : text

export const bold = style(1, 22)
export const dim = style(2, 22)
export const green = style(32, 39)
export const red = style(31, 39)

// eslint-disable-next-line no-control-regex -- ESC starts every ANSI style sequence
const ANSI = /\u001b\[[0-9;]*m/g

/** The text without its ANSI styles. */
export const stripAnsi = (text: string): string => text.replace(ANSI, "")
