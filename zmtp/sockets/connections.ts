// Every Connection of one socket, from its stream to its close: made with the socket's options,
// hooked to a Pipe once the handshake is done (and unhooked when it goes: connection-link.ts),
// closed with linger, and the count of live streams behind the socket's 'end' event.
import type { ByteStream } from '../transport/byte-stream.ts'
import type { ZmtpError } from '../errors.ts'
import { ConnectionLink, type LinkOwner } from './connection-link.ts'
import type { SocketEvent } from './observer.ts'
import { toRoutingId, type SocketOptions } from './options.ts'
import { curveChosen, CurveSettingsCache, type CurveKeyOption } from './curve-options.ts'
import type { Pipe, PipeOwner } from './pipe.ts'
import type { ConnectionOptions, PeerLink, SocketKind, SocketTypeName } from './wire.ts'

/** The socket as its connections see it: options read when a connection is made, and events. */
export interface ConnectionsHost extends PipeOwner {
  readonly type: SocketKind
  readonly closed: boolean
  /** Reports a socket event to the socket's observer, if it has one. */
  publishEvent(event: SocketEvent): void
  readonly routingId: Buffer | string | null
  readonly linger: number
  readonly maxMessageSize: number
  readonly handshakeTimeout: number
  readonly heartbeatInterval: number
  readonly heartbeatTimeout: number
  readonly heartbeatTimeToLive: number
  readonly plainServer: boolean
  readonly plainUsername: string | null
  readonly plainPassword: string | null
  readonly authenticate: SocketOptions['authenticate']
  readonly curveServer: boolean
  readonly curvePublicKey: CurveKeyOption | null
  readonly curveSecretKey: CurveKeyOption | null
  readonly curveServerKey: CurveKeyOption | null
  readonly curveAuthenticate: SocketOptions['curveAuthenticate']
}

/** What a connection tells its socket's routing (the socket's x-hooks behind them). */
export interface PipeEvents {
  added(pipe: Pipe): void
  removed(pipe: Pipe): void
  /** Handshake done; false refuses the peer. */
  ready(pipe: Pipe): boolean
  /** The pipe lost its connection. */
  gone(pipe: Pipe): void
  message(pipe: Pipe, frames: Buffer[]): void
  subscribe(pipe: Pipe, topic: Buffer, on: boolean): void
}

/** The connect() side of a connection: a pipe that outlives it, and a redial when it closes. */
export interface Outgoing {
  readonly endpoint: string
  readonly pipe: Pipe
  connection: PeerLink | undefined
  /** `conn` closed. */
  lost(conn: PeerLink): void
}

export class Connections implements LinkOwner {
  /** Accepted connections still in their handshake (made on the first accept). */
  private handshaking: Set<PeerLink> | undefined
  /** Streams not yet closed: 'end' is published once the socket is closed and this is 0. */
  private liveStreams = 0
  private ended = false
  /** The routingId last converted, and its bytes. */
  private idSource: Buffer | string | null = null
  private idBytes: Buffer | undefined
  /** Made when the socket first chooses CURVE. */
  private curve: CurveSettingsCache | undefined

  constructor(
    readonly host: ConnectionsHost,
    readonly pipes: PipeEvents,
  ) {}

  /** Count `stream` until it closes. */
  track(stream: ByteStream): void {
    this.liveStreams++
    stream.onClose(() => {
      this.liveStreams--
      if (this.host.closed) this.maybeEnd()
    })
  }

  /** Publish 'end' if no stream is left. */
  maybeEnd(): void {
    if (this.ended || this.liveStreams > 0) return
    this.ended = true
    this.host.publishEvent({ type: 'end' })
  }

  /** A Connection over `stream` (accepted, or made by `out`), hooked up to its pipe. */
  open(stream: ByteStream, address: string, out: Outgoing | undefined): void {
    const type = this.host.type
    if (type === 'STREAM') {
      const link = new ConnectionLink(this, stream, { raw: true, address }, out)
      if (out !== undefined) out.connection = link.conn
      link.start()
      return
    }
    let options: ConnectionOptions
    try {
      options = this.connectionOptions(address, type)
    } catch (err) {
      // CURVE keys changed to bad ones after bind()/connect() checked them: no connection.
      stream.destroy()
      this.host.publishEvent({ type: 'handshake:error:other', address, error: err as ZmtpError })
      return
    }
    if (out === undefined) options.greetingAfterPeer = true
    const { conn } = new ConnectionLink(this, stream, options, out)
    if (out === undefined) (this.handshaking ??= new Set()).add(conn)
    else out.connection = conn
  }

  handshakeOver(conn: PeerLink): void {
    this.handshaking?.delete(conn)
  }

  private connectionOptions(address: string, type: SocketTypeName): ConnectionOptions {
    const s = this.host
    // CURVE first, then PLAIN, else NULL. Keys were checked by bind()/connect().
    const curve = curveChosen(s) ? (this.curve ??= new CurveSettingsCache()).get(s) : undefined
    const plain = curve === undefined && (s.plainServer || s.plainUsername !== null)
    // Every field in one literal, absent ones undefined: one object shape for all connections and
    // no property store added to each.
    return {
      socketType: type,
      routingId: this.routingId(s.routingId),
      mechanism: curve !== undefined ? 'CURVE' : plain ? 'PLAIN' : 'NULL',
      plainServer: plain ? s.plainServer : undefined,
      plainUsername: plain && s.plainUsername !== null ? s.plainUsername : undefined,
      plainPassword: plain ? (s.plainPassword ?? '') : undefined,
      authenticate: plain ? s.authenticate : undefined,
      curveServer: curve?.curveServer,
      curvePublicKey: curve?.curvePublicKey,
      curveSecretKey: curve?.curveSecretKey,
      curveServerKey: curve?.curveServerKey,
      curveAuthenticate: curve?.curveServer === true ? s.curveAuthenticate : undefined,
      maxMessageSize: s.maxMessageSize,
      handshakeTimeout: s.handshakeTimeout,
      heartbeatInterval: s.heartbeatInterval,
      heartbeatTimeout: s.heartbeatTimeout,
      heartbeatTimeToLive: s.heartbeatTimeToLive,
      address,
      writeHighWaterMark: undefined,
      metadata: undefined,
      greetingAfterPeer: undefined,
    }
  }

  /** The socket's routingId as bytes, copied once per value set, not once per connection. */
  private routingId(value: Buffer | string | null): Buffer | undefined {
    if (value !== this.idSource) {
      this.idSource = value
      this.idBytes = toRoutingId(value)
    }
    return this.idBytes
  }

  /** Close `conn` of `pipe`: at once with linger 0, else after handing it what `pipe` queued. */
  close(conn: PeerLink, pipe: Pipe): void {
    if (this.host.linger === 0) {
      conn.destroy()
      return
    }
    pipe.flushAll()
    this.lingerClose(conn)
  }

  /** Graceful close bounded by `linger` (ms; -1 = as long as it takes). */
  lingerClose(conn: PeerLink): void {
    conn.close()
    if (this.host.linger > 0) {
      const timer = setTimeout(() => conn.destroy(), this.host.linger)
      conn.once('close', () => clearTimeout(timer))
    }
  }

  /** Socket closed: accepted peers still handshaking are dropped. */
  destroyHandshaking(): void {
    const handshaking = this.handshaking
    this.handshaking = undefined
    for (const c of handshaking ?? []) c.destroy()
  }
}
