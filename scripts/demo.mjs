// The README's demo: a whole handoff between two "machines" on this one,
// with the real cclink, a real Mainline DHT of local nodes and a local carry
// network (these machines have no internet). Machine A and machine B are two
// homes holding the same key; B has no copy of the conversation: A carries
// it (`cclink --carry`), peer to peer. B's `claude` is a stand-in that prints
// how it was started and whether the conversation is where claude looks.
import { spawn, spawnSync } from "node:child_process"
import {
  chmodSync,
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"

const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "cli.cjs")
const root = mkdtempSync(join(tmpdir(), "cclink-demo-"))
const machineA = join(root, "machine-a")
const machineB = join(root, "machine-b")
const sessionId = crypto.randomUUID()
const nodes = Number(process.env.DEMO_NODES ?? 200)

const encode = (path) => path.replace(/[^a-zA-Z0-9]/g, "-")

const say = (text) => process.stdout.write(`${text}\n`)

/** Runs cclink as `machine` would, echoing the command and its output. */
const cclink = (machine, home, cwd, args, env) => {
  say(`\n${machine} $ cclink ${args.join(" ")}`.trimEnd())
  // One file for stdout and stderr, so the lines keep the order a terminal shows.
  const log = join(root, "output.log")
  const fd = openSync(log, "w")
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    env: { ...process.env, HOME: home, NO_COLOR: "1", ...env },
    stdio: ["ignore", fd, fd]
  })
  closeSync(fd)
  const output = readFileSync(log, "utf8")
  for (const line of output.trimEnd().split("\n")) say(`  ${line}`)
  if (result.status !== 0) throw new Error(`cclink ${args.join(" ")} exited with ${result.status}`)
  return output
}

/** `cclink testnet` in the background; resolves with its bootstrap lists once it is up. */
const startTestnet = () =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, "testnet", "--nodes", String(nodes), "--json"], {
      stdio: ["ignore", "pipe", "inherit"]
    })
    child.once("error", reject)
    child.once("exit", (code) => reject(new Error(`cclink testnet exited with ${code}`)))
    createInterface({ input: child.stdout }).once("line", (line) => {
      child.removeAllListeners("exit")
      const { bootstrap, carryBootstrap } = JSON.parse(line)
      resolve({ child, bootstrap: bootstrap.join(","), carryBootstrap: carryBootstrap.join(",") })
    })
  })

/**
 * `cclink --carry --burn` on machine A in the background, its lines echoed as
 * they come; resolves once it serves, with a promise of its exit code.
 */
const startCarrying = (home, cwd, env) =>
  new Promise((resolve, reject) => {
    say(`\nmachine A $ cclink --carry --burn &`)
    const child = spawn(process.execPath, [cli, "--carry", "--burn"], {
      cwd,
      env: { ...process.env, HOME: home, NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    const exited = new Promise((done) => child.once("exit", (code) => done(code)))
    child.once("error", reject)
    child.stderr.on("data", (chunk) => process.stdout.write(`  [A] ${chunk}`))
    createInterface({ input: child.stdout }).on("line", (line) => {
      say(`  [A] ${line}`)
      if (line.includes("Serving the conversation")) resolve({ child, exited })
    })
    exited.then((code) => reject(new Error(`cclink --carry exited with ${code} before serving`)))
  })

const setUp = () => {
  for (const home of [machineA, machineB]) mkdirSync(join(home, "myproject"), { recursive: true })
  const projectA = join(machineA, "myproject")
  const folder = join(machineA, ".claude", "projects", encode(projectA))
  mkdirSync(join(folder, "memory"), { recursive: true })
  const lines = ["hello", "refactor the parser", "now add tests"].map((content) =>
    JSON.stringify({ type: "user", cwd: projectA, sessionId, message: { role: "user", content } })
  )
  writeFileSync(join(folder, `${sessionId}.jsonl`), `${lines.join("\n")}\n`)
  writeFileSync(join(folder, "memory", "MEMORY.md"), "# Project notes\n- the parser lives in src/parse.ts\n")
  // Machine B has no copy of the conversation: no Syncthing, no shared folder.
  // Its `claude`: prints what it was asked to do, where, and whether the
  // conversation is where Claude Code looks for it (the folder of the directory it starts in).
  const bin = join(machineB, "bin")
  mkdirSync(bin)
  writeFileSync(
    join(bin, "claude"),
    [
      "#!/bin/sh",
      "echo \"[stand-in claude] started with: $*\"",
      "echo \"[stand-in claude] in directory: $(pwd)\"",
      "file=\"$HOME/.claude/projects/$(pwd | sed 's/[^a-zA-Z0-9]/-/g')/$2.jsonl\"",
      "if [ -f \"$file\" ]; then echo \"[stand-in claude] found the conversation: $(wc -l < \"$file\") lines\"; " +
      "else echo \"[stand-in claude] no conversation at $file\"; exit 1; fi",
      ""
    ].join("\n")
  )
  chmodSync(join(bin, "claude"), 0o755)
}

const main = async () => {
  setUp()
  say(`Starting a local Mainline DHT of ${nodes} nodes on 127.0.0.1 (cclink testnet)...`)
  const { bootstrap, carryBootstrap, child } = await startTestnet()
  let publisher
  try {
    const env = { CCLINK_BOOTSTRAP: bootstrap, CCLINK_CARRY_BOOTSTRAP: carryBootstrap }
    say(`DHT ready, bootstrap ${bootstrap}; carry network ready, bootstrap ${carryBootstrap}`)
    cclink("machine A", machineA, machineA, ["init", "--no-passphrase"], env)
    mkdirSync(join(machineB, ".pubky"), { mode: 0o700 })
    copyFileSync(join(machineA, ".pubky", "secret_key"), join(machineB, ".pubky", "secret_key"))
    chmodSync(join(machineB, ".pubky", "secret_key"), 0o600)
    say("\n(the same key file is copied to machine B)")
    // A's working files live outside its home here, so its home can be put aside below while it serves.
    publisher = await startCarrying(machineA, join(machineA, "myproject"), {
      ...env,
      CCLINK_STATE_DIR: join(root, "a-state")
    })
    // Both homes share this computer's disk; on a real machine B, machine A's
    // folders are not there, so they are put aside while B works.
    renameSync(machineA, `${machineA}.elsewhere`)
    say(
      `\n(machine B keeps the project at ${
        join(machineB, "myproject")
      }, not at A's path, and has no copy of the conversation)`
    )
    let picked
    try {
      picked = cclink("machine B", machineB, join(machineB, "myproject"), ["pickup", "-y"], {
        ...env,
        PATH: `${join(machineB, "bin")}:${process.env.PATH}`
      })
    } finally {
      renameSync(`${machineA}.elsewhere`, machineA)
    }
    // The demo passes only if B resumed this session there, and claude found the carried conversation.
    for (
      const expected of [
        `started with: --resume ${sessionId}`,
        `in directory: ${join(machineB, "myproject")}`,
        "found the conversation: 3 lines"
      ]
    ) {
      if (!picked.includes(expected)) throw new Error(`machine B's claude was not ${expected}`)
    }
    // A burn handoff: machine A stops serving by itself once the transfer is acknowledged, and removes the handoff.
    const code = await publisher.exited
    if (code !== 0) throw new Error(`machine A's cclink --carry exited with ${code}`)
    say("\nDone: machine B resumed machine A's session, carried from A, in its own copy of the project.")
  } finally {
    publisher?.child.kill("SIGKILL")
    child.kill("SIGINT")
    rmSync(root, { recursive: true, force: true })
  }
}

main().catch((error) => {
  process.stderr.write(`demo failed: ${error.message}\n`)
  process.exitCode = 1
})
