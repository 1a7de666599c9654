// The README's demo: a whole handoff between two "machines" on this one,
// with the real cclink and a real Mainline DHT of local nodes (these machines
// have no internet). Machine A and machine B are two homes holding the same
// key; the session file is synced from A to B as Syncthing or rsync would;
// B's `claude` is a stand-in that prints how it was started.
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

/** `cclink testnet` in the background; resolves with its bootstrap list once it is up. */
const startTestnet = () =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, "testnet", "--nodes", String(nodes), "--json"], {
      stdio: ["ignore", "pipe", "inherit"]
    })
    child.once("error", reject)
    child.once("exit", (code) => reject(new Error(`cclink testnet exited with ${code}`)))
    createInterface({ input: child.stdout }).once("line", (line) => {
      child.removeAllListeners("exit")
      resolve({ child, bootstrap: JSON.parse(line).bootstrap.join(",") })
    })
  })

const setUp = () => {
  for (const home of [machineA, machineB]) mkdirSync(join(home, "myproject"), { recursive: true })
  const projectA = join(machineA, "myproject")
  const folder = join(machineA, ".claude", "projects", encode(projectA))
  mkdirSync(folder, { recursive: true })
  writeFileSync(
    join(folder, `${sessionId}.jsonl`),
    `${JSON.stringify({ type: "user", cwd: projectA, sessionId, message: { role: "user", content: "hello" } })}\n`
  )
  // The user syncs ~/.claude/projects to machine B (Syncthing, rsync...).
  const synced = join(machineB, ".claude", "projects", encode(projectA))
  mkdirSync(synced, { recursive: true })
  copyFileSync(join(folder, `${sessionId}.jsonl`), join(synced, `${sessionId}.jsonl`))
  // Machine B's `claude`: prints what it was asked to do, and where.
  const bin = join(machineB, "bin")
  mkdirSync(bin)
  writeFileSync(
    join(bin, "claude"),
    "#!/bin/sh\necho \"[stand-in claude] started with: $*\"\necho \"[stand-in claude] in directory: $(pwd)\"\n"
  )
  chmodSync(join(bin, "claude"), 0o755)
}

const main = async () => {
  setUp()
  say(`Starting a local Mainline DHT of ${nodes} nodes on 127.0.0.1 (cclink testnet)...`)
  const { bootstrap, child } = await startTestnet()
  try {
    const env = { CCLINK_BOOTSTRAP: bootstrap }
    say(`DHT ready, bootstrap ${bootstrap}`)
    cclink("machine A", machineA, machineA, ["init", "--no-passphrase"], env)
    mkdirSync(join(machineB, ".pubky"), { mode: 0o700 })
    copyFileSync(join(machineA, ".pubky", "secret_key"), join(machineB, ".pubky", "secret_key"))
    chmodSync(join(machineB, ".pubky", "secret_key"), 0o600)
    say("\n(the same key file is copied to machine B)")
    cclink("machine A", machineA, join(machineA, "myproject"), [], env)
    // Both homes share this computer's disk; on a real machine B, machine A's
    // folders are not there, so they are put aside while B works.
    renameSync(machineA, `${machineA}.elsewhere`)
    say(`\n(machine B keeps the project at ${join(machineB, "myproject")}, not at A's path)`)
    try {
      const picked = cclink("machine B", machineB, join(machineB, "myproject"), ["pickup", "-y"], {
        ...env,
        PATH: `${join(machineB, "bin")}:${process.env.PATH}`
      })
      // The stand-in claude exits 0 whatever it was given: the demo passes only if B resumed this session there.
      for (const expected of [`started with: --resume ${sessionId}`, `in directory: ${join(machineB, "myproject")}`]) {
        if (!picked.includes(expected)) throw new Error(`machine B's claude was not ${expected}`)
      }
    } finally {
      renameSync(`${machineA}.elsewhere`, machineA)
    }
    say("\nDone: machine B resumed machine A's session in its own copy of the project.")
  } finally {
    child.kill("SIGINT")
    rmSync(root, { recursive: true, force: true })
  }
}

main().catch((error) => {
  process.stderr.write(`demo failed: ${error.message}\n`)
  process.exitCode = 1
})
