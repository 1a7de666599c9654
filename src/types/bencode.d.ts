// The part of bencode 4 that cclink uses: byte strings decode to Uint8Array, integers to number.
declare module "bencode" {
  const bencode: {
    decode(data: Uint8Array): unknown
    encode(data: unknown): Uint8Array
  }
  export default bencode
}
