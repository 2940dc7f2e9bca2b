// One Connection as its socket sees it: the pipe it feeds once its handshake is done, and what
// each of its events does to the socket's routing and events. One object per connection, told of
// the events directly (ConnectionHandler) rather than through a listener per event.
import type { ByteStream } from '../transport/byte-stream.ts'
import { debuglog } from 'node:util'
import { ZmtpError, ZmtpErrorCode } from '../errors.ts'
import type { ConnectionsHost, Outgoing, PipeEvents } from './connections.ts'
import { Pipe } from './pipe.ts'
import { Connection, RawConnection, type ConnectionHandler, type ConnectionOptions, type PeerInfo, type PeerLink } from './wire.ts'

const debug = debuglog('zyre')

/** The socket's bookkeeping of its connections, as a link needs it. */
export interface LinkOwner {
  readonly host: ConnectionsHost
  readonly pipes: PipeEvents
  /** `conn` is past its handshake, done or closed: it no longer counts as handshaking. */
  handshakeOver(conn: PeerLink): void
  /** Graceful close bounded by the socket's linger. */
  lingerClose(conn: PeerLink): void
}

/** A Stream socket's connection: raw TCP, no ZMTP. */
export interface RawLinkOptions {
  readonly raw: true
  readonly address: string
}

export class ConnectionLink implements ConnectionHandler {
  readonly conn: PeerLink
  private pipe: Pipe | undefined
  /** Set for a raw connection, which start() makes ready. */
  private readonly raw: RawConnection | undefined

  constructor(
    private readonly owner: LinkOwner,
    stream: ByteStream,
    options: ConnectionOptions | RawLinkOptions,
    private readonly out: Outgoing | undefined,
  ) {
    if ('raw' in options) this.conn = this.raw = new RawConnection(stream, options.address, this)
    else this.conn = new Connection(stream, options, this)
  }

  /** A raw connection is ready at once (a ZMTP one when its handshake is done). */
  start(): void {
    this.raw?.start()
  }

  ready(peer: PeerInfo): void {
    const { owner, conn, out } = this
    const host = owner.host
    owner.handshakeOver(conn)
    if (host.closed && (out === undefined || out.pipe.pendingOut === 0)) {
      conn.destroy()
      return
    }
    const p = out?.pipe ?? new Pipe(host, peer.address, false)
    p.attach(conn, peer)
    if (out === undefined) owner.pipes.added(p)
    if (!owner.pipes.ready(p)) {
      debug('zmtp %s: refused peer %s', host.type, peer.address)
      p.detach()
      if (out === undefined) owner.pipes.removed(p)
      conn.close()
      return
    }
    this.pipe = p
    if (this.raw === undefined) host.publishEvent({ type: 'handshake', address: peer.address })
    if (host.closed) {
      // Closing with linger: the handshake finished, deliver what was queued, then go.
      p.flushAll()
      owner.lingerClose(conn)
      return
    }
    p.flushQueued()
  }

  message(frames: Buffer[]): void {
    if (this.pipe !== undefined) this.owner.pipes.message(this.pipe, frames)
  }

  subscribe(topic: Buffer, on: boolean): void {
    if (this.pipe !== undefined) this.owner.pipes.subscribe(this.pipe, topic, on)
  }

  drain(): void {
    this.pipe?.onDrain()
  }

  close(err: ZmtpError | undefined): void {
    const { owner, conn, out } = this
    const host = owner.host
    owner.handshakeOver(conn)
    const address = this.pipe?.address ?? conn.peer?.address ?? out?.endpoint ?? conn.address
    if (this.pipe === undefined && !conn.isReady) {
      // As libzmq (handshake failed, no detail): a peer that hangs up mid-handshake is reported.
      const failure = err ?? (conn.closedByPeer ? new ZmtpError(ZmtpErrorCode.PEER_CLOSED, 'the peer closed the connection during the handshake') : undefined)
      if (failure !== undefined) {
        host.publishEvent({ type: handshakeErrorType(failure), address, error: failure })
        // libzmq follows every failed handshake with a disconnect, as any other lost connection.
        host.publishEvent({ type: 'disconnect', address, error: failure })
      }
    }
    if (this.pipe !== undefined) {
      const p = this.pipe
      this.pipe = undefined
      owner.pipes.gone(p)
      p.detach()
      if (out === undefined) owner.pipes.removed(p)
      if (err !== undefined) host.publishEvent({ type: 'disconnect', address, error: err })
      else host.publishEvent({ type: 'disconnect', address })
    }
    out?.lost(conn)
  }
}

function handshakeErrorType(err: ZmtpError): 'handshake:error:protocol' | 'handshake:error:auth' | 'handshake:error:other' {
  if (err.code === ZmtpErrorCode.AUTH_FAILED) return 'handshake:error:auth'
  if (err.code === ZmtpErrorCode.HANDSHAKE_TIMEOUT || err.code === ZmtpErrorCode.PEER_ERROR || err.code === ZmtpErrorCode.PEER_CLOSED) return 'handshake:error:other'
  return err.code.startsWith('ZMTP_') ? 'handshake:error:protocol' : 'handshake:error:other'
}
