// The connecting side of a gossip node: a DEALER to another node's server. On every completed
// handshake (the first connection and each reconnection, when the server has forgotten us) it
// says HELLO and publishes every tuple we hold. It PINGs every `pingInterval`: CZMQ's server
// forgets a client after a second of silence and would stop forwarding to it. INVALID means the
// server forgot us anyway: we say HELLO and publish everything again, so a refused PUBLISH is
// not lost (CZMQ's client re-sends only HELLO).
import { decode, encode, type ZgossipMsg } from '../../codecs/generated/zgossip-msg.ts'
import { Dealer } from '../../zmtp/index.ts'
import { librarySockets } from '../socket-context.ts'
import { GossipError, GossipErrorCode } from './errors.ts'
import { receiveEach } from '../receive-loop.ts'

/** What a remote needs from the node that owns it. */
export interface RemoteHandlers {
  /** Every tuple held, for the server after our HELLO. */
  tuples(): Iterable<[string, string]>
  /** A PUBLISH from the server. */
  publish(key: string, value: string, from: GossipRemote): void
  warn(err: GossipError): void
}

const HELLO = encode({ type: 'HELLO' })[0]!
const PING = encode({ type: 'PING' })[0]!

export class GossipRemote {
  private readonly dealer: Dealer
  private receiving: Promise<void>
  private connected = false
  private closed = false

  constructor(
    readonly endpoint: string,
    options: { maxMessageSize: number; sendHighWaterMark: number },
    private readonly handlers: RemoteHandlers,
  ) {
    // immediate: nothing is queued for a server we are not connected to; everything is sent
    // again after the next handshake anyway.
    this.dealer = new Dealer({ context: librarySockets, immediate: true, sendTimeout: 0, linger: 0, maxMessageSize: options.maxMessageSize, sendHighWaterMark: options.sendHighWaterMark })
    this.dealer.events.on('handshake', () => {
      this.connected = true
      this.greet()
    })
    this.dealer.events.on('disconnect', () => {
      this.connected = false
    })
    this.dealer.connect(endpoint)
    this.receiving = this.receiveLoop()
  }

  /** The server has accepted our handshake (its gossip state is another matter). */
  get isConnected(): boolean {
    return this.connected
  }

  publish(key: string, value: string): void {
    if (this.connected) this.send(encode({ type: 'PUBLISH', key, value, ttl: 0 })[0]!)
  }

  ping(): void {
    if (this.connected) this.send(PING)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.dealer.close()
    await this.receiving.catch(() => undefined)
  }

  private greet(): void {
    this.send(HELLO)
    for (const [key, value] of this.handlers.tuples()) this.send(encode({ type: 'PUBLISH', key, value, ttl: 0 })[0]!)
  }

  private send(frame: Buffer): void {
    this.dealer.send(frame).catch((err: unknown) => {
      // No connection (immediate) or a full queue: the next handshake or INVALID sends it all again.
      if (!this.closed && this.connected) this.handlers.warn(new GossipError(GossipErrorCode.UNREACHABLE, `cannot send to gossip server ${this.endpoint}: ${(err as Error).message}`, { origin: this.endpoint, cause: err }))
    })
  }

  private receiveLoop(): Promise<void> {
    const warn = this.handlers.warn
    return receiveEach(this.dealer, () => this.closed, {
      message: (frames) => this.onFrames(frames),
      stopped: (err) => warn(new GossipError(GossipErrorCode.CLOSED, `gossip remote ${this.endpoint} stopped receiving: ${err.message}`, { cause: err })),
      failed: (err) => warn(new GossipError(GossipErrorCode.BAD_MESSAGE, `error handling a message from ${this.endpoint}: ${err.stack ?? err}`, { cause: err })),
    })
  }

  private onFrames(frames: Buffer[]): void {
    let msg: ZgossipMsg
    try {
      msg = decode(frames)
    } catch (err) {
      this.handlers.warn(new GossipError(GossipErrorCode.BAD_MESSAGE, `malformed message from gossip server ${this.endpoint} dropped: ${(err as Error).message}`, { origin: this.endpoint, cause: err }))
      return
    }
    switch (msg.type) {
      case 'PUBLISH':
        this.handlers.publish(msg.key, msg.value, this)
        return
      case 'INVALID':
        this.handlers.warn(new GossipError(GossipErrorCode.REFUSED, `gossip server ${this.endpoint} had forgotten us: greeting it again`, { origin: this.endpoint }))
        this.greet()
        return
      default:
        // PONG answers our PING; a server sends nothing else a client must act on.
        return
    }
  }
}
