/**
 * A HyperDHT client on a machine of the NAT tests: connects to a server's
 * public key, reads until the server ends the stream, and prints one line,
 * `{"bytes","sha256","kind","connectMs","totalMs",...}`, or on failure
 * `{"error":<HyperDHT's code>,"ms"}`; then exits.
 *
 * Usage: client.ts --bootstrap <host:port,...> --server <public key, hex> [--relay <public key, hex>]
 */
import { createHash } from "node:crypto"
import { parseArgs } from "node:util"
import { connectionKind } from "../../../src/carry/connectionKind.js"
import { HyperDHT } from "../support/hyperdht.js"
import { emit } from "./lines.js"

const { values } = parseArgs({
  options: { bootstrap: { type: "string" }, server: { type: "string" }, relay: { type: "string" } }
})
const node = new HyperDHT({ bootstrap: values.bootstrap!.split(",") })
const started = performance.now()
const elapsed = () => Math.round(performance.now() - started)

const connection = node.connect(
  Buffer.from(values.server!, "hex"),
  values.relay === undefined ? {} : { relayThrough: Buffer.from(values.relay, "hex") }
)
const digest = createHash("sha256")
let bytes = 0
let opened: { kind: string | undefined; connectMs: number } | undefined
connection.on("open", () => (opened = { kind: connectionKind(node, connection), connectMs: elapsed() }))
connection.on("data", (chunk: Buffer) => {
  bytes += chunk.length
  digest.update(chunk)
})
const outcome = await new Promise<Record<string, unknown>>((resolve) => {
  connection.once("end", () =>
    resolve({
      bytes,
      sha256: digest.digest("hex"),
      ...opened,
      kindAtEnd: connectionKind(node, connection),
      totalMs: elapsed(),
      punches: node.stats.punches
    }))
  connection.once(
    "error",
    (error: Error & { code?: string }) =>
      resolve({ error: error.code ?? error.message, ms: elapsed(), punches: node.stats.punches })
  )
})
emit(outcome)
connection.destroy()
await node.destroy()
