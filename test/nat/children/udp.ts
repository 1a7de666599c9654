/**
 * Plain UDP for the topology's own tests: what a NAT does to a datagram.
 *
 * Usage:
 *   udp.ts listen <port>              prints {"listening"}, then {"from":"host:port"} per datagram, each answered
 *   udp.ts send <host:port> [...]     from one socket, one datagram to each; prints {"replies":["host:port",...]}
 *                                     once every target answered or a second passed
 */
import { createSocket } from "node:dgram"
import { emit, onStop } from "./lines.js"

const [mode, ...args] = process.argv.slice(2)
const socket = createSocket("udp4")

if (mode === "listen") {
  socket.on("message", (_, from) => {
    emit({ from: `${from.address}:${from.port}` })
    socket.send("pong", from.port, from.address)
  })
  socket.bind(Number(args[0]), () => emit({ listening: Number(args[0]) }))
  onStop(async () => {
    socket.close()
  })
} else {
  const replies: Array<string> = []
  const done = () => {
    emit({ replies })
    socket.close()
  }
  const timer = setTimeout(done, 1000)
  socket.on("message", (_, from) => {
    replies.push(`${from.address}:${from.port}`)
    if (replies.length === args.length) {
      clearTimeout(timer)
      done()
    }
  })
  socket.bind(0, () => {
    for (const target of args) {
      const [host, port] = target.split(":")
      socket.send("ping", Number(port), host)
    }
  })
}
