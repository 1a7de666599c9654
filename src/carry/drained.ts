/** Waiting for a stream to take more: the backpressure both ends of a carry transfer honour. */
import type { EventEmitter } from "node:events"

/** Resolves once `stream` emits `drain`; rejects with `closed()` if it closes first. */
export const drained = (stream: EventEmitter, closed: () => Error) =>
  new Promise<void>((resolve, reject) => {
    const onDrain = () => {
      stream.off("close", onClose)
      resolve()
    }
    const onClose = () => {
      stream.off("drain", onDrain)
      reject(closed())
    }
    stream.once("drain", onDrain)
    stream.once("close", onClose)
  })
