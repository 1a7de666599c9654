import DHT from "bittorrent-dht"
import bencode from "bencode"
import { createSocket } from "node:dgram"
import { verify } from "../src/domain/keys.js"

process.on("uncaughtException", (e) => { console.log("UNCAUGHT", process.argv[2], e.message); process.exit(9) })
const node = new DHT({ bootstrap: false, verify })
node.listen(0, "127.0.0.1", async () => {
  const port = node.address().port
  const s = createSocket("udp4")
  const q = process.argv[2]
  const a: any = { id: Buffer.alloc(20, 1) }
  if (q === "find_node") a.target = 5
  if (q === "get") a.target = 5
  if (q === "get_peers") a.info_hash = 5
  if (q === "put") { a.token = 5; a.v = Buffer.from("x"); a.k = 5; a.sig = 5 }
  if (q === "ping") a.id = 5
  s.send(bencode.encode({ t: Buffer.from([1, 2]), y: "q", q, a }), port, "127.0.0.1")
  s.on("message", (m) => console.log(q, "reply", bencode.decode(m).y?.toString()))
  setTimeout(() => { console.log(q, "survived"); process.exit(0) }, 500)
})
