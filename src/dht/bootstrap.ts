/**
 * The nodes a DHT client first asks: the Mainline defaults of the spec, or a
 * `host:port[,host:port...]` list (`CCLINK_BOOTSTRAP`, `--bootstrap`) for a
 * private or test network.
 */
import { Either } from "effect"
import { isIPv4, isIPv6 } from "node:net"
import { InvalidInput } from "../domain/errors.js"

export interface Contact {
  readonly host: string
  readonly port: number
}

/** Spec section 7. */
export const DEFAULT_BOOTSTRAP: ReadonlyArray<string> = [
  "router.bittorrent.com:6881",
  "dht.transmissionbt.com:6881",
  "dht.libtorrent.org:25401",
  "router.utorrent.com:6881",
  "relay.pkarr.org:6881"
]

// A DNS name or a dotted IPv4 address; the Mainline sockets are IPv4 only.
const HOST =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/
const PORT = /^[0-9]{1,5}$/

export const parseContact = (entry: string): Either.Either<Contact, InvalidInput> => {
  const text = entry.trim()
  const colon = text.lastIndexOf(":")
  const host = text.slice(0, colon)
  const port = Number(text.slice(colon + 1))
  const bad = (why: string) =>
    Either.left(
      new InvalidInput({ reason: `Invalid bootstrap node "${text}": ${why} Expected host:port, e.g. 127.0.0.1:6881.` })
    )
  if (colon < 0) return bad("no port.")
  if (host.startsWith("[") || isIPv6(host)) return bad("IPv6 is not supported by the Mainline client.")
  if (/^[0-9.]+$/.test(host) && !isIPv4(host)) return bad("not a valid IPv4 address.")
  if (!HOST.test(host)) return bad("not a host name or IPv4 address.")
  if (!PORT.test(text.slice(colon + 1)) || port < 1 || port > 65535) return bad("the port must be 1 to 65535.")
  return Either.right({ host, port })
}

/** Parses a comma-separated `host:port` list; blank entries are skipped, an empty list is refused. */
export const parseBootstrap = (text: string): Either.Either<ReadonlyArray<Contact>, InvalidInput> => {
  const entries = text.split(",").filter((entry) => entry.trim() !== "")
  if (entries.length === 0) {
    return Either.left(new InvalidInput({ reason: "The bootstrap list is empty. Expected host:port[,host:port...]." }))
  }
  return Either.all(entries.map(parseContact))
}

export const formatContact = (contact: Contact): string => `${contact.host}:${contact.port}`
