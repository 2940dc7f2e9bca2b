// The node's side of every peer connection: creating a peer (dial its ROUTER, send HELLO),
// removing it (EXIT only when the application saw ENTER), sending with flow control, group
// membership events, and presence (PING when evasive, EVASIVE, SILENT, expiry).
import type { ZyreEvent } from './events.ts'
import { ZyreError, ZyreErrorCode } from './errors.ts'
import type { ResolvedZyreOptions } from './options.ts'
import { Peer, type Outgoing } from './peer.ts'
import { PeerDirectory } from './peer-directory.ts'
import { undialable } from './peer-endpoint.ts'
import type { SocketFactory } from './sockets.ts'

/** What the mesh needs from the node that owns it. */
export interface MeshOwner {
  readonly uuid: Buffer
  readonly opts: ResolvedZyreOptions
  readonly factory: SocketFactory
  /** The endpoint we advertise: never dialled, it is ourselves. */
  ownEndpoint(): string
  /** The HELLO that opens every new peer connection, encoded (sequence 1). */
  hello(): Buffer[]
  emit(event: ZyreEvent): void
  warn(err: ZyreError): void
  log(line: string): void
  /** `peer` is gone (after its EXIT, if any). */
  removed(peer: Peer): void
}

export class PeerMesh {
  readonly directory = new PeerDirectory()

  constructor(private readonly owner: MeshOwner) {}

  get(id: string): Peer | undefined {
    return this.directory.get(id)
  }

  /**
   * Finds or creates the peer with this UUID, connecting to `endpoint` and sending HELLO. A node
   * with CURVE keys dials only with the peer's public key (`serverKey`, from its beacon or HELLO).
   */
  require(uuid: Buffer, endpoint: string, via: 'beacon' | 'gossip' | 'hello' | 'application', serverKey?: Buffer): Peer | undefined {
    const id = uuid.toString('hex').toUpperCase()
    const existing = this.directory.get(id)
    if (existing) return existing
    if (endpoint === this.owner.ownEndpoint()) return undefined // never connect to ourselves
    const { opts } = this.owner
    const { curve } = opts
    if (curve && !serverKey) return undefined
    const unusable = undialable(endpoint)
    if (unusable !== undefined) {
      this.owner.warn(new ZyreError(ZyreErrorCode.BAD_MESSAGE, `peer ${id} (${via}) gave the endpoint ${JSON.stringify(endpoint.slice(0, 80))}: ${unusable}; ignored`, { peer: id }))
      return undefined
    }
    // An endpoint now owned by a new UUID: whoever had it before is gone (ephemeral port reuse).
    const old = this.directory.atEndpoint(endpoint)
    if (old) {
      this.owner.log(`endpoint ${endpoint} now belongs to ${id}: dropping ${old.name || old.id}`)
      this.remove(old)
    }
    const peer = new Peer(uuid)
    if (via === 'hello') peer.helloEndpoint = endpoint
    const keys = curve && serverKey && { publicKey: curve.publicKey, secretKey: curve.secretKey, serverKey }
    const log = keys ? (line: string): void => this.owner.log(`peer ${id}: ${line}`) : undefined
    peer.connect(this.owner.factory, this.owner.uuid, endpoint, opts.peerQueueSize, keys || undefined, log)
    peer.refresh(Date.now(), opts)
    this.directory.add(peer)
    this.deliver(peer, peer.sendHello(this.owner.hello())).catch(() => undefined)
    return peer
  }

  remove(peer: Peer): void {
    if (!this.directory.remove(peer)) return
    peer.disconnect()
    // The application only hears EXIT for a peer it heard ENTER for.
    if (peer.entered) this.owner.emit({ type: 'EXIT', peer: peer.id, name: peer.name })
    this.owner.removed(peer)
  }

  /** Disconnects and forgets every peer, without EXIT events (we are the one leaving). */
  dropAll(): void {
    for (const peer of this.directory.all()) peer.disconnect()
    this.directory.clear()
  }

  joined(peer: Peer, group: string): void {
    this.directory.join(peer, group)
    this.owner.emit({ type: 'JOIN', peer: peer.id, name: peer.name, group })
  }

  left(peer: Peer, group: string): void {
    this.directory.leave(peer, group)
    this.owner.emit({ type: 'LEAVE', peer: peer.id, name: peer.name, group })
  }

  send(peer: Peer, msg: Outgoing): Promise<void> {
    return this.deliver(peer, peer.send(msg))
  }

  /** Maps a failed send to a typed error; a full queue disconnects that peer alone. */
  private deliver(peer: Peer, sending: Promise<void>): Promise<void> {
    return sending.catch((err: unknown) => {
      const code = (err as { code?: string }).code
      const who = peer.name || peer.id
      if (code === 'EAGAIN' && peer.connected) {
        // The peer does not keep up: cut it off alone, as the C reference does.
        peer.disconnect()
        const limit = this.owner.opts.peerQueueSize
        this.owner.warn(new ZyreError(ZyreErrorCode.QUEUE_FULL, `send queue to ${who} is full (${limit} messages): disconnected`, { peer: peer.id, cause: err }))
        throw new ZyreError(ZyreErrorCode.QUEUE_FULL, `send queue to ${who} is full`, { peer: peer.id, cause: err })
      }
      if (err instanceof ZyreError) throw err
      throw new ZyreError(ZyreErrorCode.PEER_UNREACHABLE, `cannot send to ${who}: ${(err as Error).message}`, { peer: peer.id, cause: err })
    })
  }

  /** Sends to every connected peer; a failure is reported by `send` and affects that peer only. */
  sendAll(msg: Outgoing): void {
    for (const peer of this.directory.all()) {
      if (peer.connected) this.send(peer, msg).catch(() => undefined)
    }
  }

  /** Presence: PING an evasive peer, report EVASIVE then SILENT, expire it after expiredTimeout. */
  reap(now: number): void {
    for (const peer of this.directory.all()) {
      switch (peer.presenceAt(now)) {
        case 'expired':
          this.owner.log(`peer ${peer.name || peer.id} expired`)
          this.remove(peer)
          break
        case 'silent':
          if (peer.entered) this.owner.emit({ type: 'SILENT', peer: peer.id, name: peer.name })
          break
        case 'evasive':
          if (peer.connected) this.send(peer, { type: 'PING' }).catch(() => undefined)
          if (peer.entered) this.owner.emit({ type: 'EVASIVE', peer: peer.id, name: peer.name })
          break
      }
    }
  }
}
