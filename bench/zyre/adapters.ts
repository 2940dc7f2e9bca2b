// One small interface over both Zyre implementations the benchmark compares: ours and zyre.js
// (loaded through zeromq/v5-compat). Both run on loopback with the same beacon interval.
import { createRequire } from 'node:module'
import { loadLib } from '../built.ts'
import { loadZyreJs } from '../../test/helpers/zyre-js.ts'

const { Zyre } = await loadLib()

export interface BenchNode {
  readonly id: string
  start(): Promise<void>
  stop(): Promise<void>
  join(group: string): void
  whisper(peer: string, payload: Buffer): Promise<void> | void
  shout(group: string, payload: Buffer): Promise<void> | void
  onEnter(fn: (peer: string) => void): void
  onJoin(fn: (peer: string, group: string) => void): void
  onWhisper(fn: (peer: string, payload: Buffer) => void): void
  onShout(fn: (peer: string, payload: Buffer) => void): void
}

export type Impl = 'zyre-ts' | 'zyre.js'

export function createNode(impl: Impl, port: number, name: string): BenchNode {
  return impl === 'zyre-ts' ? ours(port, name) : theirs(port, name)
}

function ours(port: number, name: string): BenchNode {
  const z = new Zyre({ name, interface: 'lo', port, interval: 100, evasiveTimeout: 5000, expiredTimeout: 30000, peerQueueSize: 100_000 })
  return {
    get id() {
      return z.uuid
    },
    start: () => z.start(),
    stop: () => z.stop(),
    join: (g) => z.join(g),
    whisper: (p, b) => z.whisper(p, b),
    shout: (g, b) => z.shout(g, b),
    onEnter: (fn) => z.on('ENTER', (e) => fn(e.peer)),
    onJoin: (fn) => z.on('JOIN', (e) => fn(e.peer, e.group)),
    onWhisper: (fn) => z.on('WHISPER', (e) => fn(e.peer, e.content[0]!)),
    onShout: (fn) => z.on('SHOUT', (e) => fn(e.peer, e.content[0]!)),
  }
}

let contextSized = false

function theirs(port: number, name: string): BenchNode {
  if (!contextSized) {
    // libzmq allows 1023 sockets per context by default; 50 zyre.js nodes need about 2550.
    const zmq = createRequire(import.meta.url)('zeromq') as { context: { maxSockets: number; readonly maxSocketsLimit: number } }
    zmq.context.maxSockets = Math.min(16384, zmq.context.maxSocketsLimit)
    contextSized = true
  }
  const ZyreJs = loadZyreJs()
  const z = new ZyreJs({ name, iface: 'lo', bport: port, binterval: 100, evasive: 5000, expired: 30000 })
  z.setEncoding(null)
  const id = z.getIdentity().toUpperCase()
  return {
    id,
    start: () => z.start(),
    stop: () => z.stop(),
    join: (g) => z.join(g),
    whisper: (p, b) => z.whisper(p.toLowerCase(), b),
    shout: (g, b) => z.shout(g, b),
    onEnter: (fn) => z.on('connect', (p) => fn(p.toUpperCase())),
    onJoin: (fn) => z.on('join', (p, _n, g) => fn(p.toUpperCase(), g)),
    onWhisper: (fn) => z.on('whisper', (p, _n, m) => fn(p.toUpperCase(), m as Buffer)),
    onShout: (fn) => z.on('shout', (p, _n, m) => fn(p.toUpperCase(), m as Buffer)),
  }
}
