// The Zyre node engine: one ROUTER in, one DEALER per peer out (Harmony), beacon discovery,
// the ZRE peer protocol (HELLO, sequence numbers, groups, PING), presence and flow control.
// It reports everything through the `emit` callback; the public Zyre class wraps it.
import { randomBytes } from 'node:crypto'
import { debuglog } from 'node:util'
import { Beacon } from '../beacon/beacon.ts'
import type { ResolvedInterface } from '../beacon/interfaces.ts'
import { beaconHasUuid, decodeBeacon, encodeBeacon } from '../beacon/payload.ts'
import type { ZreMsg } from '../../codecs/generated/zre-msg.ts'
import type { ZyreEvent } from './events.ts'
import { ZyreError, ZyreErrorCode } from './errors.ts'
import type { ResolvedZyreOptions } from './options.ts'
import { Peer, type Outgoing } from './peer.ts'
import { PeerDirectory } from './peer-directory.ts'
import { Inbox } from './inbox.ts'
import type { SocketFactory } from './sockets.ts'

const trace = debuglog('zyre')

export class ZyreNode {
  readonly uuid: Buffer
  readonly id: string
  readonly name: string
  private readonly peers = new PeerDirectory()
  private readonly ownGroups = new Set<string>()
  private status = 0
  private beacon: Beacon | undefined
  private inbox: Inbox | undefined
  private endpoint = ''
  private reaper: NodeJS.Timeout | undefined
  private running = false

  constructor(
    private readonly opts: ResolvedZyreOptions,
    private readonly factory: SocketFactory,
    private readonly emit: (event: ZyreEvent) => void,
    private readonly warn: (err: ZyreError) => void,
  ) {
    this.uuid = randomBytes(16)
    this.id = this.uuid.toString('hex').toUpperCase()
    this.name = opts.name ?? this.id.slice(0, 6)
  }

  get started(): boolean {
    return this.running
  }

  get advertisedEndpoint(): string {
    return this.endpoint
  }

  async start(): Promise<void> {
    if (this.running) return
    const o = this.opts
    const beacon = new Beacon({
      port: o.port,
      interval: o.interval,
      mode: o.beaconMode,
      targets: o.beaconTargets,
      ...(o.interface !== undefined && { interface: o.interface }),
      ...(o.broadcastAddress !== undefined && { broadcastAddress: o.broadcastAddress }),
      ...(o.multicastGroup !== undefined && { multicastGroup: o.multicastGroup }),
      logger: (line) => this.log(line),
    })
    await beacon.start()
    const inbox = new Inbox(this.factory, o.maxMessageSize, {
      message: (uuid, msg) => this.onPeerMessage(uuid, msg),
      warn: this.warn,
      log: (line) => this.log(line),
    })
    try {
      await inbox.open(beacon.interfaceInfo)
      this.endpoint = o.endpoint ?? endpointAt(beacon.interfaceInfo, inbox.port)
      beacon.subscribe(Buffer.from('ZRE'))
      beacon.ignore((p) => beaconHasUuid(p, this.uuid))
      beacon.on('beacon', ({ address, payload }) => this.onBeacon(address, payload))
      beacon.on('address', (info) => void this.followAddress(info))
      beacon.publish(encodeBeacon({ uuid: this.uuid, port: inbox.port }))
    } catch (err) {
      await inbox.close()
      await beacon.close()
      throw err
    }
    this.beacon = beacon
    this.inbox = inbox
    this.running = true
    const reapEvery = Math.max(10, Math.min(1000, Math.floor(Math.min(o.evasiveTimeout, o.silentTimeout) / 4)))
    this.reaper = setInterval(() => this.reap(), reapEvery)
    this.log(`started ${this.name} ${this.id} at ${this.endpoint}`)
  }

  /**
   * The interface got a new address (DHCP, WiFi): listen there too, on the same port when it is
   * free, and advertise it. The beacon already carries the new source address; peers reconnect.
   */
  private async followAddress(info: ResolvedInterface): Promise<void> {
    const inbox = this.inbox
    if (!inbox || !this.running) return
    const before = inbox.port
    const port = await inbox.follow(info)
    if (port === undefined || !this.running || this.inbox !== inbox) return
    if (this.opts.endpoint === undefined) this.endpoint = endpointAt(info, port)
    if (port !== before) this.beacon?.publish(encodeBeacon({ uuid: this.uuid, port }))
    this.log(`address changed: now at ${this.endpoint}`)
  }

  /** Announces that we leave (port-0 beacon), closes every socket. No EXIT events for our peers. */
  async stop(): Promise<void> {
    if (!this.running) return
    this.running = false
    if (this.reaper) clearInterval(this.reaper)
    const beacon = this.beacon
    this.beacon = undefined
    if (beacon) {
      beacon.silence()
      await beacon.sendOnce(encodeBeacon({ uuid: this.uuid, port: 0 })).catch(() => undefined)
      await beacon.close()
    }
    for (const peer of this.peers.all()) peer.disconnect()
    this.peers.clear()
    await this.closeInbox()
    this.log(`stopped ${this.name}`)
  }

  /**
   * Tears the node down without any goodbye: no port-0 beacon, sockets destroyed. What a crash
   * looks like to the other peers (used by tests and the simulator).
   */
  async kill(): Promise<void> {
    if (!this.running) return
    this.running = false
    if (this.reaper) clearInterval(this.reaper)
    this.beacon?.silence()
    await this.beacon?.close()
    this.beacon = undefined
    for (const peer of this.peers.all()) peer.disconnect()
    this.peers.clear()
    await this.closeInbox()
  }

  private async closeInbox(): Promise<void> {
    const inbox = this.inbox
    this.inbox = undefined
    await inbox?.close()
  }

  join(group: string): void {
    this.requireRunning()
    checkGroup(group)
    if (this.ownGroups.has(group)) return
    this.ownGroups.add(group)
    this.status = (this.status + 1) & 0xff
    this.sendAll({ type: 'JOIN', group, status: this.status })
  }

  leave(group: string): void {
    this.requireRunning()
    if (!this.ownGroups.has(group)) return
    this.ownGroups.delete(group)
    this.status = (this.status + 1) & 0xff
    this.sendAll({ type: 'LEAVE', group, status: this.status })
  }

  whisper(peerId: string, content: Buffer[]): Promise<void> {
    this.requireRunning()
    const peer = this.peers.get(peerId.toUpperCase())
    if (!peer) return Promise.reject(new ZyreError(ZyreErrorCode.UNKNOWN_PEER, `no peer ${peerId}`, { peer: peerId }))
    return this.sendTo(peer, { type: 'WHISPER', content: nonEmpty(content) })
  }

  shout(group: string, content: Buffer[]): Promise<void> {
    this.requireRunning()
    checkGroup(group)
    const ids = this.peers.idsInGroup(group)
    if (ids.size === 0) return Promise.resolve()
    const sends: Promise<void>[] = []
    for (const id of ids) {
      const peer = this.peers.get(id)
      // A slow or broken peer must not fail a shout to the others: its failure is reported apart.
      if (peer?.connected) sends.push(this.sendTo(peer, { type: 'SHOUT', group, content: nonEmpty(content) }).catch(() => undefined))
    }
    return Promise.all(sends).then(() => undefined)
  }

  peerIds(): string[] {
    return this.peers.all().filter((p) => p.ready).map((p) => p.id)
  }

  peersByGroup(group: string): string[] {
    return [...this.peers.idsInGroup(group)]
  }

  ownGroupNames(): string[] {
    return [...this.ownGroups]
  }

  peerGroupNames(): string[] {
    return this.peers.groupNames()
  }

  peer(id: string): Peer | undefined {
    const p = this.peers.get(id.toUpperCase())
    return p?.ready ? p : undefined
  }

  // ---- inbound ---------------------------------------------------------------------------

  private onPeerMessage(uuid: Buffer, msg: ZreMsg): void {
    if (!this.running) return
    const id = uuid.toString('hex').toUpperCase()
    if (id === this.id) return // never talk to ourselves
    let peer = this.peers.get(id)
    if (msg.type === 'HELLO') {
      if (peer?.ready) {
        // A second HELLO means the peer restarted (or is an impostor): forget the old one.
        this.removePeer(peer)
        peer = undefined
      }
      if (peer && msg.endpoint !== peer.helloEndpoint && peer.helloEndpoint !== undefined) {
        this.removePeer(peer)
        peer = undefined
      }
      peer = this.requirePeer(uuid, msg.endpoint, 'hello')
      if (!peer) return
      peer.ready = true
    }
    if (!peer || !peer.ready) return // commands before HELLO from an unknown peer are ignored
    if (!peer.checkSequence(msg)) {
      this.warn(new ZyreError(ZyreErrorCode.SEQUENCE, `lost or repeated messages from ${peer.name || peer.id} (sequence ${msg.sequence}): peer removed`, { peer: peer.id }))
      this.removePeer(peer)
      return
    }
    peer.refresh(Date.now(), this.opts)
    this.dispatch(peer, msg)
  }

  private dispatch(peer: Peer, msg: ZreMsg): void {
    switch (msg.type) {
      case 'HELLO':
        peer.name = msg.name
        peer.headers = new Map(msg.headers)
        peer.helloEndpoint = msg.endpoint
        peer.entered = true
        this.emit({ type: 'ENTER', peer: peer.id, name: peer.name, headers: new Map(peer.headers), address: msg.endpoint })
        for (const group of msg.groups) this.joinPeerGroup(peer, group)
        // HELLO's status is the latest: it already counts the groups listed.
        peer.status = msg.status
        break
      case 'WHISPER':
        this.emit({ type: 'WHISPER', peer: peer.id, name: peer.name, content: msg.content })
        break
      case 'SHOUT':
        this.emit({ type: 'SHOUT', peer: peer.id, name: peer.name, group: msg.group, content: msg.content })
        break
      case 'PING':
        this.sendTo(peer, { type: 'PING_OK' }).catch(() => undefined)
        break
      case 'PING_OK':
        break
      case 'JOIN':
        this.joinPeerGroup(peer, msg.group)
        this.checkStatus(peer, msg.status)
        break
      case 'LEAVE':
        this.leavePeerGroup(peer, msg.group)
        this.checkStatus(peer, msg.status)
        break
      case 'ELECT':
      case 'LEADER':
        // Leader election is not supported: these keep the sequence in step and are otherwise ignored.
        break
      case 'GOODBYE':
        this.removePeer(peer)
        break
    }
  }

  private checkStatus(peer: Peer, status: number): void {
    peer.status = (peer.status + 1) & 0xff
    if (peer.status !== status) {
      // The C reference asserts here; we resynchronise and carry on.
      this.warn(new ZyreError(ZyreErrorCode.STATUS_MISMATCH, `group status of ${peer.name || peer.id} is ${status}, expected ${peer.status}`, { peer: peer.id }))
      peer.status = status
    }
  }

  private joinPeerGroup(peer: Peer, group: string): void {
    this.peers.join(peer, group)
    this.emit({ type: 'JOIN', peer: peer.id, name: peer.name, group })
  }

  private leavePeerGroup(peer: Peer, group: string): void {
    this.peers.leave(peer, group)
    this.emit({ type: 'LEAVE', peer: peer.id, name: peer.name, group })
  }

  private onBeacon(address: string, payload: Buffer): void {
    if (!this.running) return
    const beacon = decodeBeacon(payload)
    // A version 3 beacon is a CURVE node's: without CURVE we could not talk to it (as the C node).
    if (!beacon || beacon.version !== 1) return
    const id = beacon.uuid.toString('hex').toUpperCase()
    if (id === this.id) return
    if (beacon.port === 0) {
      const peer = this.peers.get(id)
      if (peer) this.removePeer(peer)
      return
    }
    const host = address.includes(':') ? `[${address}]` : address
    const endpoint = `tcp://${host}:${beacon.port}`
    const known = this.peers.get(id)
    // Same UUID, new endpoint: the peer moved (new address or restarted router). Reconnect. A
    // peer may beacon from another address than the one it advertises in HELLO and we dial
    // (multi-homed hosts): that alone is no move while it talks to us, but it is once it has
    // gone quiet (its address changed before we heard a beacon from the old one).
    const moved =
      known !== undefined &&
      ((known.beaconEndpoint !== undefined && known.beaconEndpoint !== endpoint) || (known.evasive && known.endpoint !== endpoint))
    if (moved) {
      this.log(`peer ${known.name || id} moved ${known.beaconEndpoint ?? known.endpoint} -> ${endpoint}`)
      this.removePeer(known)
    }
    const peer = this.requirePeer(beacon.uuid, endpoint, 'beacon')
    if (peer) peer.beaconEndpoint = endpoint
    // Beacons do not refresh presence: only TCP traffic proves the peer can talk to us.
  }

  // ---- peers -----------------------------------------------------------------------------

  /** Finds or creates the peer with this UUID, connecting to `endpoint` and sending HELLO. */
  private requirePeer(uuid: Buffer, endpoint: string, via: 'beacon' | 'hello'): Peer | undefined {
    const id = uuid.toString('hex').toUpperCase()
    const existing = this.peers.get(id)
    if (existing) return existing
    if (endpoint === this.endpoint) return undefined // never connect to ourselves
    // An endpoint now owned by a new UUID: whoever had it before is gone (ephemeral port reuse).
    const old = this.peers.atEndpoint(endpoint)
    if (old) {
      this.log(`endpoint ${endpoint} now belongs to ${id}: dropping ${old.name || old.id}`)
      this.removePeer(old)
    }
    const peer = new Peer(uuid)
    if (via === 'hello') peer.helloEndpoint = endpoint
    peer.connect(this.factory, this.uuid, endpoint, this.opts.peerQueueSize)
    peer.refresh(Date.now(), this.opts)
    this.peers.add(peer)
    this.sendTo(peer, {
      type: 'HELLO',
      endpoint: this.endpoint,
      groups: [...this.ownGroups],
      status: this.status,
      name: this.name,
      headers: new Map(this.opts.headers),
    }).catch(() => undefined)
    return peer
  }

  private removePeer(peer: Peer): void {
    if (!this.peers.remove(peer)) return
    peer.disconnect()
    // The application only hears EXIT for a peer it heard ENTER for.
    if (peer.entered) this.emit({ type: 'EXIT', peer: peer.id, name: peer.name })
  }

  private sendTo(peer: Peer, msg: Outgoing): Promise<void> {
    return peer.send(msg).catch((err: unknown) => {
      const code = (err as { code?: string }).code
      if (code === 'EAGAIN' && peer.connected) {
        // The peer does not keep up: cut it off alone, as the C reference does.
        peer.disconnect()
        this.warn(new ZyreError(ZyreErrorCode.QUEUE_FULL, `send queue to ${peer.name || peer.id} is full (${this.opts.peerQueueSize} messages): disconnected`, { peer: peer.id, cause: err }))
        throw new ZyreError(ZyreErrorCode.QUEUE_FULL, `send queue to ${peer.name || peer.id} is full`, { peer: peer.id, cause: err })
      }
      if (err instanceof ZyreError) throw err
      throw new ZyreError(ZyreErrorCode.PEER_UNREACHABLE, `cannot send to ${peer.name || peer.id}: ${(err as Error).message}`, { peer: peer.id, cause: err })
    })
  }

  private sendAll(msg: Outgoing): void {
    for (const peer of this.peers.all()) {
      if (peer.connected) this.sendTo(peer, msg).catch(() => undefined)
    }
  }

  /** Presence: PING an evasive peer, report EVASIVE then SILENT, expire it after expiredTimeout. */
  private reap(): void {
    const now = Date.now()
    for (const peer of this.peers.all()) {
      switch (peer.presenceAt(now)) {
        case 'expired':
          this.log(`peer ${peer.name || peer.id} expired`)
          this.removePeer(peer)
          break
        case 'silent':
          if (peer.entered) this.emit({ type: 'SILENT', peer: peer.id, name: peer.name })
          break
        case 'evasive':
          if (peer.connected) this.sendTo(peer, { type: 'PING' }).catch(() => undefined)
          if (peer.entered) this.emit({ type: 'EVASIVE', peer: peer.id, name: peer.name })
          break
      }
    }
  }

  private requireRunning(): void {
    if (!this.running) throw new ZyreError(ZyreErrorCode.NOT_STARTED, 'the node is not started')
  }

  private log(line: string): void {
    if (this.opts.logger) this.opts.logger(line)
    else trace(line)
  }
}

const EMPTY_FRAME = Buffer.alloc(0)

function endpointAt(iface: ResolvedInterface, port: number): string {
  return `tcp://${iface.family === 'IPv6' ? `[${iface.address}]` : iface.address}:${port}`
}

/**
 * Content with at least one frame: with none, pyre's receiver crashes and the C one glues the
 * next event onto this one. The C node itself sends one empty frame for no content.
 */
function nonEmpty(content: Buffer[]): Buffer[] {
  return content.length > 0 ? content : [EMPTY_FRAME]
}

function checkGroup(group: string): void {
  if (typeof group !== 'string' || group === '' || Buffer.byteLength(group) > 255) {
    throw new ZyreError(ZyreErrorCode.BAD_ARGUMENT, `group names are 1 to 255 bytes, got '${group}'`)
  }
}
