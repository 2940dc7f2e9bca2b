// Several Zyre nodes in one process, with a record of what each one has seen. Used by the demo
// and by simulations and tests that need "every node saw every other node".
import { Zyre } from '../zyre/zyre.ts'
import type { ZyreOptions } from '../zyre/options.ts'
import type { ZyreEvent } from '../zyre/events.ts'

/** Events kept per member, so a long simulation does not grow without bound. */
const EVENT_HISTORY = 10_000

export interface ClusterMember {
  zyre: Zyre
  /** The latest events this node reported (up to EVENT_HISTORY), in order. */
  events: ZyreEvent[]
  /** Peers this node currently considers present (ENTER minus EXIT). */
  present: Set<string>
  /** group -> peers this node believes are in it. */
  groups: Map<string, Set<string>>
}

export interface ClusterCounts {
  enter: number
  exit: number
  join: number
  leave: number
  whisper: number
  shout: number
  evasive: number
  silent: number
}

export class Cluster {
  readonly members: ClusterMember[] = []
  readonly counts: ClusterCounts = { enter: 0, exit: 0, join: 0, leave: 0, whisper: 0, shout: 0, evasive: 0, silent: 0 }
  private waiters = new Set<() => void>()

  /** Creates (not starts) `n` nodes; `options(i)` gives each one's options. */
  constructor(n: number, options: (i: number) => ZyreOptions) {
    for (let i = 0; i < n; i++) this.add(new Zyre(options(i)))
  }

  add(zyre: Zyre): ClusterMember {
    const m: ClusterMember = { zyre, events: [], present: new Set(), groups: new Map() }
    zyre.on('event', (e) => this.record(m, e))
    this.members.push(m)
    return m
  }

  get nodes(): Zyre[] {
    return this.members.map((m) => m.zyre)
  }

  async start(): Promise<void> {
    await Promise.all(this.members.map((m) => m.zyre.start()))
  }

  async stop(): Promise<void> {
    await Promise.all(this.members.map((m) => m.zyre.stop()))
  }

  /** Number of (observer, peer) pairs where the observer currently sees the peer. */
  links(): number {
    let n = 0
    for (const m of this.members) n += m.present.size
    return n
  }

  /** True when each running node sees exactly the other running nodes. */
  fullMesh(among: ClusterMember[] = this.members): boolean {
    const ids = new Set(among.map((m) => m.zyre.uuid))
    return among.every((m) => m.present.size === ids.size - 1 && [...m.present].every((p) => ids.has(p)))
  }

  /** Resolves when `predicate` holds (checked after every event), rejects after `timeoutMs`. */
  until(predicate: () => boolean, timeoutMs: number, what = 'condition'): Promise<void> {
    if (predicate()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!predicate()) return
        cleanup()
        resolve()
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))
      }, timeoutMs)
      const cleanup = (): void => {
        clearTimeout(timer)
        this.waiters.delete(check)
      }
      this.waiters.add(check)
    })
  }

  private record(m: ClusterMember, e: ZyreEvent): void {
    if (m.events.length >= EVENT_HISTORY) m.events.shift()
    m.events.push(e)
    switch (e.type) {
      case 'ENTER':
        m.present.add(e.peer)
        this.counts.enter++
        break
      case 'EXIT':
        m.present.delete(e.peer)
        for (const peers of m.groups.values()) peers.delete(e.peer)
        this.counts.exit++
        break
      case 'JOIN': {
        let peers = m.groups.get(e.group)
        if (!peers) m.groups.set(e.group, (peers = new Set()))
        peers.add(e.peer)
        this.counts.join++
        break
      }
      case 'LEAVE':
        m.groups.get(e.group)?.delete(e.peer)
        this.counts.leave++
        break
      case 'WHISPER':
        this.counts.whisper++
        break
      case 'SHOUT':
        this.counts.shout++
        break
      case 'EVASIVE':
        this.counts.evasive++
        break
      case 'SILENT':
        this.counts.silent++
        break
      case 'LEADER':
      case 'STOP':
        break
    }
    for (const w of [...this.waiters]) w()
  }
}
