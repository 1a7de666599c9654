import { describe, expect, it } from "vitest"
import * as Patience from "../../src/dht/patience.js"

describe("patience", () => {
  it("waits a second for anyone until three round trips are known, then twice their median", () => {
    const patience = Patience.make()
    patience.observe(100)
    patience.observe(120)
    expect(patience.forAnyone()).toBe(1000)
    patience.observe(1900)
    expect(patience.forAnyone()).toBe(240)
    // The median, not the mean: more slow answers move it only once they are half of them.
    patience.observe(1900)
    expect(patience.forAnyone()).toBe(1000)
  })

  it("stays between 50 ms and a second, whatever the round trips", () => {
    const loopback = Patience.make()
    for (const rtt of [0.2, 0.3, 0.4]) loopback.observe(rtt)
    expect(loopback.forAnyone()).toBe(50)
    expect(loopback.forNode(0.3)).toBe(50)
    expect(Patience.make().forNode(900)).toBe(1000)
  })

  it("gives a node whose round trip is known one and a half of it", () => {
    expect(Patience.make().forNode(100)).toBe(150)
  })
})
