/**
 * Options shared by several commands, defined once so every command spells
 * them the same way.
 */
import { Options } from "@effect/cli"

export const json = Options.boolean("json").pipe(
  Options.withDescription("Print one JSON object on stdout instead of text.")
)

export const yes = Options.boolean("yes").pipe(
  Options.withAlias("y"),
  Options.withDescription("Answer yes to confirmations.")
)

/** How the commands that touch the network reach it. */
export const network = {
  bootstrap: Options.text("bootstrap").pipe(
    Options.optional,
    Options.withDescription(
      "DHT bootstrap nodes, host:port[,host:port...] (overrides CCLINK_BOOTSTRAP; default: the Mainline routers)."
    )
  ),
  relay: Options.text("relay").pipe(
    Options.repeated,
    Options.withDescription("A pkarr relay URL; repeatable (overrides CCLINK_RELAYS).")
  ),
  noDht: Options.boolean("no-dht").pipe(
    Options.withDescription("Use only the relays (for networks that block UDP).")
  ),
  timeout: Options.text("timeout").pipe(
    Options.optional,
    Options.withDescription("Deadline for the network, retries included: seconds or 30s, 2m (default 30s).")
  )
}

/** How publish and pickup reach the carry network (HyperDHT), for `--carry`. */
export const carryNetwork = {
  carryBootstrap: Options.text("carry-bootstrap").pipe(
    Options.optional,
    Options.withDescription(
      "Carry network (HyperDHT) bootstrap nodes, host:port[,host:port...] (overrides CCLINK_CARRY_BOOTSTRAP; " +
        "default: HyperDHT's public nodes)."
    )
  )
}

/** Where the key's passphrase comes from when the key file is an envelope. */
export const passphraseSources = {
  passphraseFile: Options.file("passphrase-file").pipe(
    Options.optional,
    Options.withDescription("Read the key passphrase from this file (mode 0600 or 0400).")
  ),
  passphraseFd: Options.integer("passphrase-fd").pipe(
    Options.optional,
    Options.withDescription("Read the key passphrase from this open file descriptor.")
  )
}

/** Where a handoff PIN comes from (CCLINK_PIN, or a prompt, otherwise). */
export const pinSources = {
  pinFile: Options.file("pin-file").pipe(
    Options.optional,
    Options.withDescription("Read the PIN from this file (mode 0600 or 0400).")
  ),
  pinFd: Options.integer("pin-fd").pipe(
    Options.optional,
    Options.withDescription("Read the PIN from this open file descriptor.")
  )
}
