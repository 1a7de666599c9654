/**
 * A small internet in network namespaces, for the NAT tests: one namespace
 * holding the "internet" (a bridge on the reserved test range 198.18.0.0/15,
 * and the public host at 198.18.0.1 where the bootstrap nodes run), machines
 * directly on it, and machines each behind its own NAT router:
 *
 *     machine a (192.168.1.2) -- router a (192.168.1.1 | wan 198.18.1.1) --+
 *     machine b (192.168.2.2) -- router b (192.168.2.1 | wan 198.18.1.2) --+-- bridge, public host 198.18.0.1
 *     machine c (198.18.2.1) -----------------------------------------------+
 *
 * Every veth pair is created with both ends already inside namespaces, so
 * nothing appears in the host's own namespace; no namespace has a route
 * beyond the test range and nothing is bridged to the host's interfaces, so
 * no packet can leave. Each router masquerades on its WAN and drops
 * unsolicited new inbound traffic there, as home routers do (without that
 * rule double-NAT hole punching fails here: docs/testing-nat.md).
 *
 * The topology is a scoped resource: its namespaces go with the scope, on
 * success, failure or interruption (a test's timeout interrupts it). Names
 * carry the owning process's pid, so two runs never collide, and a run
 * removes the namespaces of runs whose process is gone (killed before its
 * scope closed): only those, only with our prefix.
 */
import { Data, Effect, Scope } from "effect"
import { execFile } from "node:child_process"
import { randomBytes } from "node:crypto"
import { isAlive } from "../../support/alive.js"
import { tools } from "./preflight.js"

export class TopologyError extends Data.TaggedError("TopologyError")<{ readonly message: string }> {}

/**
 * How a router maps its machine's UDP flows to its WAN address.
 * - consistent: one public port per local socket, whatever the destination
 *   (Linux masquerade's default; most home routers): hole punching works.
 * - random: a new public port for each destination (`masquerade random`),
 *   as some carrier-grade and corporate NATs do: punching between two of them fails.
 */
export type Nat = "consistent" | "random"

export interface Host {
  readonly label: string
  readonly namespace: string
  /** The host's own address: on the public range, or 192.168.x.2 behind its router. */
  readonly address: string
  /** The address its traffic arrives from on the public side: its own, or its router's WAN. */
  readonly publicAddress: string
  readonly router: Router | undefined
  /** `command` run inside this host's namespace, as an argv for spawn. */
  readonly exec: (command: ReadonlyArray<string>) => ReadonlyArray<string>
}

/** A NAT router: its `address` is its WAN address on the public side, what the internet sees of its machine. */
export interface Router extends Host {
  /** Its address on the machine's LAN, the machine's default gateway. */
  readonly lan: string
  readonly nat: Nat
}

export interface TopologySpec<N extends string, P extends string> {
  /** Machines each behind its own NAT router, and that router's kind. */
  readonly behindNat?: Readonly<Record<N, Nat>>
  /** Machines directly on the public side. */
  readonly public?: ReadonlyArray<P>
}

export interface Topology<N extends string, P extends string> {
  /** The public host: 198.18.0.1, on the bridge itself. */
  readonly internet: Host
  readonly hosts: Readonly<Record<N | P, Host>>
  readonly namespaces: ReadonlyArray<string>
}

/** Every namespace we create starts so; a stale one is found by it, never anyone else's. */
export const PREFIX = "ccnat-"
const OWNER = new RegExp(`^${PREFIX}(\\d+)-`)
const LABEL = /^[a-z0-9]{1,8}$/

export const INTERNET_ADDRESS = "198.18.0.1"
const PUBLIC_PREFIX = 15

/** `ip ...`; stdin fed with `input` when given. */
const ip = (args: ReadonlyArray<string>, input?: string) =>
  Effect.async<string, TopologyError>((resume) => {
    const child = execFile(tools().ip, args, { timeout: 10_000 }, (error, stdout, stderr) =>
      resume(
        error === null
          ? Effect.succeed(stdout)
          : Effect.fail(new TopologyError({ message: `ip ${args.join(" ")}: ${stderr.trim() || error.message}` }))
      ))
    // A command that reads no input may exit before the write lands: that is no error of the command's.
    child.stdin?.on("error", () => {})
    child.stdin?.end(input ?? "")
  })

/** `command` inside namespace `ns`. */
const inNs = (ns: string, command: ReadonlyArray<string>, input?: string) =>
  ip(["netns", "exec", ns, ...command], input)

const listNamespaces = ip(["netns", "list"]).pipe(
  Effect.map((out) => out.split("\n").map((line) => line.split(" ")[0]!).filter((name) => name.length > 0))
)

/**
 * Deletes a namespace and ends what still runs in it (a child its own scope
 * could not stop, or one of a killed run): those processes would otherwise
 * keep the namespace's sockets alive after its name is gone.
 */
const remove = (ns: string) =>
  Effect.gen(function*() {
    const pids = (yield* ip(["netns", "pids", ns])).split("\n").map(Number).filter((pid) => pid > 0)
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL")
      } catch {
        // Exited meanwhile.
      }
    }
    yield* ip(["netns", "delete", ns])
  }).pipe(
    Effect.catchAll((error) => Effect.logWarning(`could not remove namespace ${ns}: ${error.message}`))
  )

/** Removes our namespaces whose owning process is gone; returns their names. */
export const sweepStale = Effect.gen(function*() {
  const stale = (yield* listNamespaces).filter((ns) => {
    const owner = OWNER.exec(ns)
    return owner !== null && Number(owner[1]) !== process.pid && !isAlive(Number(owner[1]))
  })
  yield* Effect.forEach(stale, remove, { discard: true })
  return stale
})

/** The namespaces this process owns now (a test checks that none outlives its scope). */
export const ownNamespaces = listNamespaces.pipe(
  Effect.map((names) => names.filter((ns) => ns.startsWith(`${PREFIX}${process.pid}-`)))
)

/**
 * A namespace with loopback up, deleted with the scope. Creating it is the
 * acquisition; what follows runs once it is in the scope's hands, so a
 * failure there (loopback refusing to come up) still deletes it.
 */
const namespace = (name: string) =>
  Effect.acquireRelease(ip(["netns", "add", name]).pipe(Effect.as(name)), remove).pipe(
    Effect.tap(() => ip(["-n", name, "link", "set", "lo", "up"]))
  )

/** A veth pair from `a` (named `aName`) to `b` (named `bName`), created inside both namespaces at once. */
const veth = (a: string, aName: string, b: string, bName: string) =>
  ip(["-n", a, "link", "add", aName, "type", "veth", "peer", "name", bName, "netns", b])

const up = (ns: string, dev: string, cidr?: string) =>
  Effect.gen(function*() {
    if (cidr !== undefined) yield* ip(["-n", ns, "addr", "add", cidr, "dev", dev])
    yield* ip(["-n", ns, "link", "set", dev, "up"])
  })

/** Masquerade on the WAN, and no unsolicited new flow in through it. */
const natRules = (nat: Nat) => `
table ip nat {
  chain post {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "wan" masquerade${nat === "random" ? " random" : ""}
  }
}
table ip filter {
  chain pre {
    type filter hook prerouting priority filter; policy accept;
    iifname "wan" ct state new drop
  }
}
`

const hostOf = (
  label: string,
  ns: string,
  address: string,
  router: Router | undefined
): Host => ({
  label,
  namespace: ns,
  address,
  publicAddress: router?.address ?? address,
  router,
  exec: (command) => [tools().ip, "netns", "exec", ns, ...command]
})

/** Builds the topology; it is torn down when the scope closes. */
export const make = <const N extends string = never, const P extends string = never>(
  spec: TopologySpec<N, P>
): Effect.Effect<Topology<N, P>, TopologyError, Scope.Scope> =>
  Effect.gen(function*() {
    const natted = Object.entries(spec.behindNat ?? {}) as Array<[N, Nat]>
    const direct = spec.public ?? []
    const labels = [...natted.map(([label]) => label), ...direct]
    const bad = labels.find((label) => !LABEL.test(label) || label === "net")
    if (bad !== undefined || new Set(labels).size !== labels.length) {
      return yield* new TopologyError({ message: `host labels must be unique, [a-z0-9]{1,8}, not "net": ${labels}` })
    }
    yield* Effect.try({ try: tools, catch: (error) => new TopologyError({ message: String(error) }) })
    yield* sweepStale
    const run = `${PREFIX}${process.pid}-${randomBytes(3).toString("hex")}`
    const created: Array<string> = []
    const ns = (role: string) => namespace(`${run}-${role}`).pipe(Effect.tap((name) => created.push(name)))

    const net = yield* ns("net")
    yield* ip(["-n", net, "link", "add", "inet", "type", "bridge"])
    yield* up(net, "inet", `${INTERNET_ADDRESS}/${PUBLIC_PREFIX}`)
    /** A port of the bridge in `net`, its peer `dev` in `other`. */
    const plugIn = (label: string, other: string, dev: string) =>
      veth(net, `port-${label}`, other, dev).pipe(
        Effect.zipRight(ip(["-n", net, "link", "set", `port-${label}`, "master", "inet"])),
        Effect.zipRight(up(net, `port-${label}`))
      )

    const hosts: Record<string, Host> = {}
    for (const [i, [label, nat]] of natted.entries()) {
      const lan = `192.168.${i + 1}`
      const router: Router = {
        ...hostOf(`rt-${label}`, yield* ns(`rt-${label}`), `198.18.1.${i + 1}`, undefined),
        lan: `${lan}.1`,
        nat
      }
      const machine = yield* ns(label)
      yield* plugIn(label, router.namespace, "wan")
      yield* up(router.namespace, "wan", `${router.address}/${PUBLIC_PREFIX}`)
      yield* veth(router.namespace, "lan", machine, "eth0")
      yield* up(router.namespace, "lan", `${router.lan}/24`)
      yield* up(machine, "eth0", `${lan}.2/24`)
      yield* ip(["-n", machine, "route", "add", "default", "via", router.lan])
      yield* inNs(router.namespace, [tools().sysctl, "-q", "-w", "net.ipv4.ip_forward=1"])
      yield* inNs(router.namespace, [tools().nft, "-f", "-"], natRules(nat))
      hosts[label] = hostOf(label, machine, `${lan}.2`, router)
    }
    for (const [i, label] of direct.entries()) {
      const machine = yield* ns(label)
      const address = `198.18.2.${i + 1}`
      yield* plugIn(label, machine, "eth0")
      yield* up(machine, "eth0", `${address}/${PUBLIC_PREFIX}`)
      hosts[label] = hostOf(label, machine, address, undefined)
    }
    return {
      internet: hostOf("internet", net, INTERNET_ADDRESS, undefined),
      hosts: hosts as Record<N | P, Host>,
      namespaces: created
    }
  })
