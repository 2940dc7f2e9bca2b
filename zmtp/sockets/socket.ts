// The socket base every ZMTP socket type builds on: endpoints (bind/connect, reconnect with
// backoff), one Pipe per peer, bounded send/receive queues, send()/receive() promises with
// timeouts, close with linger, and the `events` observer. Routing is left to the subclass.
//
// How a socket type plugs in (see router.ts, dealer.ts for small examples):
//   - `type` names the ZMTP socket type (sent in READY, checked by Connection).
//   - `xsend(frames)` queues one outgoing message on the right pipe(s) and returns true, or
//     returns false when it must wait (blocking types; the base retries when a pipe gets room
//     and applies sendTimeout). It may throw a ZmtpError (EFSM, EHOSTUNREACH, ENOTSUP...).
//     Helpers: `sendRoundRobin`, `sendToAll`.
//   - `xinbound(pipe, frames)` sees every message a peer sent; return it (possibly changed) to
//     queue it for receive(), or undefined to drop it. `xreceived(pipe, frames)` runs when the
//     application takes a message (stateful types: REQ/REP).
//   - `xpipeReady(pipe)` (return false to refuse the peer), `xpipeGone(pipe)`,
//     `xsubscribe(pipe, topic, on)` (PUB/XPUB), `xcanReceive()`/`xcanSend()` (EFSM checks).
import type * as net from 'node:net'
import { debuglog } from 'node:util'
import { ZmtpError, ZmtpErrorCode } from '../errors.ts'
import { parseEndpoint, type Endpoint } from '../transport/endpoint.ts'
import { dial, dialAddress, listen, type Listener } from '../transport/transport.ts'
import { toFrames, type MessageLike } from './frames.ts'
import { Observer, type SocketEvent } from './observer.ts'
import { defaultOptions, toRoutingId, type SocketOptions } from './options.ts'
import { Pipe, type PipeOwner } from './pipe.ts'
import { Connection, type ConnectionOptions, type PeerInfo, type SocketTypeName } from './wire.ts'

const debug = debuglog('zyre')
const RESOLVED: Promise<void> = Promise.resolve()

interface SendWaiter {
  frames: Buffer[]
  resolve: () => void
  reject: (err: Error) => void
  timer: NodeJS.Timeout | undefined
}

interface ReceiveWaiter {
  resolve: (msg: Buffer[]) => void
  reject: (err: Error) => void
  timer: NodeJS.Timeout | undefined
}

/** One connect() endpoint: its pipe lives until disconnect(); streams come and go. */
interface Dialer {
  endpoint: string
  ep: Endpoint
  pipe: Pipe
  stream: net.Socket | undefined
  connection: Connection | undefined
  timer: NodeJS.Timeout | undefined
  interval: number
  stopped: boolean
  /** ROUTER connect(ep, { routingId }): the id we file this peer under. */
  routingId: Buffer | undefined
  /** Closed with linger while messages were queued: finish this dial/handshake to flush them. */
  flushOnClose: boolean
}

export abstract class Socket implements PipeOwner {
  abstract readonly type: SocketTypeName

  routingId: Buffer | string | null = null
  sendHighWaterMark: number = defaultOptions.sendHighWaterMark
  receiveHighWaterMark: number = defaultOptions.receiveHighWaterMark
  linger: number = defaultOptions.linger
  sendTimeout: number = defaultOptions.sendTimeout
  receiveTimeout: number = defaultOptions.receiveTimeout
  immediate: boolean = defaultOptions.immediate
  maxMessageSize: number = defaultOptions.maxMessageSize
  heartbeatInterval: number = defaultOptions.heartbeatInterval
  heartbeatTimeout: number = defaultOptions.heartbeatTimeout
  heartbeatTimeToLive: number = defaultOptions.heartbeatTimeToLive
  reconnectInterval: number = defaultOptions.reconnectInterval
  reconnectMaxInterval: number = defaultOptions.reconnectMaxInterval
  handshakeTimeout: number = defaultOptions.handshakeTimeout
  plainServer: boolean = defaultOptions.plainServer
  plainUsername: string | null = null
  plainPassword: string | null = null
  authenticate: SocketOptions['authenticate'] = undefined
  ipv6: boolean = defaultOptions.ipv6
  backlog: number = defaultOptions.backlog

  /** zeromq.js name of handshakeTimeout. */
  get handshakeInterval(): number {
    return this.handshakeTimeout
  }
  set handshakeInterval(v: number) {
    this.handshakeTimeout = v
  }

  readonly events = new Observer()
  lastEndpoint: string | null = null

  /** Every live pipe: outgoing ones from connect() to disconnect(), accepted ones once ready. */
  protected readonly pipes: Pipe[] = []
  private rrCursor = 0

  private readonly listeners = new Map<string, Listener>()
  private readonly dialers = new Map<string, Dialer>()
  /** Accepted connections still in their handshake. */
  private readonly handshaking = new Set<Connection>()
  private readonly lingering = new Set<Connection>()

  // Fair-queued inbound: pipes that hold unread messages, visited in turn.
  private readonly inPipes: Pipe[] = []
  private inCursor = 0
  private inQueued = 0

  private sendWaiter: SendWaiter | undefined
  private receiveWaiter: ReceiveWaiter | undefined
  private _closed = false
  /** Streams not yet closed: 'end' is published once the socket is closed and this is 0. */
  private liveStreams = 0
  private ended = false

  /**
   * Subclasses call applyOptions(options) at the end of their constructor: their own option
   * fields (mandatory, relaxed...) are initialised only after this constructor returns.
   */
  constructor() {}

  protected applyOptions(options: object): void {
    for (const [k, v] of Object.entries(options)) {
      if (v === undefined) continue
      if (!(k in this)) throw new ZmtpError(ZmtpErrorCode.EINVAL, `Unknown socket option ${k}`)
      ;(this as Record<string, unknown>)[k] = v
    }
  }

  get closed(): boolean {
    return this._closed
  }

  /** A receive() would resolve at once. */
  get readable(): boolean {
    return this.inQueued > 0
  }

  /** A send() would be queued at once (for most types: some pipe has room). */
  get writable(): boolean {
    if (this._closed) return false
    for (let i = 0; i < this.pipes.length; i++) if (this.pipes[i]!.writable) return true
    return false
  }

  // ---------------------------------------------------------------- endpoints

  async bind(endpoint: string): Promise<void> {
    this.assertOpen()
    const ep = parseEndpoint(endpoint)
    if (this.listeners.has(endpoint)) throw new ZmtpError(ZmtpErrorCode.EADDRINUSE, `Already bound to ${endpoint}`)
    let listener: Listener
    try {
      listener = await listen(ep, (stream, address) => this.accept(stream, address), { ipv6: this.ipv6, backlog: this.backlog })
    } catch (err) {
      this.events.publish({ type: 'bind:error', address: endpoint, error: err as ZmtpError })
      throw err
    }
    if (this._closed) {
      await listener.close()
      throw new ZmtpError(ZmtpErrorCode.ETERM, 'Socket closed during bind')
    }
    this.listeners.set(endpoint, listener)
    if (listener.endpoint !== endpoint) this.listeners.set(listener.endpoint, listener)
    this.lastEndpoint = listener.endpoint
    this.events.publish({ type: 'bind', address: listener.endpoint })
  }

  /** Stop listening on `endpoint` (as given to bind() or as reported by lastEndpoint). */
  async unbind(endpoint: string): Promise<void> {
    this.assertOpen()
    const listener = this.listeners.get(endpoint)
    if (listener === undefined) throw new ZmtpError(ZmtpErrorCode.ENOENT, `Not bound to ${endpoint}`)
    for (const [k, l] of this.listeners) if (l === listener) this.listeners.delete(k)
    await listener.close()
    this.events.publish({ type: 'close', address: listener.endpoint })
  }

  connect(endpoint: string, options: { routingId?: Buffer | string } = {}): void {
    this.assertOpen()
    const ep = parseEndpoint(endpoint)
    if (ep.transport === 'tcp' && (ep.host === '*' || ep.port === 0)) {
      throw new ZmtpError(ZmtpErrorCode.EINVAL, `Cannot connect to ${endpoint}`)
    }
    if (this.dialers.has(endpoint)) return
    const pipe = new Pipe(this, endpoint, true)
    const d: Dialer = {
      endpoint,
      ep,
      pipe,
      stream: undefined,
      connection: undefined,
      timer: undefined,
      interval: this.reconnectInterval,
      stopped: false,
      routingId: toRoutingId(options.routingId),
      flushOnClose: false,
    }
    this.dialers.set(endpoint, d)
    this.addPipe(pipe)
    this.dial(d)
  }

  disconnect(endpoint: string): void {
    this.assertOpen()
    const d = this.dialers.get(endpoint)
    if (d === undefined) throw new ZmtpError(ZmtpErrorCode.ENOENT, `Not connected to ${endpoint}`)
    this.dialers.delete(endpoint)
    d.stopped = true
    if (d.timer !== undefined) clearTimeout(d.timer)
    if (d.connection !== undefined) this.closeConnection(d.connection, d.pipe)
    else d.stream?.destroy()
    this.removePipe(d.pipe)
  }

  private dial(d: Dialer): void {
    d.timer = undefined
    if (d.stopped || this._closed) return
    const address = dialAddress(d.ep)
    let stream: net.Socket
    try {
      stream = dial(d.ep)
    } catch (err) {
      debug('zmtp %s: dial %s failed: %s', this.type, d.endpoint, (err as Error).message)
      this.scheduleReconnect(d)
      return
    }
    d.stream = stream
    this.trackStream(stream)
    let connected = false
    // Errors before the Connection exists (ECONNREFUSED...) end in 'close' below.
    stream.on('error', (err) => debug('zmtp %s: %s: %s', this.type, address, err.message))
    stream.once('connect', () => {
      connected = true
      if (d.stopped && !d.flushOnClose) {
        stream.destroy()
        return
      }
      d.interval = this.reconnectInterval
      this.events.publish({ type: 'connect', address: d.endpoint })
      const conn = new Connection(stream, this.connectionOptions(address))
      d.connection = conn
      this.wire(conn, stream, d)
    })
    stream.once('close', () => {
      if (!connected && d.stream === stream) {
        d.stream = undefined
        this.scheduleReconnect(d)
      }
    })
    this.events.publish({ type: 'connect:delay', address: d.endpoint })
  }

  private scheduleReconnect(d: Dialer): void {
    if (d.stopped || this._closed || this.reconnectInterval < 0) return
    const interval = d.interval
    d.timer = setTimeout(() => this.dial(d), interval)
    if (this.reconnectMaxInterval > 0) d.interval = Math.min(Math.max(1, d.interval * 2), this.reconnectMaxInterval)
    this.events.publish({ type: 'connect:retry', address: d.endpoint, interval })
  }

  private accept(stream: net.Socket, address: string): void {
    if (this._closed) {
      stream.destroy()
      return
    }
    stream.on('error', (err) => debug('zmtp %s: %s: %s', this.type, address, err.message))
    this.trackStream(stream)
    this.events.publish({ type: 'accept', address })
    const conn = new Connection(stream, this.connectionOptions(address))
    this.handshaking.add(conn)
    this.wire(conn, stream, undefined)
  }

  private connectionOptions(address: string): ConnectionOptions {
    const plain = this.plainServer || this.plainUsername !== null
    const options: ConnectionOptions = {
      socketType: this.type,
      mechanism: plain ? 'PLAIN' : 'NULL',
      maxMessageSize: this.maxMessageSize,
      handshakeTimeout: this.handshakeTimeout,
      heartbeatInterval: this.heartbeatInterval,
      heartbeatTimeout: this.heartbeatTimeout,
      heartbeatTimeToLive: this.heartbeatTimeToLive,
      address,
    }
    const id = toRoutingId(this.routingId)
    if (id !== undefined) options.routingId = id
    if (plain) {
      options.plainServer = this.plainServer
      if (this.plainUsername !== null) options.plainUsername = this.plainUsername
      options.plainPassword = this.plainPassword ?? ''
      if (this.authenticate !== undefined) options.authenticate = this.authenticate
    }
    return options
  }

  /** Hook one Connection to its pipe; `d` is set for outgoing connections. */
  private wire(conn: Connection, stream: net.Socket, d: Dialer | undefined): void {
    let pipe: Pipe | undefined
    let error: ZmtpError | undefined
    conn.on('ready', (peer: PeerInfo) => {
      this.handshaking.delete(conn)
      if (this._closed && (d === undefined || d.pipe.pendingOut === 0)) {
        conn.destroy()
        return
      }
      const p = d?.pipe ?? new Pipe(this, peer.address, false)
      p.forcedRoutingId = d?.routingId
      p.attach(conn, stream, peer)
      if (d === undefined) this.addPipe(p)
      if (!this.xpipeReady(p)) {
        debug('zmtp %s: refused peer %s', this.type, peer.address)
        p.detach()
        if (d === undefined) this.removePipe(p)
        conn.close()
        return
      }
      pipe = p
      this.events.publish({ type: 'handshake', address: peer.address })
      if (this._closed) {
        // Closing with linger: the handshake finished, deliver what was queued, then go.
        p.flushAll()
        this.lingerClose(conn)
        return
      }
      p.flushQueued()
    })
    conn.on('message', (frames: Buffer[]) => {
      if (pipe !== undefined) this.inbound(pipe, frames)
    })
    conn.on('subscribe', (topic: Buffer, on: boolean) => {
      if (pipe !== undefined) this.xsubscribe(pipe, topic, on)
    })
    conn.on('drain', () => pipe?.onDrain())
    conn.on('error', (err: ZmtpError) => {
      error = err
    })
    conn.on('close', (err?: ZmtpError) => {
      this.handshaking.delete(conn)
      this.lingering.delete(conn)
      const e = err ?? error
      const address = pipe?.address ?? conn.peer?.address ?? d?.endpoint ?? conn.address
      if (pipe === undefined && e !== undefined && !conn.isReady) {
        this.events.publish({ type: handshakeErrorType(e), address, error: e })
      }
      if (pipe !== undefined) {
        const p = pipe
        pipe = undefined
        this.xpipeGone(p)
        p.detach()
        if (d === undefined) this.removePipe(p)
        if (e !== undefined) this.events.publish({ type: 'disconnect', address, error: e })
        else this.events.publish({ type: 'disconnect', address })
      }
      if (d !== undefined && d.connection === conn) {
        d.connection = undefined
        d.stream = undefined
        this.scheduleReconnect(d)
      }
    })
  }

  private trackStream(stream: net.Socket): void {
    this.liveStreams++
    stream.once('close', () => {
      this.liveStreams--
      if (this._closed) this.maybeEnd()
    })
  }

  private maybeEnd(): void {
    if (this.ended || this.liveStreams > 0) return
    this.ended = true
    this.events.publish({ type: 'end' })
  }

  private addPipe(pipe: Pipe): void {
    this.pipes.push(pipe)
    this.pipeWritable(pipe)
  }

  private removePipe(pipe: Pipe): void {
    pipe.terminated = true
    pipe.dropQueued()
    const i = this.pipes.indexOf(pipe)
    if (i >= 0) {
      this.pipes.splice(i, 1)
      if (this.rrCursor > i) this.rrCursor--
    }
    this.xpipeRemoved(pipe)
  }

  private closeConnection(conn: Connection, pipe: Pipe): void {
    if (this.linger === 0) {
      conn.destroy()
      return
    }
    pipe.flushAll()
    this.lingerClose(conn)
  }

  /** Graceful close bounded by `linger` (ms; -1 = as long as it takes). */
  private lingerClose(conn: Connection): void {
    conn.close()
    if (this.linger > 0) {
      this.lingering.add(conn)
      const timer = setTimeout(() => conn.destroy(), this.linger)
      conn.once('close', () => clearTimeout(timer))
    }
  }

  // ---------------------------------------------------------------- sending

  /**
   * Queue one message (a frame or an array of frames). Resolves as soon as it is queued; waits
   * while the high-water mark is reached (blocking types) up to sendTimeout, then EAGAIN.
   */
  send(message: MessageLike | MessageLike[]): Promise<void> {
    if (this.sendWaiter !== undefined) {
      return Promise.reject(new ZmtpError(ZmtpErrorCode.EBUSY, 'Socket is busy writing; only one send operation may be in progress at any time'))
    }
    let frames: Buffer[]
    try {
      if (this._closed) throw new ZmtpError(ZmtpErrorCode.ETERM, 'Socket is closed')
      frames = toFrames(message)
      if (this.xsend(frames)) return RESOLVED
    } catch (err) {
      return Promise.reject(err)
    }
    if (this.sendTimeout === 0) {
      return Promise.reject(new ZmtpError(ZmtpErrorCode.EAGAIN, 'Socket is not writable (high-water mark reached or no peer)'))
    }
    return new Promise<void>((resolve, reject) => {
      const w: SendWaiter = { frames, resolve, reject, timer: undefined }
      if (this.sendTimeout > 0) {
        w.timer = setTimeout(() => {
          if (this.sendWaiter !== w) return
          this.sendWaiter = undefined
          reject(new ZmtpError(ZmtpErrorCode.EAGAIN, `Send timed out after ${this.sendTimeout} ms`))
        }, this.sendTimeout)
      }
      this.sendWaiter = w
    })
  }

  /** @internal A pipe got room (drain, handshake, new peer): retry a waiting send. */
  pipeWritable(_pipe: Pipe): void {
    const w = this.sendWaiter
    if (w === undefined) return
    let ok: boolean
    try {
      ok = this.xsend(w.frames)
    } catch (err) {
      this.sendWaiter = undefined
      if (w.timer !== undefined) clearTimeout(w.timer)
      w.reject(err as Error)
      return
    }
    if (!ok) return
    this.sendWaiter = undefined
    if (w.timer !== undefined) clearTimeout(w.timer)
    w.resolve()
  }

  /** Queue on the next pipe with room, in turn (DEALER, PUSH, REQ). */
  protected sendRoundRobin(frames: Buffer[]): Pipe | undefined {
    const pipes = this.pipes
    const n = pipes.length
    for (let i = 0; i < n; i++) {
      const idx = (this.rrCursor + i) % n
      const p = pipes[idx]!
      if (p.writable) {
        p.write(frames)
        this.rrCursor = (idx + 1) % n
        return p
      }
    }
    return undefined
  }

  // ---------------------------------------------------------------- receiving

  /** Called by the wire for each message a peer sent. */
  private inbound(pipe: Pipe, frames: Buffer[]): void {
    const msg = this.xinbound(pipe, frames)
    if (msg !== undefined) this.deliver(pipe, msg)
  }

  /** Queue `msg` (attributed to `pipe` for fair queueing and the receive HWM) for receive(). */
  protected deliver(pipe: Pipe, msg: Buffer[]): void {
    const w = this.receiveWaiter
    if (w !== undefined && this.inQueued === 0) {
      this.receiveWaiter = undefined
      if (w.timer !== undefined) clearTimeout(w.timer)
      w.resolve(this.xreceived(pipe, msg))
      return
    }
    if (pipe.inbound.length === 0) this.inPipes.push(pipe)
    pipe.pushInbound(msg)
    this.inQueued++
  }

  private takeInbound(): Buffer[] | undefined {
    if (this.inQueued === 0) return undefined
    if (this.inCursor >= this.inPipes.length) this.inCursor = 0
    const pipe = this.inPipes[this.inCursor]!
    const msg = pipe.shiftInbound()!
    this.inQueued--
    if (pipe.inbound.length === 0) this.inPipes.splice(this.inCursor, 1)
    else this.inCursor++
    const out = this.xreceived(pipe, msg)
    pipe.resumeInput()
    return out
  }

  /** Next message, as an array of frames. Waits up to receiveTimeout, then EAGAIN. */
  receive(): Promise<Buffer[]> {
    if (this.receiveWaiter !== undefined) {
      return Promise.reject(new ZmtpError(ZmtpErrorCode.EBUSY, 'Socket is busy reading; only one receive operation may be in progress at any time'))
    }
    try {
      this.xcanReceive()
    } catch (err) {
      return Promise.reject(err)
    }
    const msg = this.takeInbound()
    if (msg !== undefined) return Promise.resolve(msg)
    if (this._closed) return Promise.reject(new ZmtpError(ZmtpErrorCode.ETERM, 'Socket is closed'))
    if (this.receiveTimeout === 0) return Promise.reject(new ZmtpError(ZmtpErrorCode.EAGAIN, 'No message available'))
    return new Promise<Buffer[]>((resolve, reject) => {
      const w: ReceiveWaiter = { resolve, reject, timer: undefined }
      if (this.receiveTimeout > 0) {
        w.timer = setTimeout(() => {
          if (this.receiveWaiter !== w) return
          this.receiveWaiter = undefined
          reject(new ZmtpError(ZmtpErrorCode.EAGAIN, `Receive timed out after ${this.receiveTimeout} ms`))
        }, this.receiveTimeout)
      }
      this.receiveWaiter = w
    })
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer[], undefined> {
    return {
      next: async (): Promise<IteratorResult<Buffer[], undefined>> => {
        if (this._closed && this.inQueued === 0) return { done: true, value: undefined }
        try {
          return { done: false, value: await this.receive() }
        } catch (err) {
          if ((err as ZmtpError).code === ZmtpErrorCode.ETERM) return { done: true, value: undefined }
          throw err
        }
      },
      return: async () => ({ done: true, value: undefined }),
    }
  }

  // ---------------------------------------------------------------- closing

  /**
   * Close the socket: stop listening and dialling, and flush queued messages for up to `linger`
   * ms (-1: until sent, 0: drop them). Pending send()/receive() reject with ETERM.
   */
  close(): void {
    if (this._closed) return
    this._closed = true
    const err = new ZmtpError(ZmtpErrorCode.ETERM, 'Socket is closed')
    const sw = this.sendWaiter
    this.sendWaiter = undefined
    if (sw !== undefined) {
      if (sw.timer !== undefined) clearTimeout(sw.timer)
      sw.reject(err)
    }
    const rw = this.receiveWaiter
    this.receiveWaiter = undefined
    if (rw !== undefined) {
      if (rw.timer !== undefined) clearTimeout(rw.timer)
      rw.reject(err)
    }
    const closedListeners = new Set<Listener>(this.listeners.values())
    this.listeners.clear()
    for (const l of closedListeners) {
      l.close().catch(() => {})
      this.events.publish({ type: 'close', address: l.endpoint })
    }
    for (const d of this.dialers.values()) {
      d.stopped = true
      if (d.timer !== undefined) clearTimeout(d.timer)
      if (d.connection?.isReady) continue // closed with the pipes below
      // Still dialling or handshaking with messages queued and linger != 0: the pending attempt
      // goes on ('ready' flushes and closes), bounded by linger; no new attempts are made.
      d.flushOnClose = this.linger !== 0 && d.pipe.pendingOut > 0 && d.stream !== undefined
      if (!d.flushOnClose) {
        if (d.connection !== undefined) d.connection.destroy()
        else d.stream?.destroy()
      } else if (this.linger > 0) {
        const timer = setTimeout(() => {
          if (d.connection !== undefined && !d.connection.isReady) d.connection.destroy()
          else if (d.connection === undefined) d.stream?.destroy()
        }, this.linger)
        d.stream!.once('close', () => clearTimeout(timer))
      }
    }
    this.dialers.clear()
    for (const c of this.handshaking) c.destroy()
    this.handshaking.clear()
    for (const p of this.pipes.slice()) {
      if (p.connection !== undefined && p.connection.isReady) this.closeConnection(p.connection, p)
    }
    this.maybeEnd()
  }

  private assertOpen(): void {
    if (this._closed) throw new ZmtpError(ZmtpErrorCode.ETERM, 'Socket is closed')
  }

  // ---------------------------------------------------------------- hooks

  /** Queue one outgoing message; false = cannot now (the base waits and retries). */
  protected abstract xsend(frames: Buffer[]): boolean

  /** A message arrived from `pipe`: return what to queue for receive(), undefined to drop. */
  protected xinbound(_pipe: Pipe, frames: Buffer[]): Buffer[] | undefined {
    return frames
  }

  /** The application takes `frames` (queued from `pipe`). */
  protected xreceived(_pipe: Pipe, frames: Buffer[]): Buffer[] {
    return frames
  }

  /** Throw (ENOTSUP, EFSM) when receive() is not allowed now. */
  protected xcanReceive(): void {}

  /** Handshake done on `pipe`; false refuses the peer (the connection is closed). */
  protected xpipeReady(_pipe: Pipe): boolean {
    return true
  }

  /** `pipe` lost its connection (an outgoing pipe stays and reconnects). */
  protected xpipeGone(_pipe: Pipe): void {}

  /** `pipe` left the socket for good. */
  protected xpipeRemoved(_pipe: Pipe): void {}

  /** SUBSCRIBE/CANCEL from a peer (our type is PUB/XPUB). */
  protected xsubscribe(_pipe: Pipe, _topic: Buffer, _on: boolean): void {}
}

function handshakeErrorType(err: ZmtpError): 'handshake:error:protocol' | 'handshake:error:auth' | 'handshake:error:other' {
  if (err.code === ZmtpErrorCode.AUTH_FAILED) return 'handshake:error:auth'
  if (err.code === ZmtpErrorCode.HANDSHAKE_TIMEOUT || err.code === ZmtpErrorCode.PEER_ERROR) return 'handshake:error:other'
  return err.code.startsWith('ZMTP_') ? 'handshake:error:protocol' : 'handshake:error:other'
}

export type { SocketEvent }
