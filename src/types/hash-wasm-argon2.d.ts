// hash-wasm's Argon2 alone (30 KB), instead of its index with every algorithm (270 KB).
declare module "hash-wasm/dist/argon2.umd.min.js" {
  export { argon2id } from "hash-wasm"
}
