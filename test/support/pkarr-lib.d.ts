// pkarr 1.3.0 ships types for its deep modules under types/, which its package.json does not map.
declare module "pkarr/lib/relay.js" {
  export { default } from "pkarr/types/lib/relay.js"
}
declare module "pkarr/lib/dht.js" {
  export * from "pkarr/types/lib/dht.js"
}
