import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { DEFAULT_BOOTSTRAP, parseBootstrap } from "../../src/dht/bootstrap.js"

const reason = (text: string) => {
  const result = parseBootstrap(text)
  return Either.isLeft(result) ? result.left.reason : "accepted"
}

describe("bootstrap list", () => {
  it("reads host:port entries, trimming blanks", () => {
    expect(Either.getOrThrow(parseBootstrap(" 127.0.0.1:6881, router.example.org:25401 ,"))).toEqual([
      { host: "127.0.0.1", port: 6881 },
      { host: "router.example.org", port: 25401 }
    ])
  })

  it.each([
    ["127.0.0.1", /no port/],
    ["127.0.0.1:0", /1 to 65535/],
    ["127.0.0.1:65536", /1 to 65535/],
    ["127.0.0.1:68a1", /1 to 65535/],
    ["127.0.0.1:", /1 to 65535/],
    ["300.1.1.1:6881", /not a valid IPv4/],
    ["[::1]:6881", /IPv6/],
    ["::1:6881", /IPv6/],
    ["bad host:6881", /not a host name/],
    ["-lead.example:6881", /not a host name/],
    [":6881", /not a host name/]
  ])("refuses %s, naming the entry and the expected form", (entry, why) => {
    const text = reason(`127.0.0.1:6881,${entry}`)
    expect(text).toMatch(why)
    expect(text).toContain(`"${entry}"`)
    expect(text).toContain("host:port")
  })

  it("refuses an empty list", () => {
    expect(reason(" , ")).toMatch(/empty/)
  })

  it("defaults to the Mainline routers of the spec, all of which parse", () => {
    // shared/spec/wire-format.md, section 7 (copied, so a clean clone carries it).
    expect(DEFAULT_BOOTSTRAP).toEqual([
      "router.bittorrent.com:6881",
      "dht.transmissionbt.com:6881",
      "dht.libtorrent.org:25401",
      "router.utorrent.com:6881",
      "relay.pkarr.org:6881"
    ])
    expect(Either.isRight(parseBootstrap(DEFAULT_BOOTSTRAP.join(",")))).toBe(true)
  })
})
