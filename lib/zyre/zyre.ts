// The public Zyre API: a node on a ZRE network. Events come as a typed EventEmitter and as an
// async iterator; whisper/shout return Promises; Symbol.asyncDispose stops the node.
import { EventEmitter } from 'node:events'
import type {
  EnterEvent, EvasiveEvent, ExitEvent, JoinEvent, LeaderEvent, LeaveEvent, ShoutEvent, SilentEvent, StopEvent, WhisperEvent, ZyreEvent,
} from './events.ts'
import { ZyreError, ZyreErrorCode } from './errors.ts'
import { ZyreNode } from './node.ts'
import { resolveOptions, type ZyreOptions } from './options.ts'
import type { SocketFactory } from './sockets.ts'
import { zmtpSockets } from './zmtp-sockets.ts'

interface EventMap {
  ENTER: [EnterEvent]
  EXIT: [ExitEvent]
  JOIN: [JoinEvent]
  LEAVE: [LeaveEvent]
  WHISPER: [WhisperEvent]
  SHOUT: [ShoutEvent]
  EVASIVE: [EvasiveEvent]
  SILENT: [SilentEvent]
  LEADER: [LeaderEvent]
  STOP: [StopEvent]
  /** Every event above, in order. */
  event: [ZyreEvent]
  /** A peer broke the protocol or could not keep up, and was dealt with. */
  warning: [ZyreError]
}

export type Frame = Buffer | string | Uint8Array

/** Events waiting for an async-iterator reader are bounded; past this the oldest are dropped. */
const ITERATOR_QUEUE_LIMIT = 100_000

export class Zyre extends EventEmitter<EventMap> {
  private readonly node: ZyreNode
  private readers = new Set<{ queue: ZyreEvent[]; wake: (() => void) | undefined; done: boolean }>()

  constructor(options: ZyreOptions = {}, internal?: { sockets?: SocketFactory }) {
    super()
    this.node = new ZyreNode(
      resolveOptions(options),
      internal?.sockets ?? zmtpSockets,
      (e) => this.dispatch(e),
      (w) => {
        if (this.listenerCount('warning') > 0) this.emit('warning', w)
      },
    )
  }

  /** Our UUID as 32 uppercase hex characters. */
  get uuid(): string {
    return this.node.id
  }

  get name(): string {
    return this.node.name
  }

  /** Our CURVE public key as 40 characters of Z85 (what peers see as X-PUBLICKEY), or undefined without CURVE. */
  get publicKey(): string | undefined {
    return this.node.publicKey
  }

  /** Where our gossip server listens (the port resolved), once started with `gossip.bind`. */
  get gossipEndpoint(): string | undefined {
    return this.node.gossipEndpoint
  }

  /** The endpoint we advertise in HELLO (tcp://address:port), once started. */
  get endpoint(): string {
    return this.node.advertisedEndpoint
  }

  start(): Promise<void> {
    return this.node.start()
  }

  async stop(): Promise<void> {
    if (!this.node.started) return
    await this.node.stop()
    this.dispatch({ type: 'STOP' })
    for (const r of this.readers) {
      r.done = true
      r.wake?.()
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }

  join(group: string): void {
    this.node.join(group)
  }

  leave(group: string): void {
    this.node.leave(group)
  }

  /**
   * Stand for leader of `group`, as the C node's zyre_set_contest_in_group (callable before or
   * after start). Whenever a peer joins a group we are in and contest, an election runs there (the
   * C reference's echo algorithm, on the wire as ELECT and LEADER: the lowest challenger id wins);
   * so does it when the leader leaves the group or exits. Every member, contesting or not, reports
   * the outcome as a LEADER event naming the leader (our own id when we won). Peers that do not
   * know ELECT and LEADER (pyre) drop a peer that sends them: contest only among nodes that do.
   */
  setContestInGroup(group: string): void {
    this.node.setContestInGroup(group)
  }

  /**
   * Connects to the node `peer` (its id) at `endpoint` without discovery, as the C node's
   * zyre_require_peer: for nodes that beacons and gossip cannot reach. A node with CURVE keys gives
   * the peer's public key (Z85). Our HELLO goes first, the peer dials us back, and ENTER follows
   * as for a discovered peer. Throws ZYRE_NOT_STARTED before start(), ZYRE_BAD_ARGUMENT for an id,
   * endpoint or key that is not one (or a key missing or unexpected).
   */
  requirePeer(peer: string, endpoint: string, publicKey?: string): void {
    this.node.requirePeer(peer, endpoint, publicKey)
  }

  /** The leader last elected in `group` (our own id if we won), if any. */
  groupLeader(group: string): string | undefined {
    return this.node.groupLeader(group)
  }

  /**
   * Sends one message to one peer. Resolves once it is queued and the peer's queue is under half
   * of peerQueueSize: a caller awaiting each whisper is paced by the peer. Rejects with
   * ZYRE_UNKNOWN_PEER, ZYRE_PEER_UNREACHABLE (cut off) or ZYRE_QUEUE_FULL.
   */
  whisper(peer: string, ...frames: Frame[]): Promise<void> {
    return this.node.whisper(peer, frames.map(toBuffer))
  }

  /**
   * Sends one message to every peer in `group`. Resolves once it is queued to each and every
   * member's queue is under half of peerQueueSize, waiting at most half a second for a member that
   * stays backed up (shouts then go on without waiting for it; a full queue cuts it off alone).
   */
  shout(group: string, ...frames: Frame[]): Promise<void> {
    return this.node.shout(group, frames.map(toBuffer))
  }

  /** Ids of the peers we have a HELLO from. */
  peers(): string[] {
    return this.node.peerIds()
  }

  peersByGroup(group: string): string[] {
    return this.node.peersByGroup(group)
  }

  ownGroups(): string[] {
    return this.node.ownGroupNames()
  }

  peerGroups(): string[] {
    return this.node.peerGroupNames()
  }

  peerAddress(id: string): string | undefined {
    return this.node.peer(id)?.helloEndpoint ?? this.node.peer(id)?.endpoint
  }

  peerHeaderValue(id: string, name: string): string | undefined {
    return this.node.peer(id)?.headers.get(name)
  }

  peerName(id: string): string | undefined {
    return this.node.peer(id)?.name
  }

  /** Every event, in order, until the node stops. */
  async *events(): AsyncGenerator<ZyreEvent, void, undefined> {
    const reader = { queue: [] as ZyreEvent[], wake: undefined as (() => void) | undefined, done: false }
    this.readers.add(reader)
    try {
      for (;;) {
        const next = reader.queue.shift()
        if (next) {
          yield next
          if (next.type === 'STOP') return
          continue
        }
        if (reader.done) return
        await new Promise<void>((resolve) => (reader.wake = resolve))
        reader.wake = undefined
      }
    } finally {
      this.readers.delete(reader)
    }
  }

  [Symbol.asyncIterator](): AsyncGenerator<ZyreEvent, void, undefined> {
    return this.events()
  }

  /** Tears the node down with no goodbye (no port-0 beacon), as a crash would. For tests and simulations. */
  kill(): Promise<void> {
    return this.node.kill()
  }

  private dispatch(e: ZyreEvent): void {
    for (const r of this.readers) {
      if (r.queue.length >= ITERATOR_QUEUE_LIMIT) r.queue.shift()
      r.queue.push(e)
      r.wake?.()
    }
    this.emit('event', e)
    EventEmitter.prototype.emit.call(this, e.type, e)
  }
}

function toBuffer(f: Frame): Buffer {
  if (Buffer.isBuffer(f)) return f
  if (typeof f === 'string') return Buffer.from(f)
  if (f instanceof Uint8Array) return Buffer.from(f.buffer, f.byteOffset, f.byteLength)
  throw new ZyreError(ZyreErrorCode.BAD_ARGUMENT, 'frames are Buffer, Uint8Array or string')
}
