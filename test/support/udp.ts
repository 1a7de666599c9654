/** UDP on 127.0.0.1 where nothing answers: to show a command gives up in time, or sends nothing at all. */
import { createSocket } from "node:dgram"

/** A UDP port on 127.0.0.1 that was free a moment ago and has nobody listening now. */
export const closedPort = (): Promise<number> =>
  new Promise((resolve) => {
    const socket = createSocket("udp4")
    socket.bind(0, "127.0.0.1", () => {
      const { port } = socket.address()
      socket.close(() => resolve(port))
    })
  })

/** A UDP socket that counts datagrams and never answers: shows whether a command sent anything at all. */
export interface UdpSink {
  readonly address: string
  readonly received: () => number
  readonly close: () => void
}

export const udpSink = (): Promise<UdpSink> =>
  new Promise((resolve) => {
    const socket = createSocket("udp4")
    let received = 0
    let open = true
    socket.on("message", () => received++)
    socket.bind(0, "127.0.0.1", () =>
      resolve({
        address: `127.0.0.1:${socket.address().port}`,
        received: () => received,
        close: () => {
          if (open) socket.close()
          open = false
        }
      }))
  })
