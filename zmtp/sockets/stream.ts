// STREAM (ZMQ_STREAM): raw TCP to and from peers that do not speak ZMTP (HTTP clients, telnet,
// any line protocol). Every message is two frames, [routing id, data]. In: each chunk the kernel
// hands over, prefixed with the id of the connection it came from; with `notify` (the default) an
// empty data frame also marks each connection made and each one lost. Out: the data is written as
// it is to the connection the id names; an empty data frame closes that connection once what was
// sent before it is out. Every connection, accepted or dialled, gets a 5-byte id (0x00 + uint32,
// as libzmq), or the one given to connect(ep, { routingId }); a dialled connection keeps its id
// across reconnects, as libzmq's does.
import { ZmtpError, ZmtpErrorCode } from '../errors.ts'
import type { SocketOptions } from './options.ts'
import type { Pipe } from './pipe.ts'
import { RoutingIds } from './routing-ids.ts'
import { Socket } from './socket.ts'
import type { PeerLink } from './wire.ts'

export interface StreamOptions extends SocketOptions {
  /** Deliver [id, empty frame] when a connection is made and when it is lost (ZMQ_STREAM_NOTIFY). Default true. */
  notify?: boolean
}

export interface StreamConnectOptions {
  /** The id to file this connection under: 1 to 255 bytes, not starting with a zero byte. */
  routingId?: Buffer | string
}

const EMPTY = Buffer.alloc(0)

export class Stream extends Socket {
  readonly type = 'STREAM' as const
  notify = true

  private readonly byId = new Map<string, Pipe>()
  /** Pipes the application closed with an empty frame: their loss is not announced. */
  private readonly closedByUs = new WeakSet<Pipe>()
  /** Their connections, until closed: a peer that never reads holds one open past close() otherwise. */
  private readonly closing = new Set<PeerLink>()
  private readonly ids = new RoutingIds()

  constructor(options: StreamOptions = {}) {
    super()
    this.applyOptions(options, ['notify'])
  }

  override get writable(): boolean {
    return !this.closed
  }

  override bind(endpoint: string): Promise<void> {
    try {
      checkTransport(endpoint)
    } catch (err) {
      return Promise.reject(err)
    }
    return super.bind(endpoint)
  }

  override connect(endpoint: string, options: StreamConnectOptions = {}): void {
    checkTransport(endpoint)
    const id = options.routingId
    if (id !== undefined) {
      const bytes = typeof id === 'string' ? Buffer.from(id) : id
      if (bytes.length === 0 || bytes.length > 255 || bytes[0] === 0) {
        throw new ZmtpError(ZmtpErrorCode.EINVAL, 'A connect routing id is 1 to 255 bytes and does not start with a zero byte')
      }
      if (this.byId.has(bytes.toString('latin1'))) throw new ZmtpError(ZmtpErrorCode.EINVAL, 'Routing id already in use')
    }
    super.connect(endpoint, options)
  }

  protected override xpipeAdded(pipe: Pipe): void {
    const id = pipe.forcedRoutingId ?? this.ids.next(this.byId)
    pipe.routingId = id
    pipe.routingKey = id.toString('latin1')
    this.byId.set(pipe.routingKey, pipe)
  }

  protected override xpipeReady(pipe: Pipe): boolean {
    if (this.notify) this.deliver(pipe, [pipe.routingId!, EMPTY])
    return true
  }

  protected override xpipeGone(pipe: Pipe): void {
    if (this.notify && !this.closedByUs.has(pipe) && pipe.routingId !== undefined) this.deliver(pipe, [pipe.routingId, EMPTY])
  }

  protected override xpipeRemoved(pipe: Pipe): void {
    if (pipe.routingKey !== undefined && this.byId.get(pipe.routingKey) === pipe) this.byId.delete(pipe.routingKey)
    pipe.routingKey = undefined
  }

  protected override xinbound(pipe: Pipe, frames: Buffer[]): Buffer[] | undefined {
    if (pipe.routingId === undefined) return undefined
    frames.unshift(pipe.routingId)
    return frames
  }

  protected override xsend(frames: Buffer[]): boolean {
    if (frames.length !== 2) {
      throw new ZmtpError(ZmtpErrorCode.EINVAL, `STREAM messages are two frames, a routing id and the data (got ${frames.length})`)
    }
    const pipe = this.byId.get(frames[0]!.toString('latin1'))
    if (pipe === undefined) throw new ZmtpError(ZmtpErrorCode.EHOSTUNREACH, 'Host unreachable: no connection with this routing id')
    const data = frames[1]!
    if (data.length === 0) {
      this.closeByApplication(pipe)
      return true
    }
    if (!pipe.writable) return false
    pipe.write([data])
    return true
  }

  /** [id, empty frame]: what was sent before goes out, then the connection ends; a dialled one is not redialled. */
  private closeByApplication(pipe: Pipe): void {
    this.closedByUs.add(pipe)
    this.byId.delete(pipe.routingKey!)
    pipe.routingKey = undefined
    const conn = pipe.connection
    if (conn !== undefined) {
      this.closing.add(conn)
      conn.once('close', () => this.closing.delete(conn))
      pipe.flushAll()
      conn.close()
    }
    if (pipe.outgoing) this.releaseEndpoint(pipe.endpoint)
  }

  /** Also ends the connections the application closed that are still sending, within linger. */
  override close(): void {
    if (this.closed) return
    super.close()
    if (this.closing.size === 0 || this.linger < 0) return
    const drop = (): void => {
      for (const c of this.closing) c.destroy()
    }
    if (this.linger === 0) drop()
    else setTimeout(drop, this.linger).unref()
  }
}

/** Raw bytes need a byte stream of the operating system's: tcp:// or ipc://. */
function checkTransport(endpoint: string): void {
  if (endpoint.startsWith('inproc://')) {
    throw new ZmtpError(ZmtpErrorCode.ENOCOMPATPROTO, 'A Stream socket carries raw TCP and cannot use inproc://')
  }
}
