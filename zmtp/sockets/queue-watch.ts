// Callers waiting for a socket's send queues to shrink below a mark. This gives back-pressure to a
// sender whose socket fails fast on a full queue (sendTimeout 0) but who still wants to be paced by
// the network: it awaits the queue before going on, instead of meeting the limit. Not zeromq.js API.

interface Watcher {
  below: number
  resolve: () => void
}

export class QueueWatch {
  private watchers: Watcher[] = []

  get active(): boolean {
    return this.watchers.length > 0
  }

  /** Resolves once `check` sees fewer than `below` messages queued, or on `releaseAll`. */
  wait(below: number): Promise<void> {
    return new Promise((resolve) => this.watchers.push({ below, resolve }))
  }

  /** The queues now hold `queued` messages: let go of everyone waiting for less than that. */
  check(queued: number): void {
    const still: Watcher[] = []
    for (const w of this.watchers) {
      if (queued < w.below) w.resolve()
      else still.push(w)
    }
    this.watchers = still
  }

  /** The socket closed: nothing will be queued any more. */
  releaseAll(): void {
    const all = this.watchers
    this.watchers = []
    for (const w of all) w.resolve()
  }
}
