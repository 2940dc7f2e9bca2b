// Runs the beacon's interface check every interval, never two at a time: a check that finds a
// new address opens a socket, and a second one meanwhile would see the same change again.
export class InterfacePoller {
  private readonly timer: NodeJS.Timeout
  private running = false

  constructor(
    private readonly poll: () => Promise<void>,
    interval: number,
    private readonly onError: (err: unknown) => void,
  ) {
    this.timer = setInterval(() => this.pollNow(), interval)
    this.timer.unref()
  }

  /** Checks now, unless a check is already under way. */
  pollNow(): void {
    if (this.running) return
    this.running = true
    // A failed check (or an 'address' listener that throws) is reported, never left unhandled.
    this.poll()
      .catch(this.onError)
      .finally(() => {
        this.running = false
      })
  }

  stop(): void {
    clearInterval(this.timer)
  }
}
