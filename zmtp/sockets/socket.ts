// The socket base every ZMTP socket type builds on: endpoints (bind/connect, reconnect with
// backoff: endpoints.ts), one Pipe per peer, bounded send/receive queues (fair-queue.ts),
// send()/receive() promises with timeouts (waiter.ts), close with linger, and the `events`
// observer. Routing is left to the subclass.
//
// How a socket type plugs in (see router.ts, dealer.ts for small examples):
//   - `type` names the ZMTP socket type (sent in READY, checked by Connection).
//   - `xsend(frames)` queues one outgoing message on the right pipe(s) and returns true, or
//     returns false when it must wait (blocking types; the base retries when a pipe gets room
//     and applies sendTimeout). It may throw a ZmtpError (EFSM, EHOSTUNREACH, ENOTSUP...).
//     Helper: `sendRoundRobin`.
//   - `xinbound(pipe, frames)` sees every message a peer sent; return it (possibly changed) to
//     queue it for receive(), or undefined to drop it. `xreceived(pipe, frames)` runs when the
//     application takes a message (stateful types: REQ/REP).
//   - `xpipeReady(pipe)` (return false to refuse the peer), `xpipeGone(pipe)`,
//     `xsubscribe(pipe, topic, on)` (PUB/XPUB), `xcanReceive()` (EFSM checks).
import { ZmtpError, ZmtpErrorCode } from '../errors.ts'
import { Endpoints } from './endpoints.ts'
import { FairQueue } from './fair-queue.ts'
import { toFrames, type MessageLike } from './frames.ts'
import { Observer, type SocketEvent } from './observer.ts'
import { defaultOptions, socketOptionNames, type SocketOptions } from './options.ts'
import { context as globalContext, Context } from './context.ts'
import { curveChosen, curveSettings } from './curve-options.ts'
import type { Pipe, PipeOwner } from './pipe.ts'
import type { PipeEvents } from './connections.ts'
import { QueueWatch } from './queue-watch.ts'
import { Waiter } from './waiter.ts'
import type { SocketKind } from './wire.ts'

const RESOLVED: Promise<void> = Promise.resolve()

export abstract class Socket implements PipeOwner {
  abstract readonly type: SocketKind

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
  curveServer: boolean = defaultOptions.curveServer
  curvePublicKey: string | Uint8Array | null = null
  curveSecretKey: string | Uint8Array | null = null
  curveServerKey: string | Uint8Array | null = null
  curveAuthenticate: SocketOptions['curveAuthenticate'] = undefined
  ipv6: boolean = defaultOptions.ipv6
  backlog: number = defaultOptions.backlog

  /** zeromq.js name of handshakeTimeout. */
  get handshakeInterval(): number {
    return this.handshakeTimeout
  }
  set handshakeInterval(v: number) {
    this.handshakeTimeout = v
  }

  /** Made on first use of `events`. */
  private observer: Observer | undefined
  /** The 'end' event has happened. */
  private ended = false

  /**
   * The socket's events. As in zeromq.js, which starts its monitor when `events` is first read,
   * events from before that are not reported; a socket nobody observes keeps none.
   */
  get events(): Observer {
    if (this.observer === undefined) {
      this.observer = new Observer()
      if (this.ended) this.observer.publish({ type: 'end' })
    }
    return this.observer
  }

  /** @internal Reports `event` to the observer, if there is one. */
  publishEvent(event: SocketEvent): void {
    if (event.type === 'end') this.ended = true
    this.observer?.publish(event)
  }
  lastEndpoint: string | null = null

  /** Every live pipe: outgoing ones from connect() to disconnect(), accepted ones once ready. */
  protected readonly pipes: Pipe[] = []
  private rrCursor = 0
  private readonly inQueue = new FairQueue()

  private readonly sendWaiter = new Waiter<void, Buffer[]>('Send')
  private readonly receiveWaiter = new Waiter<Buffer[]>('Receive')
  /** Made by the first sendQueueBelow() that has to wait. */
  private queueWatch: QueueWatch | undefined
  private _closed = false

  /** What the socket's pipes report, routed to the socket: one object per socket, no closures. */
  private static readonly PipeEventsOf = class implements PipeEvents {
    constructor(private readonly s: Socket) {}
    added(pipe: Pipe): void {
      this.s.addPipe(pipe)
    }
    removed(pipe: Pipe): void {
      this.s.removePipe(pipe)
    }
    ready(pipe: Pipe): boolean {
      return this.s.xpipeReady(pipe)
    }
    gone(pipe: Pipe): void {
      this.s.xpipeGone(pipe)
    }
    message(pipe: Pipe, frames: Buffer[]): void {
      const msg = this.s.xinbound(pipe, frames)
      if (msg !== undefined) this.s.deliver(pipe, msg)
    }
    subscribe(pipe: Pipe, topic: Buffer, on: boolean): void {
      this.s.xsubscribe(pipe, topic, on)
    }
  }

  private readonly endpoints = new Endpoints(this, new Socket.PipeEventsOf(this))

  /**
   * Subclasses call applyOptions(options) at the end of their constructor: their own option
   * fields (mandatory, relaxed...) are initialised only after this constructor returns.
   */
  constructor() {}

  /**
   * Sets the options given, after the defaults of the socket's context; `own` names the options
   * of the socket type beyond the common ones. The socket then counts towards the context's
   * maxSockets (EMFILE when it is reached) until it is closed.
   */
  protected applyOptions(options: object, own: readonly string[] = []): void {
    const values = options as Record<string, unknown>
    const keys = Object.keys(values)
    for (const k of keys) {
      if (values[k] !== undefined && !socketOptionNames.has(k) && !own.includes(k)) throw new ZmtpError(ZmtpErrorCode.EINVAL, `Unknown socket option ${k}`)
    }
    const ctx = values.context ?? globalContext
    if (!(ctx instanceof Context)) throw new ZmtpError(ZmtpErrorCode.EINVAL, 'The context option takes a Context')
    if (!ctx.blocky) this.linger = 0
    if (ctx.ipv6) this.ipv6 = true
    for (const k of keys) {
      const v = values[k]
      if (v !== undefined && k !== 'context') (this as Record<string, unknown>)[k] = v
    }
    ctx.socketOpened()
    this.ctx = ctx
  }

  /** Set once the socket counts towards its context's sockets. */
  private ctx: Context | undefined

  /** The context the socket belongs to. */
  get context(): Context {
    return this.ctx ?? globalContext
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

  /** Messages queued for receive(), over all pipes. */
  private get inQueued(): number {
    return this.inQueue.length
  }

  // ---------------------------------------------------------------- endpoints

  bind(endpoint: string): Promise<void> {
    try {
      this.checkSecurity()
    } catch (err) {
      return Promise.reject(err)
    }
    return this.endpoints.bind(endpoint)
  }

  /** Stop listening on `endpoint` (as given to bind() or as reported by lastEndpoint). */
  unbind(endpoint: string): Promise<void> {
    return this.endpoints.unbind(endpoint)
  }

  connect(endpoint: string, options: { routingId?: Buffer | string } = {}): void {
    this.checkSecurity()
    this.endpoints.connect(endpoint, options)
  }

  /** Bad CURVE keys are refused by bind() and connect() (EINVAL), not by each connection. */
  private checkSecurity(): void {
    if (curveChosen(this)) curveSettings(this)
  }

  disconnect(endpoint: string): void {
    this.endpoints.disconnect(endpoint)
  }

  /** @internal Bound or connected somewhere (a Proxy needs both its sockets so). */
  get hasEndpoints(): boolean {
    return this.endpoints.any
  }

  private addPipe(pipe: Pipe): void {
    this.pipes.push(pipe)
    this.xpipeAdded(pipe)
    this.pipeWritable(pipe)
  }

  /**
   * Ends the connect() endpoint `endpoint` without closing its connection: no more redials, and
   * its pipe leaves the socket. The caller closes the connection as it likes.
   */
  protected releaseEndpoint(endpoint: string): void {
    this.endpoints.release(endpoint)
  }

  private removePipe(pipe: Pipe): void {
    pipe.terminated = true
    pipe.dropQueued()
    if (this.queueWatch?.active) this.queueWatch.check(this.queuedSends)
    const i = this.pipes.indexOf(pipe)
    if (i >= 0) {
      this.pipes.splice(i, 1)
      if (this.rrCursor > i) this.rrCursor--
    }
    this.xpipeRemoved(pipe)
  }

  // ---------------------------------------------------------------- sending

  /**
   * Queue one message (a frame or an array of frames). Resolves as soon as it is queued; waits
   * while the high-water mark is reached (blocking types) up to sendTimeout, then EAGAIN.
   */
  send(message: MessageLike | MessageLike[]): Promise<void> {
    if (this.sendWaiter.waiting) {
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
    return this.sendWaiter.wait(this.sendTimeout, frames)
  }

  /**
   * Messages send() accepted that still wait in this socket's queues for a connection to take
   * them: queued while connecting, or held back while a connection's writes are backed up.
   * Not in zeromq.js.
   */
  get queuedSends(): number {
    let n = 0
    for (let i = 0; i < this.pipes.length; i++) n += this.pipes[i]!.pendingOut
    return n
  }

  /**
   * Resolves once fewer than `below` messages are in queuedSends (at once if that is already so),
   * or when the socket closes. Back-pressure for senders with sendTimeout 0. Not in zeromq.js.
   */
  sendQueueBelow(below: number): Promise<void> {
    if (!(below >= 1)) return Promise.reject(new ZmtpError(ZmtpErrorCode.EINVAL, `sendQueueBelow needs a mark of at least 1, got ${below}`))
    if (this._closed || this.queuedSends < below) return RESOLVED
    return (this.queueWatch ??= new QueueWatch()).wait(below)
  }

  /** @internal A pipe got room or its queue shrank (drain, handshake, new peer): retry a waiting send. */
  pipeWritable(_pipe: Pipe): void {
    if (this.queueWatch?.active) this.queueWatch.check(this.queuedSends)
    const frames = this.sendWaiter.data
    if (frames === undefined) return
    let ok: boolean
    try {
      ok = this.xsend(frames)
    } catch (err) {
      this.sendWaiter.reject(err as Error)
      return
    }
    if (ok) this.sendWaiter.resolve()
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

  /** Queue `msg` (attributed to `pipe` for fair queueing and the receive HWM) for receive(). */
  protected deliver(pipe: Pipe, msg: Buffer[]): void {
    if (this.receiveWaiter.waiting && this.inQueued === 0) {
      this.receiveWaiter.resolve(this.xreceived(pipe, msg))
      return
    }
    this.inQueue.push(pipe, msg)
  }

  private takeInbound(): Buffer[] | undefined {
    const pipe = this.inQueue.next()
    if (pipe === undefined) return undefined
    const out = this.xreceived(pipe, pipe.shiftInbound()!)
    pipe.resumeInput()
    return out
  }

  /** Next message, as an array of frames. Waits up to receiveTimeout, then EAGAIN. */
  receive(): Promise<Buffer[]> {
    if (this.receiveWaiter.waiting) {
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
    return this.receiveWaiter.wait(this.receiveTimeout, undefined)
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
    this.ctx?.socketClosed()
    // Only a parked send or receive needs the error (and its stack trace, costly at 1000s of sockets).
    if (this.sendWaiter.waiting || this.receiveWaiter.waiting) {
      const err = new ZmtpError(ZmtpErrorCode.ETERM, 'Socket is closed')
      this.sendWaiter.reject(err)
      this.receiveWaiter.reject(err)
    }
    this.queueWatch?.releaseAll()
    this.endpoints.close(this.pipes)
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

  /** `pipe` joined the socket: at connect(), or for an accepted peer once its handshake is done. */
  protected xpipeAdded(_pipe: Pipe): void {}

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

export type { SocketEvent }
