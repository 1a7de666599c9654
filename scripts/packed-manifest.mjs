/**
 * The package.json a packed tarball ships: the repository's without what
 * only the repository uses, its `scripts` and `allowScripts` (the policy for
 * its dev dependencies' install scripts). Among the scripts is `prepare`,
 * which builds dist/ when npm installs from a git URL, but which in a
 * tarball only makes npm 11 warn of an install script it would never run.
 *
 *   node scripts/packed-manifest.mjs strip     (prepack, once dist/ is built)
 *   node scripts/packed-manifest.mjs restore   (postpack)
 *
 * npm runs postpack from the manifest it read before prepack, so `restore`
 * runs although the scripts are gone. Meanwhile the original waits in
 * package.json.packing, written whole (aside, then renamed) before
 * package.json is replaced. A pack cut short between the two leaves both
 * files, which `git status` shows: `restore` puts the original back, and
 * `strip` refuses to run while it waits.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs"

const MANIFEST = "package.json"
const ORIGINAL = "package.json.packing"
const REPOSITORY_ONLY = ["scripts", "allowScripts"]

const fail = (message) => {
  console.error(`packed-manifest: ${message}`)
  process.exit(1)
}

/** `text` into `path` whole: a crash leaves the old file or the new one, never half of one. */
const writeWhole = (path, text) => {
  const aside = `${path}.tmp`
  const fd = openSync(aside, "w")
  try {
    writeSync(fd, text)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(aside, path)
}

switch (process.argv[2]) {
  case "strip": {
    if (existsSync(ORIGINAL)) {
      fail(
        `${ORIGINAL} holds the package.json of a pack cut short: check it, then run \`node scripts/packed-manifest.mjs restore\` (or delete it).`
      )
    }
    const text = readFileSync(MANIFEST, "utf8")
    const manifest = JSON.parse(text)
    writeWhole(ORIGINAL, text)
    for (const field of REPOSITORY_ONLY) delete manifest[field]
    writeWhole(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`)
    break
  }
  case "restore":
    if (existsSync(ORIGINAL)) renameSync(ORIGINAL, MANIFEST)
    break
  default:
    fail("usage: node scripts/packed-manifest.mjs strip|restore")
}
