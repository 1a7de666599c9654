/** What `cclink whoami` prints, through the parser or the loader's quick path alike. */
import { fingerprint, toDisplay, toZ32 } from "../domain/keyDisplay.js"

export const describeIdentity = (publicKey: Uint8Array, keyFile: string, json: boolean): string =>
  json
    ? JSON.stringify({
      publicKey: toZ32(publicKey),
      display: toDisplay(publicKey),
      fingerprint: fingerprint(publicKey),
      keyFile
    })
    : `Public key:  ${toDisplay(publicKey)}\nFingerprint: ${fingerprint(publicKey)}\nKey file:    ${keyFile}`
