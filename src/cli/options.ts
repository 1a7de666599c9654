/**
 * Options shared by several commands, defined once so every command spells
 * and explains them the same way.
 */
import { Options } from "@effect/cli"
import { general, network as networkOption, secrets } from "./described.js"

export const json = general(Options.boolean("json"), "print one JSON object on stdout instead of text")

export const yes = general(Options.boolean("yes").pipe(Options.withAlias("y")), "answer yes to confirmations")

export const qr = (what: string) => general(Options.boolean("qr"), `also show ${what} as a QR code`)

/**
 * `--timeout` when not given: the deadline of a command's network work,
 * retries included; for a carried pickup, how long the transfer may go
 * without receiving a byte (FetchOptions.patience).
 */
export const DEFAULT_TIMEOUT = "30s"

/** How the commands that touch the network reach it. */
export const network = {
  bootstrap: networkOption(
    Options.text("bootstrap").pipe(Options.withPseudoName("HOST:PORT[,...]"), Options.optional),
    "bootstrap nodes (CCLINK_BOOTSTRAP, else Mainline's)"
  ),
  relay: networkOption(
    Options.text("relay").pipe(Options.withPseudoName("URL"), Options.repeated),
    "a pkarr relay, repeatable (CCLINK_RELAYS, else none)"
  ),
  noDht: networkOption(Options.boolean("no-dht"), "use only the relays (where UDP is blocked)"),
  timeout: networkOption(
    Options.text("timeout").pipe(Options.withPseudoName("DURATION")),
    "network deadline, or transfer idle limit",
    DEFAULT_TIMEOUT
  )
}

/** How publish and pickup reach the carry network (HyperDHT), for `--carry`. */
export const carryNetwork = {
  carryBootstrap: networkOption(
    Options.text("carry-bootstrap").pipe(Options.withPseudoName("HOST:PORT[,...]"), Options.optional),
    "--carry's bootstrap nodes (CCLINK_CARRY_BOOTSTRAP)"
  )
}

/** Where the key's passphrase comes from when the key file is an envelope (else CCLINK_PASSPHRASE or a prompt). */
export const passphraseSources = {
  passphraseFile: secrets(
    Options.file("passphrase-file").pipe(Options.withPseudoName("PATH"), Options.optional),
    "key passphrase from this file (mode 0600/0400)"
  ),
  passphraseFd: secrets(
    Options.integer("passphrase-fd").pipe(Options.withPseudoName("FD"), Options.optional),
    "key passphrase from this open file descriptor"
  )
}

/** Where a handoff PIN comes from (else CCLINK_PIN, or a prompt). */
export const pinSources = {
  pinFile: secrets(
    Options.file("pin-file").pipe(Options.withPseudoName("PATH"), Options.optional),
    "PIN from this file (mode 0600/0400)"
  ),
  pinFd: secrets(
    Options.integer("pin-fd").pipe(Options.withPseudoName("FD"), Options.optional),
    "PIN from this open file descriptor"
  )
}
