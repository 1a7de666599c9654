// Loaded into a cclink process with NODE_OPTIONS="--import <this file>": counts
// the Argon2id derivations it runs (calls of the native binding's hashRaw, which
// the bundle loads with require) and writes the count to the file named by
// CCLINK_TEST_ARGON2_COUNT when the process exits. Watched, not changed: each
// call goes to the binding as it is.
import { writeFileSync } from "node:fs"
import Module from "node:module"

let count = 0
const load = Module._load
Module._load = function(request, ...rest) {
  const loaded = load.call(this, request, ...rest)
  if (request === "@node-rs/argon2" && loaded.hashRaw.counted !== true) {
    const hashRaw = loaded.hashRaw
    loaded.hashRaw = Object.assign((...args) => {
      count++
      return hashRaw(...args)
    }, { counted: true })
  }
  return loaded
}
process.on("exit", () => writeFileSync(process.env.CCLINK_TEST_ARGON2_COUNT, `${count}\n`))
