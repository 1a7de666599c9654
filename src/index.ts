/**
 * cclink as a library: the domain, the crypto, and the services with their
 * layers, for other Effect programs. The `cclink` command is one client of
 * this API.
 *
 *   import { Effect, Layer } from "effect"
 *   import { Dht, DhtConfig, DhtLive, Handoffs, KeyStore } from "cclink"
 *
 * Carrying the conversation itself: the `Carry` service, with its layers on
 * HyperDHT (`CarryLive`) and in memory (`CarryMemory`), the archive it
 * carries (`CarryArchive`), and a local carry network (`CarryTestnet`).
 */
export * from "./domain/carriedFiles.js"
export * as CarryProtocol from "./domain/carryProtocol.js"
export * from "./domain/carryTicket.js"
export * from "./domain/dnsRecord.js"
export * from "./domain/duration.js"
export { publicKeyOf, verify } from "./domain/ed25519.js"
export * from "./domain/errors.js"
export * from "./domain/expiry.js"
export * from "./domain/keyDisplay.js"
export * from "./domain/keys.js"
export * from "./domain/modes.js"
export * from "./domain/packetBudget.js"
export * from "./domain/payload.js"
export * from "./domain/pinPolicy.js"
export * from "./domain/projectDir.js"
export * from "./domain/publicKey.js"
export * from "./domain/record.js"
export * from "./domain/sessionId.js"
export * from "./domain/signature.js"

export * as Age from "./crypto/age.js"
export * as Blob from "./crypto/blob.js"
export * as Envelope from "./crypto/envelope.js"
export * as Kdf from "./crypto/kdf.js"
export * from "./crypto/pinKey.js"
export * as X25519 from "./crypto/x25519.js"

export * from "./services/Carry.js"
export * from "./services/ClaudeLauncher.js"
export * from "./services/Dht.js"
export * from "./services/Handoffs.js"
export * from "./services/KeyStore.js"
export * from "./services/Passphrase.js"
export * from "./services/SessionPlacement.js"
export * from "./services/Sessions.js"
export * from "./services/TerminalPrompt.js"

/** Transport layers for `Dht`: Mainline, relays, both, in memory; and a local test network. */
export * as DhtLive from "./dht/live.js"
export * as DhtMainline from "./dht/mainline.js"
export * as DhtMemory from "./dht/memory.js"
export * as DhtRelays from "./dht/relay.js"
export * as Testnet from "./dht/testnet.js"

/** Layers for `Carry`: HyperDHT, in memory; the archive; and a local carry network. */
export * as CarryArchive from "./carry/archive.js"
export * as CarryLive from "./carry/hyperdht.js"
export * as CarryMemory from "./carry/memory.js"
export * as CarryTestnet from "./carry/testnet.js"
