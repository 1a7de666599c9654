/**
 * How long to wait for one DHT node before treating it as slow: the soft
 * timeout of the lookup and of the `put` round, learned from the round trips
 * of the answers already in.
 *
 * k-rpc-socket's own timeout stays (2 s): it is when a query is given up.
 * Long before that, a query that has taken several times what its peers took
 * stops holding the lookup up: its slot goes to the next node, and its answer
 * still counts if it comes. On the Internet a node's round trip is 50 to
 * 300 ms, while a third of routing-table entries are dead and a few percent
 * of datagrams are lost: waiting the full timeout on each of those is what
 * made lookups take seconds.
 *
 * The patience for a node never heard from is a multiple of the median round
 * trip seen so far (the median, not the mean: one dead-slow node must not
 * stretch it), kept between a floor and half the hard timeout. A node whose
 * own round trip is known (the `put` round, after the lookup heard from it)
 * gets one and a half times that round trip before its `put` is sent again:
 * a resend costs one datagram, and one that meets the packet already stored
 * is settled by asking the node (putRound.ts).
 */
const INITIAL_MS = 1000
/** Under load, a loopback answer can take tens of milliseconds to be read; below this, nothing is slow. */
const FLOOR_MS = 50
const CEILING_MS = 1000
/** Answers needed before the median is trusted. */
const SAMPLES = 3
/**
 * A query this many times the median round trip is slow: with round trips
 * spread as on the Internet (log-normal, 90% within about 0.4 and 2.7 times
 * the median), about one live node in eight.
 */
const MEDIANS = 2
const OWN_ROUND_TRIPS = 1.5

export interface Patience {
  /** Records the round trip of an answer, in milliseconds. */
  readonly observe: (rtt: number) => void
  /** Milliseconds to wait for a node never heard from. */
  readonly forAnyone: () => number
  /** Milliseconds to wait for a node whose round trip was `rtt`. */
  readonly forNode: (rtt: number) => number
}

const clamp = (ms: number) => Math.min(CEILING_MS, Math.max(FLOOR_MS, ms))

export const make = (): Patience => {
  const samples: Array<number> = []
  let median = Number.NaN
  return {
    observe: (rtt) => {
      // Kept sorted: a lookup hears a hundred answers at most.
      const at = samples.findIndex((sample) => sample > rtt)
      samples.splice(at === -1 ? samples.length : at, 0, rtt)
      median = samples[Math.floor(samples.length / 2)]!
    },
    forAnyone: () => (samples.length < SAMPLES ? INITIAL_MS : clamp(MEDIANS * median)),
    forNode: (rtt) => clamp(OWN_ROUND_TRIPS * rtt)
  }
}
