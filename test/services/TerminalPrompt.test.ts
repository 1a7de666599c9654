import { describe, expect, it } from "vitest"
import { start } from "./childScript.js"
import { usePromptChild } from "./promptHarness.js"

const child = usePromptChild("prompt")
const run = child.inTerminal

describe("TerminalPrompt on a real terminal (tmux)", () => {
  it("confirm shows the answer and takes only y or yes as yes", async () => {
    for (
      const [answer, expected] of [["y", true], ["YES", true], ["no", false], ["", false], ["yep", false]] as const
    ) {
      const { session, outcome } = run({ confirm: "Replace the key at ~/.pubky/secret_key?" })
      try {
        await session.waitFor("Replace the key at ~/.pubky/secret_key? [y/N]")
        session.type(answer)
        session.press("Enter")
        const done = await session.waitFor("EXIT=")
        expect(done).toContain(`[y/N] ${answer}`.trimEnd())
        expect(outcome(), `answer "${answer}"`).toEqual({ value: expected })
      } finally {
        session.close()
      }
    }
  }, 120_000)

  it("Ctrl-C or Ctrl-D at a hidden prompt is Declined, and the terminal is restored", async () => {
    for (const key of ["C-c", "C-d"]) {
      const { session, outcome } = run({ kind: "PIN", creating: false })
      try {
        await session.waitFor("PIN:")
        if (key === "C-c") session.type("half a pi")
        session.press(key)
        const done = await session.waitFor("EXIT=")
        expect(done).toContain("Cancelled: PIN")
        expect(done).toContain("icanon echo")
        expect(done).toContain("EXIT=1")
        expect(done).not.toContain("half")
        expect(outcome()).toEqual({ error: "Declined", message: "Cancelled: PIN" })
      } finally {
        session.close()
      }
    }
  }, 120_000)
})

describe("TerminalPrompt without a terminal", () => {
  it("declines at once instead of waiting on stdin", async () => {
    const { finished } = start(child.path(), [JSON.stringify({ confirm: "Revoke the handoff?" })], {
      stdio: ["pipe", "pipe", "pipe"]
    })
    const result = await finished
    expect(result.code).toBe(1)
    expect(JSON.parse(result.stdout)).toEqual({
      error: "Declined",
      message: "Cancelled: Revoke the handoff? (no terminal to answer on)"
    })
  }, 60_000)
})
