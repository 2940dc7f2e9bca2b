// Our side of the Harmony pattern: the one ROUTER every peer's DEALER connects to. It listens on
// the interface's address (and on the new one when that address changes), checks each message's
// ZRE identity, decodes it and hands it on; what does not decode is reported and dropped.
import type { ResolvedInterface } from '../beacon/interfaces.ts'
import { decode, type ZreMsg } from '../../codecs/generated/zre-msg.ts'
import { ZyreError, ZyreErrorCode } from './errors.ts'
import { receiveEach } from '../receive-loop.ts'
import type { CurveServerKeys, RouterLike, SocketFactory } from './sockets.ts'

export interface InboxHandlers {
  /** A well-formed ZRE message from the peer with this 16-byte UUID. */
  message(uuid: Buffer, msg: ZreMsg): void
  warn(err: ZyreError): void
  log(line: string): void
}

export class Inbox {
  private readonly router: RouterLike
  private _port = 0
  /** IPv4 addresses we listen on; an IPv6 inbox listens on [::] and needs no more. */
  private readonly addresses = new Set<string>()
  private receiving: Promise<void> | undefined
  private closed = false

  /** `curve`: our key pair (a node with CURVE keys), making the ROUTER a CURVE server. */
  constructor(
    factory: SocketFactory,
    options: { maxMessageSize: number; curve: CurveServerKeys | undefined },
    private readonly handlers: InboxHandlers,
  ) {
    const { maxMessageSize, curve } = options
    this.router = factory.router(curve ? { maxMessageSize, curve, log: (line) => handlers.log(line) } : { maxMessageSize })
  }

  /** The port peers connect to (the same on every address we listen on, when it was free). */
  get port(): number {
    return this._port
  }

  /** Listens on an ephemeral port of the interface's address and starts receiving. */
  async open(iface: ResolvedInterface): Promise<void> {
    const v6 = iface.family === 'IPv6'
    await this.router.bind(`tcp://${v6 ? '[::]' : iface.address}:0`)
    this._port = portOf(this.router.lastEndpoint)
    if (!v6) this.addresses.add(iface.address)
    this.receiving = this.receiveLoop()
  }

  /**
   * The interface got a new address: listen there too, on our port when it is free there, else
   * on a new one. Returns the port to advertise, or undefined when we cannot listen there.
   */
  async follow(iface: ResolvedInterface): Promise<number | undefined> {
    if (this.closed || iface.family === 'IPv6' || this.addresses.has(iface.address)) return this._port
    try {
      await this.router.bind(`tcp://${iface.address}:${this._port}`)
    } catch {
      try {
        await this.router.bind(`tcp://${iface.address}:0`)
      } catch (err) {
        this.handlers.log(`cannot listen on new address ${iface.address}: ${(err as Error).message}`)
        return undefined
      }
      this._port = portOf(this.router.lastEndpoint)
    }
    this.addresses.add(iface.address)
    return this._port
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.router.close()
    await this.receiving?.catch(() => undefined)
  }

  private receiveLoop(): Promise<void> {
    return receiveEach(this.router, () => this.closed, {
      message: (frames) => this.onFrames(frames),
      stopped: (err) => this.handlers.log(`router receive failed: ${err.message}`),
      failed: (err) => this.handlers.log(`error handling a peer message: ${err.stack ?? err}`),
    })
  }

  private onFrames(frames: Buffer[]): void {
    const identity = frames[0]!
    // As the C reference: 17 bytes, the UUID after one marker byte whatever its value (old pyre
    // sent '1', 0x31; everyone else 0x01).
    if (identity.length !== 17) {
      this.handlers.warn(new ZyreError(ZyreErrorCode.BAD_IDENTITY, `message from a connection with identity ${identity.toString('hex')} dropped`))
      return
    }
    let msg: ZreMsg
    try {
      msg = decode(frames.slice(1))
    } catch (err) {
      this.handlers.warn(new ZyreError(ZyreErrorCode.BAD_MESSAGE, `malformed ZRE message dropped: ${(err as Error).message}`, { cause: err }))
      return
    }
    this.handlers.message(identity.subarray(1), msg)
  }
}

function portOf(endpoint: string | null): number {
  return Number(/:(\d+)$/.exec(endpoint ?? '')?.[1])
}
