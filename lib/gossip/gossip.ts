// A gossip node (CZMQ's zgossip protocol): key-value tuples spread across a network of nodes that
// bind servers and connect to each other's. Every new tuple, ours or learned from a server or a
// client, goes to every client of our server and to every server we are connected to, except
// the connection it came from; repeats go nowhere, so any graph of nodes settles. The
// application hears each new tuple learned from the network as a 'tuple' event (not its own).
//
// Wire behaviour as CZMQ 4.2 where it matters to interoperate: one frame per message, TTL 0 and
// ignored, HELLO before PUBLISH, tuples never removed. Where CZMQ falls short we do better and
// stay compatible: clients PING so a CZMQ server keeps them, an INVALID makes us re-publish
// everything, and our server keeps quiet clients as long as they are connected.
import { EventEmitter } from 'node:events'
import { GossipError, GossipErrorCode } from './errors.ts'
import { GossipRemote } from './remote.ts'
import { GossipServer } from './server.ts'
import { checkTuple, TupleTable, tupleProblem } from './tuples.ts'

export interface GossipOptions {
  /** How often each connection to a server sends PING, default 400 ms (CZMQ's server forgets a
   *  client after 1 s of silence). */
  pingInterval?: number
  /** How long a client of our server may stay silent before we check it is still connected,
   *  default 10000 ms. */
  probeInterval?: number
  /** Most tuples held; new keys beyond it are dropped and reported. Default 10000. */
  maxTuples?: number
  /** Largest gossip message accepted, in bytes; a connection sending more is closed. Default 65536. */
  maxMessageSize?: number
}

export interface GossipEvents {
  /** A tuple new to us (an unknown key, or a new value for a known one) from the network. */
  tuple: [key: string, value: string]
  /** A peer broke the protocol, or a connection failed; the gossip node carries on. */
  warning: [err: GossipError]
}

export class Gossip extends EventEmitter<GossipEvents> {
  private readonly table: TupleTable
  private readonly server: GossipServer
  private readonly remotes = new Map<string, GossipRemote>()
  private readonly timer: NodeJS.Timeout
  private readonly socketOptions: { maxMessageSize: number; sendHighWaterMark: number }
  private readonly probeInterval: number
  private bound = false
  private closed = false
  private lastProbe = Date.now()

  constructor(options: GossipOptions = {}) {
    super()
    const pingInterval = positive('pingInterval', options.pingInterval ?? 400)
    this.probeInterval = positive('probeInterval', options.probeInterval ?? 10_000)
    const maxTuples = positive('maxTuples', options.maxTuples ?? 10_000)
    this.table = new TupleTable(maxTuples)
    // Room for a HELLO's answer (every tuple) plus the forwards that may follow it.
    this.socketOptions = { maxMessageSize: positive('maxMessageSize', options.maxMessageSize ?? 65_536), sendHighWaterMark: 2 * maxTuples + 100 }
    const tuples = (): Iterable<[string, string]> => this.table.entries()
    const warn = (err: GossipError): void => void this.emit('warning', err)
    this.server = new GossipServer(this.socketOptions, {
      tuples,
      publish: (key, value, client) => this.accept(key, value, { client }),
      warn,
    })
    this.timer = setInterval(() => this.tick(), pingInterval)
    this.timer.unref()
  }

  /** Where our server listens, once bound (the port resolved). */
  get endpoint(): string | null {
    return this.server.lastEndpoint
  }

  /** Tuples held. */
  get size(): number {
    return this.table.size
  }

  /** Clients of our server that have said HELLO. */
  get clientCount(): number {
    return this.server.clientCount
  }

  /** Endpoints of the servers we connect to. */
  get servers(): string[] {
    return [...this.remotes.keys()]
  }

  get(key: string): string | undefined {
    return this.table.get(key)
  }

  /** Every tuple held, ours and learned. */
  tuples(): Map<string, string> {
    return new Map(this.table.entries())
  }

  /** Serves other nodes: `tcp://*:port`, `tcp://127.0.0.1:*` (see `endpoint`), `ipc://path`. */
  async bind(endpoint: string): Promise<void> {
    this.requireOpen()
    await this.server.bind(endpoint)
    this.bound = true
  }

  /** Connects to another node's server (again after every disconnect); once per endpoint. */
  connect(endpoint: string): void {
    this.requireOpen()
    if (this.remotes.has(endpoint)) return
    const remote = new GossipRemote(endpoint, this.socketOptions, {
      tuples: () => this.table.entries(),
      publish: (key, value, from) => this.accept(key, value, { remote: from }),
      warn: (err) => void this.emit('warning', err),
    })
    this.remotes.set(endpoint, remote)
  }

  /** Stops talking to a server. */
  async disconnect(endpoint: string): Promise<void> {
    const remote = this.remotes.get(endpoint)
    if (!remote) return
    this.remotes.delete(endpoint)
    await remote.close()
  }

  /**
   * Publishes a tuple to the whole network: its key 1 to 255 bytes, key and value without NUL.
   * A new value replaces the old one everywhere; nothing removes a tuple from other nodes.
   */
  publish(key: string, value: string): void {
    this.requireOpen()
    checkTuple(key, value)
    if (this.table.accept(key, value) === 'full') {
      throw new GossipError(GossipErrorCode.TOO_MANY_TUPLES, `cannot hold more than ${this.table.size} tuples`)
    }
    this.spread(key, value, {})
  }

  /** Forgets a tuple here only (as CZMQ's UNPUBLISH): other nodes keep it, and may send it back. */
  unpublish(key: string): boolean {
    return this.table.delete(key)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    clearInterval(this.timer)
    await Promise.all([this.server.close(), ...[...this.remotes.values()].map((r) => r.close())])
    this.remotes.clear()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  /** A tuple from a client or a server: new ones are kept, reported and spread. */
  private accept(key: string, value: string, from: { client?: string; remote?: GossipRemote }): void {
    if (this.closed) return
    const origin = from.client ?? from.remote?.endpoint
    const problem = tupleProblem(key, value)
    if (problem !== undefined) {
      this.emit('warning', new GossipError(GossipErrorCode.BAD_TUPLE, `tuple from ${origin} dropped: ${problem}`, { origin }))
      return
    }
    const got = this.table.accept(key, value)
    if (got === 'repeat') return
    if (got === 'full') {
      this.emit('warning', new GossipError(GossipErrorCode.TOO_MANY_TUPLES, `tuple '${key.slice(0, 40)}' from ${origin} dropped: ${this.table.size} tuples held already`, { origin }))
      return
    }
    this.spread(key, value, from)
    this.emit('tuple', key, value)
  }

  private spread(key: string, value: string, from: { client?: string; remote?: GossipRemote }): void {
    if (this.bound) this.server.forward(key, value, from.client)
    for (const remote of this.remotes.values()) if (remote !== from.remote) remote.publish(key, value)
  }

  private tick(): void {
    for (const remote of this.remotes.values()) remote.ping()
    const now = Date.now()
    if (this.bound && now - this.lastProbe >= this.probeInterval) {
      this.lastProbe = now
      this.server.sweep(now - this.probeInterval)
    }
  }

  private requireOpen(): void {
    if (this.closed) throw new GossipError(GossipErrorCode.CLOSED, 'the gossip node is closed')
  }
}

function positive(name: string, v: number): number {
  if (!Number.isFinite(v) || v <= 0) throw new GossipError(GossipErrorCode.BAD_ARGUMENT, `${name} must be a positive number, got ${v}`)
  return v
}
