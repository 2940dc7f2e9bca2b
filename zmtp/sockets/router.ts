// ROUTER: every message in is prefixed with the routing id of the peer it came from; the first
// frame of every message out names the peer to send it to. Peers without an Identity get a
// generated 5-byte id (0x00 + uint32 counter from a random start, as libzmq).
import { ZmtpError, ZmtpErrorCode } from '../errors.ts'
import type { SocketOptions } from './options.ts'
import type { Pipe } from './pipe.ts'
import { RoutingIds } from './routing-ids.ts'
import { Socket } from './socket.ts'

export interface RouterOptions extends SocketOptions {
  /** Reject send() to an unknown or full peer (EHOSTUNREACH / EAGAIN) instead of dropping. */
  mandatory?: boolean
  /** A new peer with an Identity already in use takes it over (the old one is disconnected). */
  handover?: boolean
}

export class Router extends Socket {
  readonly type = 'ROUTER' as const
  mandatory = false
  handover = false

  private readonly byId = new Map<string, Pipe>()
  private readonly ids = new RoutingIds()

  constructor(options: RouterOptions = {}) {
    super()
    this.applyOptions(options, ['mandatory', 'handover'])
  }

  override get writable(): boolean {
    return !this.closed
  }

  protected override xpipeReady(pipe: Pipe): boolean {
    let id = pipe.forcedRoutingId ?? pipe.peer?.routingId
    if (id !== undefined && id.length > 0) {
      const key = id.toString('latin1')
      const old = this.byId.get(key)
      if (old !== undefined && old !== pipe) {
        if (!this.handover) return false
        // The old peer is renamed out of the way and dropped; the new one owns the id.
        this.byId.delete(key)
        old.routingKey = undefined
        old.connection?.destroy()
      }
    } else {
      id = this.ids.next(this.byId)
    }
    pipe.routingId = id
    pipe.routingKey = id.toString('latin1')
    this.byId.set(pipe.routingKey, pipe)
    return true
  }

  protected override xpipeGone(pipe: Pipe): void {
    if (pipe.routingKey !== undefined && this.byId.get(pipe.routingKey) === pipe) this.byId.delete(pipe.routingKey)
    pipe.routingKey = undefined
  }

  protected override xpipeRemoved(pipe: Pipe): void {
    this.xpipeGone(pipe)
  }

  protected override xinbound(pipe: Pipe, frames: Buffer[]): Buffer[] | undefined {
    if (pipe.routingId === undefined) return undefined
    frames.unshift(pipe.routingId)
    return frames
  }

  protected override xsend(frames: Buffer[]): boolean {
    if (frames.length < 2) {
      // libzmq would take a lone id frame as the start of a message; a message needs a body.
      throw new ZmtpError(ZmtpErrorCode.EINVAL, 'ROUTER messages need a routing id frame and at least one more frame')
    }
    const pipe = this.byId.get(frames[0]!.toString('latin1'))
    if (pipe === undefined || pipe.connection === undefined) {
      if (this.mandatory) throw new ZmtpError(ZmtpErrorCode.EHOSTUNREACH, 'Host unreachable: no peer with this routing id')
      return true
    }
    if (!pipe.writable) {
      if (this.mandatory) throw new ZmtpError(ZmtpErrorCode.EAGAIN, 'Peer queue full (send high-water mark reached)')
      return true
    }
    pipe.write(frames.length === 2 ? [frames[1]!] : frames.slice(1))
    return true
  }
}
