// A socket's endpoints: the listeners of bind(), the dialers of connect(), and the connections
// both make (accepted streams get a pipe once their handshake is done; a dialer's pipe exists
// from connect() on). It reads the socket's options and publishes its events through the host,
// and tells the socket's routing about pipes through PipeEvents.
import type { ByteStream } from '../transport/byte-stream.ts'
import { debuglog } from 'node:util'
import { ZmtpError, ZmtpErrorCode } from '../errors.ts'
import { parseEndpoint } from '../transport/endpoint.ts'
import { listen, type Listener } from '../transport/transport.ts'
import { Connections, type ConnectionsHost, type PipeEvents } from './connections.ts'
import { Dialer, type DialerHost } from './dialer.ts'
import { toRoutingId } from './options.ts'
import { Pipe } from './pipe.ts'

const debug = debuglog('zyre')

/** The socket as its endpoints see it. */
export interface EndpointsHost extends ConnectionsHost, DialerHost {
  readonly ipv6: boolean
  readonly backlog: number
  lastEndpoint: string | null
}

export class Endpoints {
  // Made on first use: most sockets only bind or only connect.
  private listeners: Map<string, Listener> | undefined
  private dialers: Map<string, Dialer> | undefined
  private readonly connections: Connections

  constructor(
    private readonly host: EndpointsHost,
    private readonly pipes: PipeEvents,
  ) {
    this.connections = new Connections(host, pipes)
  }

  /** Something is bound or connected. */
  get any(): boolean {
    return (this.listeners?.size ?? 0) + (this.dialers?.size ?? 0) > 0
  }

  async bind(endpoint: string): Promise<void> {
    this.assertOpen()
    const host = this.host
    const ep = parseEndpoint(endpoint)
    if (this.listeners?.has(endpoint) === true) throw new ZmtpError(ZmtpErrorCode.EADDRINUSE, `Already bound to ${endpoint}`)
    let listener: Listener
    try {
      listener = await listen(ep, (stream, address) => this.accept(stream, address), { ipv6: host.ipv6, backlog: host.backlog })
    } catch (err) {
      host.publishEvent({ type: 'bind:error', address: endpoint, error: err as ZmtpError })
      throw err
    }
    if (host.closed) {
      await listener.close()
      throw new ZmtpError(ZmtpErrorCode.ETERM, 'Socket closed during bind')
    }
    this.listeners ??= new Map()
    this.listeners.set(endpoint, listener)
    if (listener.endpoint !== endpoint) this.listeners.set(listener.endpoint, listener)
    host.lastEndpoint = listener.endpoint
    host.publishEvent({ type: 'bind', address: listener.endpoint })
  }

  async unbind(endpoint: string): Promise<void> {
    this.assertOpen()
    const listeners = this.listeners
    const listener = listeners?.get(endpoint)
    if (listeners === undefined || listener === undefined) throw new ZmtpError(ZmtpErrorCode.ENOENT, `Not bound to ${endpoint}`)
    for (const [k, l] of listeners) if (l === listener) listeners.delete(k)
    await listener.close()
    this.host.publishEvent({ type: 'close', address: listener.endpoint })
  }

  connect(endpoint: string, options: { routingId?: Buffer | string }): void {
    this.assertOpen()
    const ep = parseEndpoint(endpoint)
    if (ep.transport === 'tcp' && (ep.host === '*' || ep.port === 0)) {
      throw new ZmtpError(ZmtpErrorCode.EINVAL, `Cannot connect to ${endpoint}`)
    }
    this.dialers ??= new Map()
    if (this.dialers.has(endpoint)) return
    const pipe = new Pipe(this.host, endpoint, true)
    pipe.forcedRoutingId = toRoutingId(options.routingId)
    const d = new Dialer(this.host, this.connections, endpoint, ep, pipe)
    this.dialers.set(endpoint, d)
    this.pipes.added(pipe)
    d.dial()
  }

  disconnect(endpoint: string): void {
    this.assertOpen()
    const d = this.dialers?.get(endpoint)
    if (d === undefined) throw new ZmtpError(ZmtpErrorCode.ENOENT, `Not connected to ${endpoint}`)
    this.dialers!.delete(endpoint)
    d.disconnect()
    this.pipes.removed(d.pipe)
  }

  /** As disconnect(), but a live connection is left open for the caller to close. */
  release(endpoint: string): void {
    const d = this.dialers?.get(endpoint)
    if (d === undefined) return
    this.dialers!.delete(endpoint)
    d.release()
    this.pipes.removed(d.pipe)
  }

  private accept(stream: ByteStream, address: string): void {
    const host = this.host
    if (host.closed) {
      stream.destroy()
      return
    }
    this.connections.track(stream)
    host.publishEvent({ type: 'accept', address })
    this.connections.open(stream, address, undefined)
  }

  /**
   * The socket closed: stop listening and dialling, drop peers still handshaking, and close the
   * ready connections of `pipes` (with linger). 'end' follows once every stream is closed.
   */
  close(pipes: readonly Pipe[]): void {
    const closedListeners = new Set<Listener>(this.listeners?.values())
    this.listeners = undefined
    for (const l of closedListeners) {
      l.close().catch(() => {})
      this.host.publishEvent({ type: 'close', address: l.endpoint })
    }
    for (const d of this.dialers?.values() ?? []) d.close()
    this.dialers = undefined
    this.connections.destroyHandshaking()
    for (const p of pipes.slice()) {
      if (p.connection !== undefined && p.connection.isReady) this.connections.close(p.connection, p)
    }
    this.connections.maybeEnd()
  }

  private assertOpen(): void {
    if (this.host.closed) throw new ZmtpError(ZmtpErrorCode.ETERM, 'Socket is closed')
  }
}
