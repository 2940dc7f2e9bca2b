// The Zyre node engine: its lifecycle (beacon, inbox ROUTER, presence timer), what beacons tell
// about peers (new, moved, leaving), and the API's group and send operations. The peers
// themselves live in PeerMesh, their messages are handled by PeerMessages. It reports
// everything through the `emit` callback; the public Zyre class wraps it.
import { randomBytes } from 'node:crypto'
import { debuglog } from 'node:util'
import { Beacon } from '../beacon/beacon.ts'
import { resolveInterface, type ResolvedInterface } from '../beacon/interfaces.ts'
import { Gossip } from '../gossip/gossip.ts'
import { readZyreTuple, zyreTupleValue, type ZyreTuple } from './gossip-tuples.ts'
import { beaconHasUuid, encodeBeacon } from '../beacon/payload.ts'
import { readBeacon } from './beacon-readings.ts'
import type { ZyreEvent } from './events.ts'
import { ZyreError, ZyreErrorCode } from './errors.ts'
import type { RequiredPeer, ResolvedZyreOptions } from './options.ts'
import { encode } from '../../codecs/generated/zre-msg.ts'
import type { Peer } from './peer.ts'
import { PeerMesh } from './peer-mesh.ts'
import { PeerMessages } from './peer-messages.ts'
import { Elections } from './election.ts'
import { Inbox } from './inbox.ts'
import { paceShout } from './shout-pacing.ts'
import type { SocketFactory } from './sockets.ts'

const trace = debuglog('zyre')

export class ZyreNode {
  readonly uuid: Buffer
  readonly id: string
  readonly name: string
  private readonly mesh: PeerMesh
  private readonly messages: PeerMessages
  private readonly elections: Elections
  private readonly ownGroups = new Set<string>()
  private status = 0
  private beacon: Beacon | undefined
  private gossip: Gossip | undefined
  private inbox: Inbox | undefined
  private endpoint = ''
  private reaper: NodeJS.Timeout | undefined
  private running = false
  /** Nodes the options say to meet without discovery once started. */
  private readonly required: ZyreTuple[]
  /** Our HELLO, encoded once until the endpoint or our groups change. */
  private helloFrames: Buffer[] | undefined

  constructor(
    private readonly opts: ResolvedZyreOptions,
    private readonly factory: SocketFactory,
    private readonly emit: (event: ZyreEvent) => void,
    private readonly warn: (err: ZyreError) => void,
  ) {
    this.uuid = randomBytes(16)
    this.id = this.uuid.toString('hex').toUpperCase()
    this.name = opts.name ?? this.id.slice(0, 6)
    const log = (line: string): void => this.log(line)
    this.mesh = new PeerMesh({
      uuid: this.uuid,
      opts,
      factory,
      ownEndpoint: () => this.endpoint,
      hello: () => this.hello(),
      emit,
      warn,
      log,
      removed: (peer) => {
        for (const group of peer.groups) this.elections.peerLeft(peer.id, group)
      },
    })
    const mesh = this.mesh
    this.elections = new Elections({
      id: this.id,
      name: this.name,
      ownGroups: this.ownGroups,
      groupPeers: (group) => mesh.directory.idsInGroup(group),
      peer: (id) => mesh.get(id),
      send: (peer, msg) => void mesh.send(peer, msg).catch(() => undefined),
      emit,
      log,
    })
    for (const group of opts.contest) this.setContestInGroup(group)
    this.required = opts.require.map((r) => this.requiredTuple(r))
    this.messages = new PeerMessages(this.mesh, { id: this.id, timers: opts, curve: opts.curve !== undefined, emit, warn, log }, this.elections)
  }

  get started(): boolean {
    return this.running
  }

  get publicKey(): string | undefined {
    return this.opts.curve?.publicText
  }

  get advertisedEndpoint(): string {
    return this.endpoint
  }

  async start(): Promise<void> {
    if (this.running) return
    const o = this.opts
    const inbox = new Inbox(this.factory, { maxMessageSize: o.maxMessageSize, curve: o.curve }, {
      message: (uuid, msg) => {
        if (this.running) this.messages.receive(uuid, msg)
      },
      warn: this.warn,
      log: (line) => this.log(line),
    })
    try {
      if (o.gossip) await this.startGossip(inbox)
      else await this.startBeacon(inbox)
    } catch (err) {
      await inbox.close()
      throw err
    }
    this.inbox = inbox
    this.running = true
    // Joined once we can take the peers it tells us about.
    if (this.gossip) this.joinGossip(this.gossip)
    for (const tuple of this.required) this.meet(tuple, 'application')
    const reapEvery = Math.max(10, Math.min(1000, Math.floor(Math.min(o.evasiveTimeout, o.silentTimeout) / 4)))
    this.reaper = setInterval(() => this.mesh.reap(Date.now()), reapEvery)
    this.log(`started ${this.name} ${this.id} at ${this.endpoint}`)
  }

  /** Beacon discovery: our ROUTER on the beacon's interface, announced in our beacons. */
  private async startBeacon(inbox: Inbox): Promise<void> {
    const o = this.opts
    const beacon = new Beacon({
      port: o.port,
      interval: o.interval,
      // Beacons are only read here (readBeacon copies what a peer keeps).
      sharedPayloads: true,
      mode: o.beaconMode,
      targets: o.beaconTargets,
      ...(o.interface !== undefined && { interface: o.interface }),
      ...(o.broadcastAddress !== undefined && { broadcastAddress: o.broadcastAddress }),
      ...(o.multicastGroup !== undefined && { multicastGroup: o.multicastGroup }),
      logger: (line) => this.log(line),
    })
    await beacon.start()
    try {
      await inbox.open(beacon.interfaceInfo)
      this.endpoint = o.endpoint ?? endpointAt(beacon.interfaceInfo, inbox.port)
      this.helloFrames = undefined
      beacon.subscribe(Buffer.from('ZRE'))
      beacon.ignore((p) => beaconHasUuid(p, this.uuid))
      beacon.on('beacon', ({ address, payload }) => {
        try {
          this.onBeacon(address, payload)
        } catch (err) {
          // Our own bug must not escape into the dgram socket and end the process.
          this.log(`error handling a beacon from ${address}: ${(err as Error).stack ?? err}`)
        }
      })
      beacon.on('address', (info) => void this.followAddress(info))
      beacon.publish(this.beaconPayload(inbox.port))
    } catch (err) {
      await beacon.close()
      throw err
    }
    this.beacon = beacon
  }

  /**
   * Gossip discovery, as the C node after zyre_gossip_bind/connect: no beacons; our ROUTER on the
   * interface's address; our gossip server bound when asked. The servers are joined (and our
   * tuple published) by joinGossip once the node runs.
   */
  private async startGossip(inbox: Inbox): Promise<void> {
    const o = this.opts
    const iface = resolveInterface(o.interface)
    await inbox.open(iface)
    const gossip = new Gossip()
    try {
      if (o.gossip!.bind !== undefined) await gossip.bind(o.gossip!.bind)
    } catch (err) {
      await gossip.close()
      throw new ZyreError(ZyreErrorCode.BAD_ARGUMENT, `cannot bind gossip to ${o.gossip!.bind}: ${(err as Error).message}`, { cause: err })
    }
    this.endpoint = o.endpoint ?? endpointAt(iface, inbox.port)
    this.helloFrames = undefined
    gossip.on('warning', (err) => this.log(`gossip: ${err.message}`))
    gossip.on('tuple', (key, value) => {
      try {
        this.onTuple(key, value)
      } catch (err) {
        this.log(`error handling gossip tuple ${key}: ${(err as Error).stack ?? err}`)
      }
    })
    this.gossip = gossip
  }

  private joinGossip(gossip: Gossip): void {
    for (const endpoint of this.opts.gossip!.connect) gossip.connect(endpoint)
    gossip.publish(this.id, zyreTupleValue(this.endpoint, this.opts.curve?.publicText))
  }

  /** Where our gossip server listens (its port resolved), when we serve one. */
  get gossipEndpoint(): string | undefined {
    return this.gossip?.endpoint ?? undefined
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
    this.helloFrames = undefined
    if (port !== before) this.beacon?.publish(this.beaconPayload(port))
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
      await beacon.sendOnce(this.beaconPayload(0)).catch(() => undefined)
      await beacon.close()
    }
    const gossip = this.gossip
    this.gossip = undefined
    // Gossip has no port-0 beacon: the peers hear that we leave from us (our dealers flush it).
    if (gossip) this.mesh.sendAll({ type: 'GOODBYE' })
    this.mesh.dropAll()
    this.elections.clear()
    await Promise.all([this.closeInbox(), gossip?.close()])
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
    await this.gossip?.close()
    this.gossip = undefined
    this.mesh.dropAll()
    this.elections.clear()
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
    this.helloFrames = undefined
    this.mesh.sendAll({ type: 'JOIN', group, status: this.status })
  }

  /**
   * Stand for leader of `group` (the C node's zyre_set_contest_in_group): whenever a peer joins
   * a group we are in and contest, we run an election there; every member reports its outcome as
   * a LEADER event. Members that do not contest take part but are never elected.
   */
  setContestInGroup(group: string): void {
    checkGroup(group)
    this.elections.contest(group)
  }

  /** The leader last elected in `group` (our own id if we won), if any. */
  groupLeader(group: string): string | undefined {
    return this.elections.leaderOf(group)
  }

  leave(group: string): void {
    this.requireRunning()
    if (!this.ownGroups.has(group)) return
    this.ownGroups.delete(group)
    this.elections.left(group)
    this.status = (this.status + 1) & 0xff
    this.helloFrames = undefined
    this.mesh.sendAll({ type: 'LEAVE', group, status: this.status })
  }

  whisper(peerId: string, content: Buffer[]): Promise<void> {
    this.requireRunning()
    const peer = this.mesh.get(peerId.toUpperCase())
    if (!peer) return Promise.reject(new ZyreError(ZyreErrorCode.UNKNOWN_PEER, `no peer ${peerId}`, { peer: peerId }))
    // Resolves once the message is queued and the peer's queue is under half its bound: an awaiting
    // caller is paced by the peer (shouts are paced too, see shout-pacing.ts).
    return this.mesh.send(peer, { type: 'WHISPER', content: nonEmpty(content) }).then(() => peer.paced())
  }

  shout(group: string, content: Buffer[]): Promise<void> {
    this.requireRunning()
    checkGroup(group)
    const ids = this.mesh.directory.idsInGroup(group)
    if (ids.size === 0) return Promise.resolve()
    const sends: Promise<void>[] = []
    const members: Peer[] = []
    for (const id of ids) {
      const peer = this.mesh.get(id)
      if (!peer?.connected) continue
      // A slow or broken peer must not fail a shout to the others: its failure is reported apart.
      sends.push(this.mesh.send(peer, { type: 'SHOUT', group, content: nonEmpty(content) }).catch(() => undefined))
      members.push(peer)
    }
    return Promise.all(sends).then(() => paceShout(members))
  }

  peerIds(): string[] {
    return this.mesh.directory.all().filter((p) => p.ready).map((p) => p.id)
  }

  peersByGroup(group: string): string[] {
    return [...this.mesh.directory.idsInGroup(group)]
  }

  ownGroupNames(): string[] {
    return [...this.ownGroups]
  }

  peerGroupNames(): string[] {
    return this.mesh.directory.groupNames()
  }

  peer(id: string): Peer | undefined {
    const p = this.mesh.get(id.toUpperCase())
    return p?.ready ? p : undefined
  }

  private onBeacon(address: string, payload: Buffer): void {
    if (!this.running) return
    const beacon = readBeacon(address, payload)
    // A node with CURVE keys hears only version 3 beacons (with a key), one without only version
    // 1: the two could not talk (the C node decides the same way).
    if (beacon === undefined || (beacon.publicKey !== undefined) !== (this.opts.curve !== undefined)) return
    const { id, endpoint } = beacon
    if (id === this.id) return
    if (beacon.port === 0) {
      const peer = this.mesh.get(id)
      if (peer) this.mesh.remove(peer)
      return
    }
    const known = this.mesh.get(id)
    // Same UUID, new endpoint: the peer moved (new address or restarted router). Reconnect. A
    // peer may beacon from another address than the one it advertises in HELLO and we dial
    // (multi-homed hosts): that alone is no move while it talks to us, but it is once it has
    // gone quiet (its address changed before we heard a beacon from the old one).
    const moved =
      known !== undefined &&
      ((known.beaconEndpoint !== undefined && known.beaconEndpoint !== endpoint) || (known.evasive && known.endpoint !== endpoint))
    if (moved) {
      this.log(`peer ${known.name || id} moved ${known.beaconEndpoint ?? known.endpoint} -> ${endpoint}`)
      this.mesh.remove(known)
    }
    const peer = known !== undefined && !moved ? known : this.mesh.require(beacon.uuid, endpoint, 'beacon', beacon.publicKey)
    if (peer) peer.beaconEndpoint = endpoint
    // Beacons do not refresh presence: only TCP traffic proves the peer can talk to us.
  }

  /** A node on the gossip network: a new one is dialled, one at a new endpoint redialled. */
  private onTuple(key: string, value: string): void {
    if (!this.running) return
    const tuple = readZyreTuple(key, value)
    if (typeof tuple === 'string') {
      this.log(`gossip tuple ignored: ${tuple}`)
      return
    }
    const refused = this.meet(tuple, 'gossip')
    if (refused !== undefined) this.log(`gossip: ${refused}, ignored`)
  }

  /**
   * zyre_require_peer: dials the node `id` at `endpoint` without discovery (no beacon or gossip
   * needed), as a beacon from it would; a node with CURVE keys needs the peer's public key (Z85).
   * HELLO goes first and the peer answers by dialling us back, so ENTER follows as usual.
   */
  requirePeer(id: string, endpoint: string, publicKey?: string): void {
    this.requireRunning()
    this.meet(this.requiredTuple({ peer: id, endpoint, publicKey }), 'application')
  }

  /** A node to require, checked: ZYRE_BAD_ARGUMENT if it is not one we could meet. */
  private requiredTuple(r: RequiredPeer): ZyreTuple {
    const tuple = readZyreTuple(r.peer, zyreTupleValue(r.endpoint, r.publicKey))
    const refused = typeof tuple === 'string' ? tuple : tuple.id === this.id ? 'that is our own id' : this.keysMismatch(tuple)
    if (typeof tuple === 'string' || refused !== undefined) {
      throw new ZyreError(ZyreErrorCode.BAD_ARGUMENT, `cannot require peer ${r.peer.slice(0, 40)}: ${refused}`)
    }
    return tuple
  }

  /** Nodes with and without keys stay apart (a C node with keys would abort): why this one, if so. */
  private keysMismatch(tuple: ZyreTuple): string | undefined {
    if ((tuple.publicKey !== undefined) === (this.opts.curve !== undefined)) return undefined
    return `node ${tuple.id} ${tuple.publicKey ? 'has' : 'has no'} CURVE key and we ${this.opts.curve ? 'have' : 'have none'}`
  }

  /** Dials a node we were told of (redialling one that moved); or why not. */
  private meet(tuple: ZyreTuple, via: 'gossip' | 'application'): string | undefined {
    if (tuple.id === this.id || tuple.endpoint === this.endpoint) return undefined
    const mismatch = this.keysMismatch(tuple)
    if (mismatch !== undefined) return mismatch
    const known = this.mesh.get(tuple.id)
    if (known !== undefined && known.endpoint !== tuple.endpoint) {
      this.log(`peer ${known.name || tuple.id} moved ${known.endpoint} -> ${tuple.endpoint}`)
      this.mesh.remove(known)
    }
    this.mesh.require(tuple.uuid, tuple.endpoint, via, tuple.publicKey)
    return undefined
  }

  /** Our beacon: version 3 with our public key when we have CURVE keys. Port 0: we leave. */
  private beaconPayload(port: number): Buffer {
    return encodeBeacon({ uuid: this.uuid, port, ...(this.opts.curve && { publicKey: this.opts.curve.publicKey }) })
  }

  /** The HELLO that opens every connection to a new peer: the headers are always sent, even empty. */
  private hello(): Buffer[] {
    this.helloFrames ??= encode({
      type: 'HELLO',
      sequence: 1,
      endpoint: this.endpoint,
      groups: [...this.ownGroups],
      status: this.status,
      name: this.name,
      headers: this.opts.headers,
    })
    return this.helloFrames
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
