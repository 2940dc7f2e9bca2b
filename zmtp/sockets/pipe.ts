// A Pipe is one peer as the socket's routing sees it: an outgoing queue bounded by the send
// high-water mark, an incoming queue bounded by the receive high-water mark, and at most one
// live Connection. A pipe made by connect() outlives its connections (messages stay queued
// across a reconnect, as in libzmq); a pipe of an accepted connection dies with it.
import { RingQueue } from './queue.ts'
import type { TopicCounts } from './topics.ts'
import type { PeerInfo, PeerLink } from './wire.ts'

export interface PipeOwner {
  readonly sendHighWaterMark: number
  readonly receiveHighWaterMark: number
  readonly immediate: boolean
  /** A pipe has room again or its queue shrank (drain, handshake done): retry a waiting send. */
  pipeWritable(pipe: Pipe): void
}

export class Pipe {
  connection: PeerLink | undefined
  peer: PeerInfo | undefined
  /** The routing id a ROUTER files this pipe under. */
  routingId: Buffer | undefined
  /** connect(ep, { routingId }) (ROUTER, STREAM): use this id instead of the peer's or a generated one. Set at connect(). */
  forcedRoutingId: Buffer | undefined
  /** Routing key of `routingId` (latin1 string) for the ROUTER's map. */
  routingKey: string | undefined
  /** What this peer subscribed to (PUB/XPUB). */
  subs: TopicCounts | undefined
  /** True once the pipe was removed from the socket for good. */
  terminated = false

  private readonly out = new RingQueue<Buffer[]>()
  readonly inbound = new RingQueue<Buffer[]>()
  private blocked = false
  private paused = false

  constructor(
    private readonly owner: PipeOwner,
    /** The endpoint given to connect()/bind() this pipe belongs to. */
    readonly endpoint: string,
    /** Made by connect(): survives reconnects. */
    readonly outgoing: boolean,
  ) {}

  get ready(): boolean {
    return this.peer !== undefined
  }

  get address(): string {
    return this.peer?.address ?? this.endpoint
  }

  /** Can take one more message now without exceeding the send high-water mark. */
  get writable(): boolean {
    if (this.terminated) return false
    if (this.peer === undefined && this.owner.immediate) return false
    const hwm = this.owner.sendHighWaterMark
    if (this.peer !== undefined && !this.blocked && this.out.length === 0) return true
    return hwm <= 0 || this.out.length < hwm
  }

  /** Queue one whole message; the caller checked `writable` (or drops on purpose). */
  write(frames: Buffer[]): void {
    const c = this.connection
    if (this.peer !== undefined && c !== undefined && !this.blocked && this.out.length === 0) {
      if (!c.send(frames)) this.blocked = true
      return
    }
    this.out.push(frames)
  }

  /** Handshake done on `connection`; call flushQueued() once the socket accepted the peer. */
  attach(connection: PeerLink, peer: PeerInfo): void {
    this.connection = connection
    this.peer = peer
    this.blocked = false
    this.paused = false
  }

  /** Hand what was queued while connecting to the connection. */
  flushQueued(): void {
    this.flush()
  }

  /** The connection went away; queued outgoing messages stay for the next one. */
  detach(): void {
    this.connection = undefined
    this.peer = undefined
    this.blocked = false
    this.paused = false
  }

  onDrain(): void {
    this.blocked = false
    this.flush()
  }

  private flush(): void {
    const c = this.connection
    if (c === undefined) return
    const hwm = this.owner.sendHighWaterMark
    const before = this.out.length
    const wasFull = hwm > 0 && before >= hwm
    let m: Buffer[] | undefined
    while (!this.blocked && (m = this.out.shift()) !== undefined) {
      if (!c.send(m)) this.blocked = true
    }
    if (wasFull || !this.blocked || this.out.length < before) this.owner.pipeWritable(this)
  }

  /** Move everything queued into the connection regardless of its mark (close with linger). */
  flushAll(): void {
    const c = this.connection
    if (c === undefined) return
    let m: Buffer[] | undefined
    while ((m = this.out.shift()) !== undefined) c.send(m)
  }

  get pendingOut(): number {
    return this.out.length
  }

  dropQueued(): void {
    this.out.clear()
  }

  /** Store an incoming message; stop reading this peer once its queue reaches the mark. */
  pushInbound(frames: Buffer[]): void {
    this.inbound.push(frames)
    const hwm = this.owner.receiveHighWaterMark
    if (hwm > 0 && this.inbound.length >= hwm && !this.paused && this.connection !== undefined) {
      this.paused = true
      this.connection.pauseInput()
    }
  }

  /** Take one incoming message. Call resumeInput() after the caller's bookkeeping is done. */
  shiftInbound(): Buffer[] | undefined {
    return this.inbound.shift()
  }

  /** Read from the peer again once its queue is below the mark; may deliver synchronously. */
  resumeInput(): void {
    // Half the mark, so a full queue does not pause/resume the peer on every message.
    if (this.paused && this.inbound.length <= this.owner.receiveHighWaterMark >> 1) {
      this.paused = false
      this.connection?.resumeInput()
    }
  }
}
