/** Terminal QR codes (the `qrcode` package), loaded only when asked for. */
import { Console, Effect } from "effect"

export const showQr = (text: string) =>
  Effect.promise(() => import("qrcode").then((qr) => qr.toString(text, { type: "terminal", small: true }))).pipe(
    Effect.flatMap(Console.log)
  )
