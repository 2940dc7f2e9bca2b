// Waiting for Zyre events in tests, with a timeout that fails the wait instead of hanging.
import { Zyre, type ZyreError, type ZyreEvent, type ZyreOptions } from '../../lib/index.ts'

type EventOf<T extends ZyreEvent['type']> = Extract<ZyreEvent, { type: T }>

/** Records a node's events from now on; waits resolve on past or future events. */
export class EventLog {
  readonly events: ZyreEvent[] = []
  private waiters = new Set<() => void>()

  constructor(zyre: Zyre) {
    zyre.on('event', (e) => {
      this.events.push(e)
      for (const w of [...this.waiters]) w()
    })
  }

  /** Events of this type seen so far (optionally for one peer). */
  of<T extends ZyreEvent['type']>(type: T, peer?: string): EventOf<T>[] {
    return this.events.filter((e) => e.type === type && (peer === undefined || ('peer' in e && e.peer === peer))) as EventOf<T>[]
  }

  /** Resolves when `predicate` holds (checked after every event); rejects after `timeoutMs`. */
  until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (predicate()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!predicate()) return
        done()
        resolve()
      }
      const timer = setTimeout(() => {
        done()
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))
      }, timeoutMs)
      const done = (): void => {
        clearTimeout(timer)
        this.waiters.delete(check)
      }
      this.waiters.add(check)
    })
  }

  /** Resolves with the first event of this type (already seen or future) that matches. */
  async wait<T extends ZyreEvent['type']>(type: T, match: (e: EventOf<T>) => boolean = () => true, timeoutMs = 10000): Promise<EventOf<T>> {
    await this.until(() => this.of(type).some(match), timeoutMs, `a matching ${type} event`)
    return this.of(type).find(match)!
  }

  /** Resolves when `count` events of this type (optionally from one peer) have been seen. */
  count(type: ZyreEvent['type'], count: number, timeoutMs = 10000, peer?: string): Promise<void> {
    return this.until(() => this.of(type, peer).length >= count, timeoutMs, `${count} ${type} events`)
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** A started node with its event log and the warnings it reported; stopped when the test ends. */
export async function startedNode(
  t: { teardown(fn: () => unknown): void },
  options: ZyreOptions,
): Promise<{ zyre: Zyre; log: EventLog; warnings: ZyreError[] }> {
  const zyre = new Zyre(options)
  const log = new EventLog(zyre)
  const warnings: ZyreError[] = []
  zyre.on('warning', (w) => warnings.push(w))
  await zyre.start()
  t.teardown(() => zyre.stop())
  return { zyre, log, warnings }
}
