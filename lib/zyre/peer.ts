// One remote ZRE peer: the DEALER we talk to it through, the sequence numbers in both directions,
// what it told us (name, headers, groups, status) and its presence timers.
import { encode, type ZreMsg } from '../../codecs/generated/zre-msg.ts'
import type { CurveClientKeys, DealerLike, SocketFactory } from './sockets.ts'
import { ZyreError, ZyreErrorCode } from './errors.ts'

/** A message to send, before the peer link stamps its sequence number. */
export type Outgoing = ZreMsg extends infer M ? (M extends ZreMsg ? Omit<M, 'sequence'> : never) : never

export interface PresenceTimers {
  evasiveTimeout: number
  silentTimeout: number
  expiredTimeout: number
}

export const NO_HEADERS: ReadonlyMap<string, string> = new Map()

export class Peer {
  readonly id: string
  readonly uuid: Buffer
  name = ''
  /** From the peer's HELLO (replaced, never changed in place: read-only until then). */
  headers: ReadonlyMap<string, string> = NO_HEADERS
  /** Where our DEALER is connected. */
  endpoint = ''
  /** Endpoint last seen in this peer's beacons and HELLO; a change means the peer moved. */
  beaconEndpoint: string | undefined
  helloEndpoint: string | undefined
  readonly groups = new Set<string>()
  status = 0
  /** A HELLO was received on this link. */
  ready = false
  /** The application was told ENTER (so EXIT may be told too). */
  entered = false
  private dealer: DealerLike | undefined
  /** whisper() waits while this many messages or more are queued for the peer: half the bound. */
  private paceMark = 1
  /** A shout gave up waiting for this peer: shouts do not wait for it until its queue is short again. */
  shoutsSkipWait = false
  private sentSequence = 0
  private wantSequence = 0
  evasiveAt = 0
  silentAt = 0
  expiredAt = 0
  evasive = false
  silent = false

  constructor(uuid: Buffer) {
    this.uuid = Buffer.from(uuid)
    this.id = uuid.toString('hex').toUpperCase()
  }

  get connected(): boolean {
    return this.dealer !== undefined
  }

  /**
   * Opens the DEALER to the peer's ROUTER, introducing ourselves with identity 0x01 + our UUID;
   * as a CURVE client when `curve` is given.
   */
  connect(factory: SocketFactory, ourUuid: Buffer, endpoint: string, queueSize: number, curve?: CurveClientKeys, log?: (line: string) => void): void {
    this.disconnect()
    const routingId = Buffer.concat([Buffer.from([1]), ourUuid])
    const dealer = factory.dealer(curve ? { routingId, sendHighWaterMark: queueSize, curve, ...(log && { log }) } : { routingId, sendHighWaterMark: queueSize })
    try {
      dealer.connect(endpoint)
    } catch (e) {
      dealer.close()
      throw e
    }
    this.dealer = dealer
    this.endpoint = endpoint
    this.paceMark = Math.max(1, queueSize >> 1)
    this.sentSequence = 0
  }

  /**
   * Waits while half the peer's send queue or more is still waiting for the connection: a caller
   * that awaits each whisper (or shout, shout-pacing.ts) is paced by the network instead of filling
   * the queue (a full queue cuts the peer off). Resolves at once when the queue is short or the
   * link is down.
   */
  paced(): Promise<void> {
    return this.dealer?.sendQueueBelow?.(this.paceMark) ?? Promise.resolve()
  }

  /** Half the peer's send queue or more waits for the connection (paced() would wait). */
  get backedUp(): boolean {
    return (this.dealer?.queuedSends ?? 0) >= this.paceMark
  }

  disconnect(): void {
    const d = this.dealer
    this.dealer = undefined
    d?.close()
  }

  /**
   * Stamps the next sequence number (a true 16-bit counter, HELLO = 1) and queues the message.
   * Throws when the peer link is down; the promise rejects when the queue is full.
   */
  send(msg: Outgoing): Promise<void> {
    const dealer = this.dealer
    if (!dealer) {
      return Promise.reject(new ZyreError(ZyreErrorCode.PEER_UNREACHABLE, `peer ${this.id} is disconnected`, { peer: this.id }))
    }
    let frames: Buffer[]
    try {
      frames = encode({ ...msg, sequence: (this.sentSequence + 1) & 0xffff } as ZreMsg)
    } catch (err) {
      // A field the codec cannot carry (a header name over 255 bytes...): nothing was sent.
      return Promise.reject(new ZyreError(ZyreErrorCode.BAD_ARGUMENT, `cannot encode ${msg.type}: ${(err as Error).message}`, { peer: this.id, cause: err }))
    }
    this.sentSequence = (this.sentSequence + 1) & 0xffff
    return dealer.send(frames)
  }

  /**
   * Sends our HELLO as the first message of a new link. HELLO always carries sequence 1, so the
   * node encodes it once for every peer until its endpoint or groups change.
   */
  sendHello(frames: Buffer[]): Promise<void> {
    const dealer = this.dealer
    if (!dealer) {
      return Promise.reject(new ZyreError(ZyreErrorCode.PEER_UNREACHABLE, `peer ${this.id} is disconnected`, { peer: this.id }))
    }
    if (this.sentSequence !== 0) throw new Error(`HELLO to ${this.id} after other messages`)
    this.sentSequence = 1
    return dealer.send(frames)
  }

  /**
   * Checks an incoming sequence number as RFC 36 says: HELLO restarts at 1, everything else is
   * the previous + 1 modulo 2^16. False means messages were lost or repeated.
   * pyre and zyre.js count modulo 65535 instead (65534 is followed by 0): that one step is
   * accepted too, or every such link would break after 65,535 messages.
   */
  checkSequence(msg: ZreMsg): boolean {
    if (msg.type === 'HELLO') {
      this.wantSequence = 1
      return msg.sequence === 1
    }
    const want = (this.wantSequence + 1) & 0xffff
    this.wantSequence = want === 0xffff && msg.sequence === 0 ? 0 : want
    return msg.sequence === this.wantSequence
  }

  /**
   * Presence at `now`, as the C reference judges it: 'evasive' once after evasiveTimeout of
   * silence (time to PING), 'silent' once some time later, 'expired' after expiredTimeout.
   */
  presenceAt(now: number): 'evasive' | 'silent' | 'expired' | undefined {
    if (now >= this.expiredAt) return 'expired'
    // EVASIVE always comes first, even when the reaper runs late past silentAt.
    if (now >= this.evasiveAt && !this.evasive) {
      this.evasive = true
      return 'evasive'
    }
    if (now >= this.silentAt && !this.silent) {
      this.silent = true
      return 'silent'
    }
    return undefined
  }

  /** TCP traffic from the peer: it is alive. */
  refresh(now: number, t: PresenceTimers): void {
    this.evasiveAt = now + t.evasiveTimeout
    this.silentAt = this.evasiveAt + t.silentTimeout
    this.expiredAt = now + t.expiredTimeout
    this.evasive = false
    this.silent = false
  }
}
