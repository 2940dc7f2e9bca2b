// One ZMTP 3.x connection over an already connected stream: greeting, NULL/PLAIN handshake,
// socket-type check, framing both ways with per-tick write batching, heartbeats. It never
// reconnects and knows nothing of routing: the socket layer above owns that.

import { EventEmitter } from 'node:events'
import type * as net from 'node:net'
import { debuglog } from 'node:util'
import { ZmtpError } from '../errors.ts'
import type { SocketTypeName } from '../socket-type.ts'
import { FrameDecoder, type FrameSink } from '../codec/frame-decoder.ts'
import { GREETING_SIZE, checkGreetingPrefix, decodeGreeting, encodeGreeting } from '../codec/greeting.ts'
import { encodeCancel, encodeError, encodePing, encodePong, encodeSubscribe, decodeError, decodePing, decodePong, parseCommand } from '../codec/commands.ts'
import { WriteBatcher } from './write-batcher.ts'
import { Heartbeat, type HeartbeatHost } from './heartbeat.ts'
import { Handshake, type HandshakeHost } from './handshake.ts'

const log = debuglog('zyre')

export type { SocketTypeName } from '../socket-type.ts'

export interface PeerInfo {
  socketType: SocketTypeName
  /** The peer's Identity property, if non-empty. */
  routingId?: Buffer
  /** 3.0 or 3.1 (a newer peer is spoken to as 3.1). */
  version: { major: number; minor: number }
  /** All READY/INITIATE properties, names lower-cased. */
  metadata: Map<string, Buffer>
  address: string
  /** PLAIN username when we are the PLAIN server. */
  userId?: string
}

export interface ConnectionOptions {
  socketType: SocketTypeName
  routingId?: Buffer
  mechanism: 'NULL' | 'PLAIN'
  plainServer?: boolean
  plainUsername?: string
  plainPassword?: string
  /** PLAIN server only; without it every client is accepted (as libzmq without a ZAP handler). */
  authenticate?: (req: { username: string; password: string; address: string; routingId?: Buffer }) => boolean | Promise<boolean>
  /** Bytes per whole message, -1 = unlimited. */
  maxMessageSize: number
  /** ms, 0 = none. */
  handshakeTimeout: number
  /** ms, 0 = off. */
  heartbeatInterval: number
  /** ms, 0 = use heartbeatInterval. */
  heartbeatTimeout: number
  /** ms, 0 = none: the TTL we advertise in our PINGs. */
  heartbeatTimeToLive: number
  address: string
  /** Bytes buffered (ours + the stream's) above which send() returns false. Default 1 MiB. */
  writeHighWaterMark?: number
  /** Extra READY/INITIATE properties (names per RFC 23). */
  metadata?: Map<string, Buffer>
}

export interface ConnectionEvents {
  ready: [peer: PeerInfo]
  message: [frames: Buffer[]]
  subscribe: [topic: Buffer, on: boolean]
  drain: []
  error: [err: ZmtpError]
  close: [err?: ZmtpError]
}

const enum State { Greeting, Handshake, Ready, Closing, Closed }

/** Batches bigger than this are flushed at once rather than at the end of the tick. */
const FLUSH_AT = 64 * 1024
const DEFAULT_HWM = 1024 * 1024
/** How long a closing stream may take to flush before it is destroyed. */
const LINGER_MS = 2000

export class Connection extends EventEmitter<ConnectionEvents> implements FrameSink, HeartbeatHost, HandshakeHost {
  private readonly stream: net.Socket
  readonly options: ConnectionOptions
  private state = State.Greeting
  private readonly greetingBuf = Buffer.alloc(GREETING_SIZE)
  private greetingLen = 0
  private readonly decoder: FrameDecoder
  private readonly handshake: Handshake
  private heartbeat: Heartbeat | undefined
  private handshakeTimer: NodeJS.Timeout | undefined
  private readonly batcher = new WriteBatcher()
  private flushScheduled = false
  private needDrain = false
  private readonly hwm: number
  private readonly isPubSide: boolean
  private peerInfo: PeerInfo | undefined
  private use31 = true
  private inputPaused = false
  /** Chunks received; heartbeat timers compare it to detect liveness. */
  rx = 0

  constructor(stream: net.Socket, options: ConnectionOptions) {
    super()
    this.stream = stream
    this.options = options
    this.hwm = options.writeHighWaterMark ?? DEFAULT_HWM
    this.isPubSide = options.socketType === 'PUB' || options.socketType === 'XPUB'
    this.decoder = new FrameDecoder(this, { maxMessageSize: options.maxMessageSize })
    this.handshake = new Handshake(this, options)
    stream.setNoDelay(true)
    stream.on('data', this.onData)
    stream.on('drain', this.onStreamDrain)
    stream.on('error', this.onStreamError)
    stream.on('close', this.onStreamClose)
    if (options.handshakeTimeout > 0) {
      this.handshakeTimer = setTimeout(() => {
        this.fail(new ZmtpError('ZMTP_HANDSHAKE_TIMEOUT', `handshake not finished within ${options.handshakeTimeout} ms`))
      }, options.handshakeTimeout)
    }
    // Our whole greeting goes out at once; the peer's is parsed whatever way it arrives.
    stream.write(encodeGreeting({ mechanism: options.mechanism, asServer: options.mechanism === 'PLAIN' && options.plainServer === true }))
  }

  get isReady(): boolean {
    return this.state === State.Ready
  }

  get peer(): PeerInfo | undefined {
    return this.peerInfo
  }

  get bufferedAmount(): number {
    return this.stream.writableLength + this.batcher.pendingBytes
  }

  get address(): string {
    return this.options.address
  }

  /** Queues one whole message. Returns false when over the write mark: wait for 'drain'. */
  send(frames: Buffer[]): boolean {
    if (this.state !== State.Ready) {
      if (this.state === State.Closing || this.state === State.Closed) return false
      throw new ZmtpError('EFSM', 'send() before the connection is ready')
    }
    this.batcher.addMessage(frames.length === 0 ? [EMPTY] : frames)
    if (this.batcher.pendingBytes >= FLUSH_AT) this.flush()
    else if (!this.flushScheduled) {
      this.flushScheduled = true
      setImmediate(this.onFlushTick)
    }
    if (this.bufferedAmount > this.hwm) {
      this.needDrain = true
      return false
    }
    return true
  }

  /** SUBSCRIBE/CANCEL command to 3.1 peers, 0x01/0x00-prefixed message to 3.0 peers. */
  sendSubscribe(topic: Buffer, on: boolean): void {
    if (this.state !== State.Ready) {
      if (this.state === State.Closing || this.state === State.Closed) return
      throw new ZmtpError('EFSM', 'sendSubscribe() before the connection is ready')
    }
    if (this.use31) this.queueRaw(on ? encodeSubscribe(topic) : encodeCancel(topic))
    else this.batcher.addMessage([Buffer.concat([on ? ONE : ZERO, topic])])
    this.scheduleFlush()
  }

  /** Flushes what is queued, then ends the stream; 'close' follows once it is closed. */
  close(): void {
    if (this.state === State.Closing || this.state === State.Closed) return
    this.state = State.Closing
    this.stopTimers()
    this.decoder.stop()
    this.flush()
    this.stream.end()
    // Keep reading (and discarding) even if input was paused, so the peer's FIN is seen.
    this.stream.resume()
    setTimeout(() => this.stream.destroy(), LINGER_MS).unref()
  }

  /** Immediate: the stream is destroyed, 'error' (if err) and 'close' are emitted now. */
  destroy(err?: ZmtpError): void {
    if (this.state === State.Closed) return
    this.stream.destroy()
    this.finish(err)
  }

  // ---- HandshakeHost / HeartbeatHost -------------------------------------------------------

  /** Handshake writes go straight out (they are few and must precede any data). */
  write(buf: Buffer): void {
    if (this.state === State.Closing || this.state === State.Closed) return
    this.queueRaw(buf)
    this.flush()
  }

  /**
   * Stops reading: no 'message' until resumeInput(). Used by the socket layer for its receive
   * high-water mark and by the PLAIN server while authenticate() runs. Takes effect at once,
   * also when called from a 'message' listener.
   */
  pauseInput(): void {
    if (this.inputPaused) return
    this.inputPaused = true
    this.decoder.pause()
    this.stream.pause()
  }

  /** Resumes reading; held messages are delivered from a microtask, never inside this call. */
  resumeInput(): void {
    if (!this.inputPaused) return
    this.inputPaused = false
    if (this.state === State.Closed || this.state === State.Closing) return
    this.stream.resume()
    queueMicrotask(this.drainHeld)
  }

  get isInputPaused(): boolean {
    return this.inputPaused
  }

  private readonly drainHeld = (): void => {
    if (this.inputPaused || this.state === State.Closed || this.state === State.Closing) return
    try {
      this.decoder.resume()
    } catch (e) {
      this.onInputError(e)
    }
  }

  get closed(): boolean {
    return this.state === State.Closed || this.state === State.Closing
  }

  sendPing(): void {
    if (this.state !== State.Ready) return
    this.queueRaw(encodePing(this.options.heartbeatTimeToLive / 100))
    this.scheduleFlush()
  }

  handshakeDone(peer: PeerInfo): void {
    if (this.state !== State.Handshake) return
    clearTimeout(this.handshakeTimer)
    this.handshakeTimer = undefined
    this.peerInfo = peer
    this.use31 = peer.version.minor >= 1
    this.state = State.Ready
    // RFC 37: PINGs are answered whatever our own settings; the Heartbeat only adds timers.
    this.heartbeat = new Heartbeat(this, this.options.heartbeatInterval, this.options.heartbeatTimeout)
    log('zmtp %s: ready, peer %s ZMTP %d.%d', this.options.address, peer.socketType, peer.version.major, peer.version.minor)
    this.emit('ready', peer)
  }

  /** Fatal: optionally tells the peer why (ERROR command), then closes. 'error' and 'close' are emitted now. */
  fail(err: ZmtpError, reason?: string): void {
    if (this.state === State.Closed) return
    log('zmtp %s: %s %s', this.options.address, err.code, err.message)
    if (reason !== undefined && !this.stream.destroyed && this.state !== State.Closing) {
      // Let the ERROR reach the peer before the socket goes; a peer that never closes its side
      // is cut off after the linger time.
      const s = this.stream
      // Input is discarded from now on, but still read so the peer's FIN can close the socket.
      s.removeListener('data', this.onData)
      s.resume()
      this.finish(err)
      s.end(encodeError(reason))
      setTimeout(() => s.destroy(), LINGER_MS).unref()
      return
    }
    this.stream.destroy()
    this.finish(err)
  }

  // ---- FrameSink ----------------------------------------------------------------------------

  onMessage(frames: Buffer[]): void {
    if (this.state !== State.Ready) {
      if (this.state === State.Handshake) throw new ZmtpError('ZMTP_UNEXPECTED_COMMAND', 'data message before the handshake completed')
      return
    }
    if (this.isPubSide && frames.length === 1) {
      const f = frames[0]!
      // ZMTP 3.0 subscriptions, still sent this way by many 3.1 peers (libzmq included)
      if (f.length > 0 && (f[0] === 1 || f[0] === 0)) {
        this.emit('subscribe', f.subarray(1), f[0] === 1)
        return
      }
    }
    this.emit('message', frames)
  }

  onCommand(body: Buffer): void {
    const cmd = parseCommand(body)
    if (this.state === State.Handshake) {
      if (cmd.name === 'PING' || cmd.name === 'PONG') throw new ZmtpError('ZMTP_UNEXPECTED_COMMAND', `${cmd.name} during the handshake`)
      this.handshake.onCommand(cmd.name, cmd.data)
      return
    }
    if (this.state !== State.Ready) return
    switch (cmd.name) {
      case 'PING': {
        const ping = decodePing(cmd.data)
        this.queueRaw(encodePong(ping.context))
        this.scheduleFlush()
        if (ping.ttl > 0) this.heartbeat?.peerTtl(ping.ttl * 100)
        return
      }
      case 'PONG':
        decodePong(cmd.data)
        return
      case 'SUBSCRIBE':
      case 'CANCEL':
        if (this.isPubSide) this.emit('subscribe', cmd.data, cmd.name === 'SUBSCRIBE')
        return
      case 'ERROR':
        throw new ZmtpError('ZMTP_PEER_ERROR', `peer sent ERROR: ${decodeError(cmd.data)}`)
      case 'READY':
      case 'HELLO':
      case 'WELCOME':
      case 'INITIATE':
        throw new ZmtpError('ZMTP_UNEXPECTED_COMMAND', `${cmd.name} after the handshake`)
      default:
        // libzmq ignores commands it does not know (JOIN/LEAVE, future extensions)
        log('zmtp %s: ignoring unknown command %s', this.options.address, cmd.name)
    }
  }

  // ---- stream plumbing ------------------------------------------------------------------------

  private readonly onData = (chunk: Buffer): void => {
    this.rx++
    try {
      if (this.state === State.Greeting) {
        chunk = this.readGreeting(chunk)
        if (chunk.length === 0) return
      }
      this.decoder.push(chunk)
    } catch (e) {
      this.onInputError(e)
    }
  }

  private onInputError(e: unknown): void {
    if (e instanceof ZmtpError) {
      // Tell the peer during the handshake, as libzmq does for protocol errors it can name.
      const tell = this.state === State.Handshake && e.code !== 'ZMTP_PEER_ERROR' && e.code !== 'ZMTP_AUTH_FAILED'
      this.fail(e, tell ? e.message : undefined)
    } else {
      this.fail(new ZmtpError('ZMTP_BAD_COMMAND', 'internal error while processing input', { cause: e, address: this.options.address }))
      // A bug in a listener or in this code must not go unnoticed.
      process.nextTick(() => { throw e })
    }
  }

  /** Consumes greeting bytes; returns what follows the greeting in this chunk. */
  private readGreeting(chunk: Buffer): Buffer {
    const take = Math.min(GREETING_SIZE - this.greetingLen, chunk.length)
    chunk.copy(this.greetingBuf, this.greetingLen, 0, take)
    this.greetingLen += take
    checkGreetingPrefix(this.greetingBuf.subarray(0, this.greetingLen))
    if (this.greetingLen < GREETING_SIZE) return EMPTY
    const g = decodeGreeting(this.greetingBuf)
    this.state = State.Handshake
    this.handshake.onGreeting(g)
    return chunk.subarray(take)
  }

  private readonly onFlushTick = (): void => {
    this.flushScheduled = false
    this.flush()
    this.checkDrain()
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return
    this.flushScheduled = true
    setImmediate(this.onFlushTick)
  }

  private queueRaw(buf: Buffer): void {
    this.batcher.addRaw(buf)
  }

  private flush(): void {
    if (this.batcher.isEmpty) return
    const parts = this.batcher.take()
    if (this.stream.destroyed) return
    if (parts.length === 1) {
      this.stream.write(parts[0]!)
      return
    }
    this.stream.cork()
    for (let i = 0; i < parts.length; i++) this.stream.write(parts[i]!)
    this.stream.uncork()
  }

  private checkDrain(): void {
    if (this.needDrain && this.state === State.Ready && this.bufferedAmount <= this.hwm) {
      this.needDrain = false
      this.emit('drain')
    }
  }

  private readonly onStreamDrain = (): void => {
    this.checkDrain()
  }

  private readonly onStreamError = (err: Error): void => {
    // Transport errors (ECONNRESET, EPIPE...) are not protocol errors: the socket layer sees 'close'.
    log('zmtp %s: stream error %s', this.options.address, err.message)
  }

  private readonly onStreamClose = (): void => {
    this.finish(undefined)
  }

  private stopTimers(): void {
    clearTimeout(this.handshakeTimer)
    this.handshakeTimer = undefined
    this.heartbeat?.stop()
  }

  private finish(err: ZmtpError | undefined): void {
    if (this.state === State.Closed) return
    this.state = State.Closed
    this.stopTimers()
    this.decoder.stop()
    this.handshake.stop()
    if (err !== undefined && this.listenerCount('error') > 0) this.emit('error', err)
    this.emit('close', err)
  }
}

const EMPTY = Buffer.alloc(0)
const ONE = Buffer.of(1)
const ZERO = Buffer.of(0)
