// One connect() endpoint: its pipe lives until disconnect(); streams come and go. Dials, redials
// with exponential backoff (reconnectInterval doubling up to reconnectMaxInterval) whenever a
// dial fails or a connection closes, and on close may finish a pending attempt to flush.
import type { ByteStream } from '../transport/byte-stream.ts'
import { debuglog } from 'node:util'
import type { Endpoint } from '../transport/endpoint.ts'
import { dial, dialAddress } from '../transport/transport.ts'
import type { Connections, Outgoing } from './connections.ts'
import type { SocketEvent } from './observer.ts'
import type { Pipe } from './pipe.ts'
import type { PeerLink, SocketKind } from './wire.ts'

const debug = debuglog('zyre')

/** The socket as a dialer sees it. */
export interface DialerHost {
  readonly type: SocketKind
  readonly closed: boolean
  /** Reports a socket event to the socket's observer, if it has one. */
  publishEvent(event: SocketEvent): void
  readonly linger: number
  readonly reconnectInterval: number
  readonly reconnectMaxInterval: number
}

export class Dialer implements Outgoing {
  private stream: ByteStream | undefined
  connection: PeerLink | undefined
  private timer: NodeJS.Timeout | undefined
  private interval: number
  private stopped = false
  /** Closed with linger while messages were queued: finish this dial/handshake to flush them. */
  private flushOnClose = false

  constructor(
    private readonly host: DialerHost,
    private readonly connections: Connections,
    readonly endpoint: string,
    private readonly ep: Endpoint,
    readonly pipe: Pipe,
  ) {
    this.interval = host.reconnectInterval
  }

  dial(): void {
    this.timer = undefined
    if (this.stopped || this.host.closed) return
    const address = dialAddress(this.ep)
    let connected = false
    let stream: ByteStream
    try {
      stream = dial(this.ep, (s) => {
        connected = true
        if (this.stopped && !this.flushOnClose) {
          s.destroy()
          return
        }
        this.interval = this.host.reconnectInterval
        this.host.publishEvent({ type: 'connect', address: this.endpoint })
        this.connections.open(s, address, this)
      })
    } catch (err) {
      debug('zmtp %s: dial %s failed: %s', this.host.type, this.endpoint, (err as Error).message)
      this.scheduleReconnect()
      return
    }
    this.stream = stream
    this.connections.track(stream)
    // A failed attempt (ECONNREFUSED...) closes the stream before it connects.
    stream.onClose((err) => {
      if (connected || this.stream !== stream) return
      if (err !== undefined) debug('zmtp %s: %s: %s', this.host.type, address, err.message)
      this.stream = undefined
      this.scheduleReconnect()
    })
    this.host.publishEvent({ type: 'connect:delay', address: this.endpoint })
  }

  lost(conn: PeerLink): void {
    if (this.connection !== conn) return
    this.connection = undefined
    this.stream = undefined
    this.scheduleReconnect()
  }

  private scheduleReconnect(): void {
    const host = this.host
    if (this.stopped || host.closed || host.reconnectInterval < 0) return
    const interval = this.interval
    this.timer = setTimeout(() => this.dial(), interval)
    if (host.reconnectMaxInterval > 0) this.interval = Math.min(Math.max(1, this.interval * 2), host.reconnectMaxInterval)
    host.publishEvent({ type: 'connect:retry', address: this.endpoint, interval })
  }

  /** disconnect(): no more attempts; the connection closes (with linger) or the dial is dropped. */
  disconnect(): void {
    this.stop()
    if (this.connection !== undefined) this.connections.close(this.connection, this.pipe)
    else this.stream?.destroy()
  }

  /** No more attempts; a live connection is left to whoever closes it, a dial in progress is dropped. */
  release(): void {
    this.stop()
    if (this.connection === undefined) this.stream?.destroy()
  }

  /**
   * The socket closes: no more attempts. A ready connection is left to the socket (closed with
   * the pipes). One still dialling or handshaking with messages queued goes on when linger != 0
   * ('ready' flushes and closes), bounded by linger; otherwise it is dropped.
   */
  close(): void {
    this.stop()
    if (this.connection?.isReady) return
    const linger = this.host.linger
    this.flushOnClose = linger !== 0 && this.pipe.pendingOut > 0 && this.stream !== undefined
    if (!this.flushOnClose) {
      if (this.connection !== undefined) this.connection.destroy()
      else this.stream?.destroy()
    } else if (linger > 0) {
      const timer = setTimeout(() => {
        if (this.connection !== undefined && !this.connection.isReady) this.connection.destroy()
        else if (this.connection === undefined) this.stream?.destroy()
      }, linger)
      this.stream!.onClose(() => clearTimeout(timer))
    }
  }

  private stop(): void {
    this.stopped = true
    if (this.timer !== undefined) clearTimeout(this.timer)
  }
}
