// The serving side of a gossip node: a ROUTER that clients connect to. A client says HELLO and
// gets every tuple we hold; from then on its PUBLISHes are handed to the node and new tuples are
// forwarded to it. PING gets PONG in any state. What the protocol does not allow (PUBLISH before
// HELLO, a second HELLO) is answered with INVALID and the client forgotten, as CZMQ's server does;
// a client then says HELLO again. Unlike CZMQ's server we do not forget a client that is merely
// quiet (CZMQ's clients never PING, so after its 1 s expiry they would miss every new tuple): a
// client is forgotten when its connection is gone, found by probing the quiet ones now and then.
import { decode, encode, type ZgossipMsg } from '../../codecs/generated/zgossip-msg.ts'
import { Router } from '../../zmtp/index.ts'
import { librarySockets } from '../socket-context.ts'
import { GossipError, GossipErrorCode } from './errors.ts'
import { receiveEach } from '../receive-loop.ts'

/** What the server needs from the node that owns it. */
export interface ServerHandlers {
  /** Every tuple held, for a client's HELLO. */
  tuples(): Iterable<[string, string]>
  /** A PUBLISH from a greeted client, named by its routing id in hex. */
  publish(key: string, value: string, client: string): void
  warn(err: GossipError): void
}

interface Client {
  readonly id: Buffer
  greeted: boolean
  lastHeard: number
}

const INVALID = encode({ type: 'INVALID' })[0]!
const PONG = encode({ type: 'PONG' })[0]!

export class GossipServer {
  private readonly router: Router
  private readonly clients = new Map<string, Client>()
  private receiving: Promise<void> | undefined
  private closed = false

  constructor(
    options: { maxMessageSize: number; sendHighWaterMark: number },
    private readonly handlers: ServerHandlers,
  ) {
    // mandatory: a send to a client whose connection is gone fails, and the client is forgotten.
    this.router = new Router({ context: librarySockets, mandatory: true, linger: 0, sendTimeout: 0, maxMessageSize: options.maxMessageSize, sendHighWaterMark: options.sendHighWaterMark })
  }

  get lastEndpoint(): string | null {
    return this.router.lastEndpoint
  }

  /** Clients that have said HELLO and are still connected, as far as we know. */
  get clientCount(): number {
    let n = 0
    for (const c of this.clients.values()) if (c.greeted) n++
    return n
  }

  async bind(endpoint: string): Promise<void> {
    await this.router.bind(endpoint)
    this.receiving ??= this.receiveLoop()
  }

  /** Sends a new tuple to every greeted client except the one it came from. */
  forward(key: string, value: string, except?: string): void {
    let frame: Buffer | undefined
    for (const [hex, client] of this.clients) {
      if (!client.greeted || hex === except) continue
      frame ??= encode({ type: 'PUBLISH', key, value, ttl: 0 })[0]!
      this.sendTo(hex, client, frame)
    }
  }

  /** Probes the clients heard from no later than `quietSince`: those that are gone are forgotten. */
  sweep(quietSince: number): void {
    for (const [hex, client] of this.clients) {
      // PONG: the server may send it at any time, and every client ignores one it did not ask for.
      if (client.lastHeard <= quietSince) this.sendTo(hex, client, PONG)
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.router.close()
    this.clients.clear()
    await this.receiving?.catch(() => undefined)
  }

  private receiveLoop(): Promise<void> {
    const warn = this.handlers.warn
    return receiveEach(this.router, () => this.closed, {
      message: (frames) => this.onFrames(frames),
      stopped: (err) => warn(new GossipError(GossipErrorCode.CLOSED, `gossip server stopped receiving: ${err.message}`, { cause: err })),
      failed: (err) => warn(new GossipError(GossipErrorCode.BAD_MESSAGE, `error handling a gossip message: ${err.stack ?? err}`, { cause: err })),
    })
  }

  private onFrames(frames: Buffer[]): void {
    const id = frames[0]!
    const hex = id.toString('hex')
    let client = this.clients.get(hex)
    if (client === undefined) {
      client = { id, greeted: false, lastHeard: 0 }
      this.clients.set(hex, client)
    }
    client.lastHeard = Date.now()
    let msg: ZgossipMsg
    try {
      msg = decode(frames.slice(1))
    } catch (err) {
      this.refuse(hex, client, `malformed message from gossip client ${hex}: ${(err as Error).message}`, GossipErrorCode.BAD_MESSAGE, err)
      return
    }
    switch (msg.type) {
      case 'PING':
        this.sendTo(hex, client, PONG)
        return
      case 'HELLO':
        if (client.greeted) return this.refuse(hex, client, `gossip client ${hex} said HELLO twice`)
        client.greeted = true
        for (const [key, value] of this.handlers.tuples()) this.sendTo(hex, client, encode({ type: 'PUBLISH', key, value, ttl: 0 })[0]!)
        return
      case 'PUBLISH':
        if (!client.greeted) return this.refuse(hex, client, `gossip client ${hex} published before HELLO`)
        this.handlers.publish(msg.key, msg.value, hex)
        return
      default:
        this.refuse(hex, client, `gossip client ${hex} sent ${msg.type}, which clients do not send`)
    }
  }

  /** INVALID, and the client is forgotten: it must say HELLO again. */
  private refuse(hex: string, client: Client, why: string, code: GossipErrorCode = GossipErrorCode.REFUSED, cause?: unknown): void {
    this.handlers.warn(new GossipError(code, why, { origin: hex, cause }))
    this.sendTo(hex, client, INVALID)
    this.clients.delete(hex)
  }

  /** A client whose connection is gone (EHOSTUNREACH) or whose queue is full (EAGAIN) is forgotten. */
  private sendTo(hex: string, client: Client, frame: Buffer): void {
    this.router.send([client.id, frame]).catch((err: unknown) => this.forget(hex, client, err))
  }

  private forget(hex: string, client: Client, err: unknown): void {
    if (this.clients.get(hex) !== client) return
    this.clients.delete(hex)
    const code = (err as { code?: string }).code
    if (code !== 'EHOSTUNREACH') this.handlers.warn(new GossipError(GossipErrorCode.UNREACHABLE, `gossip client ${hex} dropped: ${(err as Error).message}`, { origin: hex, cause: err }))
  }
}
