// One ZMTP 3.x connection over an already connected stream: greeting (greeting-reader.ts),
// NULL/PLAIN/CURVE handshake and socket-type check (handshake.ts), framing both ways with per-tick
// write batching (stream-writer.ts), CURVE's encryption of every frame after the handshake
// (curve/message-codec.ts), input pausing (input-gate.ts), heartbeats (heartbeat.ts).
// It never reconnects and knows nothing of routing: the socket layer above owns that.

import { EventEmitter } from 'node:events'
import * as net from 'node:net'
import { debuglog } from 'node:util'
import { ZmtpError } from '../errors.ts'
import type { SocketTypeName } from '../socket-type.ts'
import { FrameDecoder, type FrameSink } from '../codec/frame-decoder.ts'
import { encodeGreeting } from '../codec/greeting.ts'
import { FLAG_LONG } from '../codec/frame.ts'
import { encodeCancel, encodeError, encodePing, encodePong, encodeSubscribe, decodeError, decodePing, decodePong, parseCommand } from '../codec/commands.ts'
import type { ConnectionEvents, ConnectionHandler, ConnectionOptions, PeerInfo, PeerLink } from './connection-types.ts'
import { GreetingReader } from './greeting-reader.ts'
import { InputGate } from './input-gate.ts'
import { StreamWriter } from './stream-writer.ts'
import { runAtTurnEnd, type TurnEndTask } from './turn-end.ts'
import type { ByteStream } from '../transport/byte-stream.ts'
import { SocketStream } from '../transport/socket-stream.ts'
import { Heartbeat, type HeartbeatHost } from './heartbeat.ts'
import { Handshake, type HandshakeHost } from './handshake.ts'
import { CURVE_FLAG_COMMAND, CURVE_FLAG_MORE, type CurveMessageCodec } from '../curve/message-codec.ts'

const log = debuglog('zyre')

export type { SocketTypeName } from '../socket-type.ts'
export type { ConnectionEvents, ConnectionHandler, ConnectionOptions, PeerInfo } from './connection-types.ts'

/** Input after a fatal error is read (so the peer's FIN is seen) and dropped. */
const discard = (): boolean => false

const enum State { Greeting, Handshake, Ready, Closing, Closed }

/** How long a closing stream may take to flush before it is destroyed. */
const LINGER_MS = 2000

export class Connection implements PeerLink, FrameSink, HeartbeatHost, HandshakeHost, TurnEndTask {
  private readonly stream: ByteStream
  readonly options: ConnectionOptions
  private readonly handler: ConnectionHandler | undefined
  private state = State.Greeting
  /** Set when the stream closed without close() or destroy() from our side. */
  private streamLost = false
  // Both dropped once done with, so a long-lived connection does not keep them.
  private greeting: GreetingReader | undefined = new GreetingReader()
  private handshake: Handshake | undefined
  private readonly decoder: FrameDecoder
  /** Made the first time input is paused. */
  private input: InputGate | undefined
  private heartbeat: Heartbeat | undefined
  private readonly writer: StreamWriter
  private readonly isPubSide: boolean
  private peerInfo: PeerInfo | undefined
  private use31 = true
  /** Our greeting is written (or queued to be). */
  private greeted = false
  /** Loop turns an accepted stream still waits for the peer's greeting before sending ours. */
  private greetTurns = 0
  /** Inside onChunk: handshake writes are queued and leave together when the chunk is done. */
  private inInput = false
  /** Chunks received; heartbeat timers compare it to detect liveness. */
  rx = 0
  /** CURVE: every frame after the handshake goes through it. */
  private curve: CurveMessageCodec | undefined
  /** CURVE: frames of the message being received, and their bytes. */
  private curveParts: Buffer[] | undefined
  private curveBytes = 0
  /** Listeners, made with the first: the socket layer hears events through `handler` instead. */
  private emitter: EventEmitter | undefined

  /**
   * `handler`, if given, is told of every event before the listeners are. A net.Socket given as
   * `stream` is read through its 'data' events.
   */
  constructor(stream: ByteStream | net.Socket, options: ConnectionOptions, handler?: ConnectionHandler) {
    if (stream instanceof net.Socket) {
      stream.setNoDelay(true)
      stream = new SocketStream(stream)
    }
    this.stream = stream
    this.options = options
    this.handler = handler
    this.isPubSide = options.socketType === 'PUB' || options.socketType === 'XPUB'
    // Under CURVE each frame arrives alone in a MESSAGE of its own, 33 bytes larger; the whole
    // message's size is checked as its frames are opened.
    const curve = options.mechanism === 'CURVE'
    this.decoder = new FrameDecoder(this, {
      maxMessageSize: curve && options.maxMessageSize >= 0 ? options.maxMessageSize + CURVE_OVERHEAD : options.maxMessageSize,
    })
    const handshake = new Handshake(this, options)
    this.handshake = handshake
    this.writer = new StreamWriter(stream, options.writeHighWaterMark, this)
    stream.setChunkHandler(this.onChunk)
    stream.onClose(this.onStreamClose)
    handshake.startTimer()
    // Our whole greeting goes out at once (an accepted stream's with our first handshake command
    // if it can, see greetingAfterPeer); the peer's is parsed whatever way it arrives.
    if (options.greetingAfterPeer === true) this.greetSoon()
    else this.greet()
  }

  get isReady(): boolean {
    return this.state === State.Ready
  }

  /** The stream closed without our asking (the peer closed it, or it broke). */
  get closedByPeer(): boolean {
    return this.streamLost
  }

  get peer(): PeerInfo | undefined {
    return this.peerInfo
  }

  get bufferedAmount(): number {
    return this.writer.bufferedAmount
  }

  get address(): string {
    return this.options.address
  }

  // ---- events (as an EventEmitter's) --------------------------------------------------------

  on<K extends keyof ConnectionEvents>(event: K, listener: (...args: ConnectionEvents[K]) => void): this {
    ;(this.emitter ??= new EventEmitter()).on(event, listener as Listener)
    return this
  }

  once<K extends keyof ConnectionEvents>(event: K, listener: (...args: ConnectionEvents[K]) => void): this {
    ;(this.emitter ??= new EventEmitter()).once(event, listener as Listener)
    return this
  }

  off<K extends keyof ConnectionEvents>(event: K, listener: (...args: ConnectionEvents[K]) => void): this {
    this.emitter?.off(event, listener as Listener)
    return this
  }

  removeListener<K extends keyof ConnectionEvents>(event: K, listener: (...args: ConnectionEvents[K]) => void): this {
    return this.off(event, listener)
  }

  listenerCount(event: keyof ConnectionEvents): number {
    return this.emitter?.listenerCount(event) ?? 0
  }

  private emit<K extends keyof ConnectionEvents>(event: K, ...args: ConnectionEvents[K]): void {
    this.emitter?.emit(event, ...args)
  }

  /** Queues one whole message. Returns false when over the write mark: wait for 'drain'. */
  send(frames: Buffer[]): boolean {
    if (this.state !== State.Ready) {
      if (this.state === State.Closing || this.state === State.Closed) return false
      throw new ZmtpError('EFSM', 'send() before the connection is ready')
    }
    if (frames.length === 0) frames = [EMPTY]
    if (this.curve !== undefined) return this.writer.sendEncoded(this.curve.encodeMessage(frames))
    return this.writer.send(frames)
  }

  /** SUBSCRIBE/CANCEL command to 3.1 peers, 0x01/0x00-prefixed message to 3.0 peers. */
  sendSubscribe(topic: Buffer, on: boolean): void {
    if (this.state !== State.Ready) {
      if (this.state === State.Closing || this.state === State.Closed) return
      throw new ZmtpError('EFSM', 'sendSubscribe() before the connection is ready')
    }
    if (this.use31) this.queueCommand(on ? encodeSubscribe(topic) : encodeCancel(topic))
    else if (this.curve !== undefined) this.writer.addRaw(this.curve.encodeFrame(0, Buffer.concat([on ? ONE : ZERO, topic])))
    else this.writer.addMessage([Buffer.concat([on ? ONE : ZERO, topic])])
    this.writer.scheduleFlush()
  }

  /** A command frame after the handshake: as it is, or encrypted under CURVE. */
  private queueCommand(frame: Buffer): void {
    this.writer.addRaw(this.curve === undefined ? frame : this.curve.encodeCommand(commandBody(frame)))
  }

  /** Flushes what is queued, then ends the stream; 'close' follows once it is closed. */
  close(): void {
    if (this.state === State.Closing || this.state === State.Closed) return
    this.state = State.Closing
    this.stopTimers()
    this.decoder.stop()
    this.writer.flush()
    // Reading goes on (even if input was paused), so the peer's FIN is seen.
    this.stream.end()
    setTimeout(() => this.stream.destroy(), LINGER_MS).unref()
  }

  /** Immediate: the stream is destroyed, 'error' (if err) and 'close' are emitted now. */
  destroy(err?: ZmtpError): void {
    if (this.state === State.Closed) return
    this.stream.destroy()
    this.finish(err)
  }

  // ---- HandshakeHost / HeartbeatHost / StreamWriterHost ------------------------------------

  /** Back under the write mark after send() returned false. */
  drained(): void {
    this.handler?.drain()
    this.emit('drain')
  }

  /**
   * Handshake writes go straight out (they are few and must precede any data); those made while
   * a chunk of input is handled leave when it is done, together with what it led to (our READY
   * with the first messages queued for the peer once its READY is in the same chunk).
   */
  write(buf: Buffer): void {
    if (this.state === State.Closing || this.state === State.Closed) return
    if (this.inInput) this.writer.addRaw(buf)
    else this.writer.writeNow(buf)
  }

  /**
   * Stops reading: no 'message' until resumeInput(). Used by the socket layer for its receive
   * high-water mark and by the PLAIN server while authenticate() runs. Takes effect at once,
   * also when called from a 'message' listener.
   */
  pauseInput(): void {
    this.input ??= new InputGate(this.stream, this.decoder, this, (e) => this.onInputError(e))
    this.input.pause()
  }

  /** Resumes reading; held messages are delivered from a microtask, never inside this call. */
  resumeInput(): void {
    this.input?.resume()
  }

  get isInputPaused(): boolean {
    return this.input?.paused === true
  }

  get closed(): boolean {
    return this.state === State.Closed || this.state === State.Closing
  }

  sendPing(): void {
    if (this.state !== State.Ready) return
    this.queueCommand(encodePing(this.options.heartbeatTimeToLive / 100))
    this.writer.scheduleFlush()
  }

  handshakeDone(peer: PeerInfo, curve: CurveMessageCodec | undefined): void {
    if (this.state !== State.Handshake) return
    this.curve = curve
    this.handshake!.stopTimer()
    this.handshake = undefined
    this.peerInfo = peer
    this.use31 = peer.version.minor >= 1
    this.state = State.Ready
    // RFC 37: PINGs are answered whatever our own settings; the Heartbeat only adds timers, so
    // without our own interval it is made when a peer's PING first asks for a TTL.
    if (this.options.heartbeatInterval > 0) this.startHeartbeat()
    // Checked first: a disabled debuglog call still costs its arguments, once per connection here.
    if (log.enabled) log('zmtp %s: ready, peer %s ZMTP %d.%d', this.options.address, peer.socketType, peer.version.major, peer.version.minor)
    this.handler?.ready(peer)
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
      s.setChunkHandler(discard)
      this.finish(err)
      // What the handshake queued (our greeting, perhaps) goes before the ERROR.
      this.writer.flush()
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
    if (this.curve !== undefined) {
      // libzmq sends each MESSAGE as a data frame of its own.
      for (let i = 0; i < frames.length && this.state === State.Ready; i++) this.onCurveMessage(frames[i]!)
      return
    }
    this.deliver(frames)
  }

  /** A whole data message from the peer. */
  private deliver(frames: Buffer[]): void {
    if (this.isPubSide && frames.length === 1) {
      const f = frames[0]!
      // ZMTP 3.0 subscriptions, still sent this way by many 3.1 peers (libzmq included)
      if (f.length > 0 && (f[0] === 1 || f[0] === 0)) {
        this.subscribed(f.subarray(1), f[0] === 1)
        return
      }
    }
    this.handler?.message(frames)
    this.emit('message', frames)
  }

  onCommand(body: Buffer): void {
    if (this.state === State.Ready && this.curve !== undefined) {
      // Everything after a CURVE handshake is a MESSAGE, whichever kind of frame carries it.
      this.onCurveMessage(body)
      return
    }
    const cmd = parseCommand(body)
    if (this.state === State.Handshake) {
      if (cmd.name === 'PING' || cmd.name === 'PONG') throw new ZmtpError('ZMTP_UNEXPECTED_COMMAND', `${cmd.name} during the handshake`)
      this.handshake!.onCommand(cmd.name, cmd.data)
      return
    }
    if (this.state !== State.Ready) return
    this.readyCommand(cmd.name, cmd.data)
  }

  /** Opens one CURVE MESSAGE: a command, or a frame of a data message (delivered when whole). */
  private onCurveMessage(box: Buffer): void {
    const { flags, body } = this.curve!.decode(box)
    if ((flags & CURVE_FLAG_COMMAND) !== 0) {
      const cmd = parseCommand(body)
      this.readyCommand(cmd.name, cmd.data)
      return
    }
    const parts = (this.curveParts ??= [])
    parts.push(body)
    this.curveBytes += body.length
    const max = this.options.maxMessageSize
    if (max >= 0 && this.curveBytes > max) throw new ZmtpError('ZMTP_MESSAGE_TOO_LARGE', `message over maxMessageSize (${max} bytes)`)
    if (parts.length > CURVE_MAX_FRAMES) throw new ZmtpError('ZMTP_MESSAGE_TOO_LARGE', `message of more than ${CURVE_MAX_FRAMES} frames`)
    if ((flags & CURVE_FLAG_MORE) !== 0) return
    this.curveParts = undefined
    this.curveBytes = 0
    this.deliver(parts)
  }

  /** A command after the handshake. */
  private readyCommand(name: string, data: Buffer): void {
    switch (name) {
      case 'PING': {
        const ping = decodePing(data)
        this.queueCommand(encodePong(ping.context))
        this.writer.scheduleFlush()
        if (ping.ttl > 0) (this.heartbeat ?? this.startHeartbeat()).peerTtl(ping.ttl * 100)
        return
      }
      case 'PONG':
        decodePong(data)
        return
      case 'SUBSCRIBE':
      case 'CANCEL':
        if (this.isPubSide) this.subscribed(data, name === 'SUBSCRIBE')
        return
      case 'ERROR':
        throw new ZmtpError('ZMTP_PEER_ERROR', `peer sent ERROR: ${decodeError(data)}`)
      case 'READY':
      case 'HELLO':
      case 'WELCOME':
      case 'INITIATE':
        throw new ZmtpError('ZMTP_UNEXPECTED_COMMAND', `${name} after the handshake`)
      default:
        // libzmq ignores commands it does not know (JOIN/LEAVE, future extensions)
        log('zmtp %s: ignoring unknown command %s', this.options.address, name)
    }
  }

  // ---- stream plumbing ------------------------------------------------------------------------

  /** Parts kept that are smaller than `viewMin` are copied (see ChunkHandler). */
  private readonly onChunk = (chunk: Buffer, viewMin: number): boolean => {
    this.rx++
    if (this.state === State.Ready) return this.decode(chunk, viewMin)
    // Greeting and handshake: what we write in reply leaves in one write when the chunk is done.
    this.inInput = true
    try {
      if (!this.greeted) this.greet()
      return this.decode(chunk, viewMin)
    } finally {
      this.inInput = false
      if (this.state !== State.Closing && this.state !== State.Closed) this.writer.flush()
    }
  }

  private decode(chunk: Buffer, viewMin: number): boolean {
    try {
      if (this.state === State.Greeting) {
        chunk = this.readGreeting(chunk)
        if (chunk.length === 0) return false
      }
      // Views of a reused buffer only when large frames fill at least half of it: what they pin
      // is then at most twice what they hold.
      if (viewMin > 0 && viewMin !== Infinity && !this.decoder.largeFrameBytesAtLeast(chunk, viewMin, chunk.buffer.byteLength / 2)) {
        viewMin = Infinity
      }
      return this.decoder.push(chunk, viewMin)
    } catch (e) {
      this.onInputError(e)
      return false
    }
  }

  /** Writes our greeting, or queues it while a chunk of input is handled. */
  private greet(): void {
    this.greeted = true
    this.write(ourGreeting(this.options))
  }

  /**
   * An accepted stream's greeting, if the peer has sent nothing for a whole loop turn: the end of
   * this turn comes before the next poll, so it waits for the end of the next one.
   */
  private greetSoon(): void {
    this.greetTurns = 2
    runAtTurnEnd(this)
  }

  /** @internal See greetSoon(). */
  atTurnEnd(): void {
    if (--this.greetTurns > 0) runAtTurnEnd(this)
    else if (!this.greeted && this.state === State.Greeting) this.greet()
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
    const reader = this.greeting!
    const take = reader.read(chunk)
    if (!reader.complete) return EMPTY
    const g = reader.decode()
    this.greeting = undefined
    this.state = State.Handshake
    this.handshake!.onGreeting(g)
    return chunk.subarray(take)
  }

  private readonly onStreamClose = (err: Error | undefined): void => {
    // Transport errors (ECONNRESET, EPIPE...) are not protocol errors: the socket layer sees 'close'.
    if (err !== undefined) log('zmtp %s: stream error %s', this.options.address, err.message)
    if (this.state !== State.Closing) this.streamLost = true
    this.finish(undefined)
  }

  private startHeartbeat(): Heartbeat {
    this.heartbeat = new Heartbeat(this, this.options.heartbeatInterval, this.options.heartbeatTimeout)
    return this.heartbeat
  }

  private stopTimers(): void {
    this.handshake?.stopTimer()
    this.heartbeat?.stop()
  }

  private finish(err: ZmtpError | undefined): void {
    if (this.state === State.Closed) return
    this.state = State.Closed
    this.stopTimers()
    this.decoder.stop()
    this.handshake?.stop()
    if (err !== undefined && this.listenerCount('error') > 0) this.emit('error', err)
    this.handler?.close(err)
    this.emit('close', err)
  }

  private subscribed(topic: Buffer, on: boolean): void {
    this.handler?.subscribe(topic, on)
    this.emit('subscribe', topic, on)
  }
}

type Listener = (...args: unknown[]) => void

const EMPTY = Buffer.alloc(0)
const ONE = Buffer.of(1)
const ZERO = Buffer.of(0)

// Our greeting depends only on the mechanism and role, so every connection writes one of these
// (a stream never modifies what it is given).
const NULL_GREETING = encodeGreeting({ mechanism: 'NULL', asServer: false })
const PLAIN_CLIENT_GREETING = encodeGreeting({ mechanism: 'PLAIN', asServer: false })
const PLAIN_SERVER_GREETING = encodeGreeting({ mechanism: 'PLAIN', asServer: true })
const CURVE_CLIENT_GREETING = encodeGreeting({ mechanism: 'CURVE', asServer: false })
const CURVE_SERVER_GREETING = encodeGreeting({ mechanism: 'CURVE', asServer: true })

function ourGreeting(options: ConnectionOptions): Buffer {
  if (options.mechanism === 'NULL') return NULL_GREETING
  if (options.mechanism === 'CURVE') return options.curveServer === true ? CURVE_SERVER_GREETING : CURVE_CLIENT_GREETING
  return options.plainServer === true ? PLAIN_SERVER_GREETING : PLAIN_CLIENT_GREETING
}

/** What a CURVE MESSAGE adds to the frame it carries: name, nonce, MAC and flags. */
const CURVE_OVERHEAD = 8 + 8 + 16 + 1
/** Frames per message under CURVE, as the frame decoder's default allows otherwise. */
const CURVE_MAX_FRAMES = 65536

/** The body of an encoded command frame (its header dropped). */
function commandBody(frame: Buffer): Buffer {
  return frame.subarray((frame[0]! & FLAG_LONG) !== 0 ? 9 : 2)
}
