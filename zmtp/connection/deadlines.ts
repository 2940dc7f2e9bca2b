// Deadlines that are nearly always cancelled in time, such as each connection's handshake
// timeout: one timer per duration for all of them rather than a Timeout object per connection.
// Entries of one duration expire in the order they were added, so each duration keeps a FIFO
// queue and one timer armed for its oldest live entry. Cancelling only marks the entry; the timer
// stops when no live entry is left, so pending deadlines keep the process alive as timers do.

export interface Expiring {
  /** The deadline passed without being cancelled. */
  expired(): void
}

/** The deadlines of one duration. */
export class DeadlineQueue {
  private items: (Expiring | undefined)[] = []
  private times: number[] = []
  /** Entries before this index have expired or been dropped. */
  private head = 0
  /** Number of the entry at index 0: entry numbers stay valid while the arrays are compacted. */
  private base = 0
  private live = 0
  private timer: NodeJS.Timeout | undefined

  constructor(readonly ms: number) {}

  /** Calls `item.expired()` in `ms` milliseconds unless cancelled first; returns the entry's number. */
  add(item: Expiring): number {
    const n = this.base + this.items.length
    this.items.push(item)
    this.times.push(performance.now() + this.ms)
    this.live++
    if (this.timer === undefined) this.arm(this.ms)
    return n
  }

  /** Cancels entry `n` (nothing if it has expired or was cancelled). */
  cancel(n: number): void {
    const i = n - this.base
    if (i < this.head || i >= this.items.length || this.items[i] === undefined) return
    this.items[i] = undefined
    if (--this.live === 0) this.reset()
  }

  /** Entries not yet expired nor cancelled. */
  get size(): number {
    return this.live
  }

  private arm(ms: number): void {
    this.timer = setTimeout(this.fire, Math.max(1, Math.ceil(ms)))
  }

  private readonly fire = (): void => {
    this.timer = undefined
    const now = performance.now()
    try {
      // An expiry may cancel or add entries (even reset the queue): read the fields every time.
      while (this.head < this.items.length) {
        const item = this.items[this.head]
        if (item !== undefined && this.times[this.head]! > now) break
        this.items[this.head] = undefined
        this.head++
        if (item !== undefined) {
          this.live--
          item.expired()
        }
      }
    } finally {
      // An expiry that throws (a bug) is reported as from its own timer; the rest stay queued.
      if (this.live === 0) this.reset()
      else {
        this.compact()
        if (this.timer !== undefined) clearTimeout(this.timer)
        this.arm(this.times[this.head]! - now)
      }
    }
  }

  /** Drops the expired and cancelled entries at the front once they are half the arrays. */
  private compact(): void {
    while (this.head < this.items.length && this.items[this.head] === undefined) this.head++
    if (this.head < 1024 || this.head * 2 < this.items.length) return
    this.items.splice(0, this.head)
    this.times.splice(0, this.head)
    this.base += this.head
    this.head = 0
  }

  private reset(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.base += this.items.length
    this.items = []
    this.times = []
    this.head = 0
  }
}

const queues = new Map<number, DeadlineQueue>()

/** The process's (the thread's) queue of `ms`-millisecond deadlines. */
export function deadlinesOf(ms: number): DeadlineQueue {
  let q = queues.get(ms)
  if (q === undefined) {
    q = new DeadlineQueue(ms)
    queues.set(ms, q)
  }
  return q
}
