/** Whether process `pid` runs: signal 0 checks without sending, and EPERM means it runs as someone else. */
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}
