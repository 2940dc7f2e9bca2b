// What a ZRE message from a peer does: HELLO makes (or remakes) the peer ready, the sequence
// number is checked, and each command updates groups, answers PING, goes to the group's election
// (ELECT, LEADER; election.ts) or becomes an event.
import type { ZreMsg } from '../../codecs/generated/zre-msg.ts'
import type { ZyreEvent } from './events.ts'
import { ZyreError, ZyreErrorCode } from './errors.ts'
import { NO_HEADERS, type Peer, type PresenceTimers } from './peer.ts'
import type { PeerMesh } from './peer-mesh.ts'
import { PUBLIC_KEY_HEADER, publicKeyHeader } from './curve.ts'
import type { Elections } from './election.ts'

export interface MessageContext {
  /** Our own id: messages claiming it are dropped. */
  readonly id: string
  readonly timers: PresenceTimers
  /** Our node has CURVE keys: peers must show theirs in HELLO. */
  readonly curve: boolean
  emit(event: ZyreEvent): void
  warn(err: ZyreError): void
  log(line: string): void
}

export class PeerMessages {
  constructor(
    private readonly mesh: PeerMesh,
    private readonly ctx: MessageContext,
    private readonly elections: Elections,
  ) {}

  /** One decoded message from the peer whose identity carried `uuid`. */
  receive(uuid: Buffer, msg: ZreMsg): void {
    const id = uuid.toString('hex').toUpperCase()
    if (id === this.ctx.id) return // never talk to ourselves
    let peer = this.mesh.get(id)
    if (msg.type === 'HELLO') {
      const serverKey = this.ctx.curve ? publicKeyHeader(msg.headers) : undefined
      if (this.ctx.curve && !serverKey) {
        // As the C node: a peer that does not show its key could be a downgrade; it is not let in.
        this.ctx.warn(new ZyreError(ZyreErrorCode.BAD_MESSAGE, `HELLO from ${id} without a CURVE public key (${PUBLIC_KEY_HEADER}) ignored`, { peer: id }))
        return
      }
      // A second HELLO means the peer restarted (or is an impostor), and a HELLO from another
      // endpoint than the one it gave before means it moved: forget the old one either way.
      if (peer && (peer.ready || (peer.helloEndpoint !== undefined && msg.endpoint !== peer.helloEndpoint))) {
        this.mesh.remove(peer)
      }
      peer = this.mesh.require(uuid, msg.endpoint, 'hello', serverKey)
      if (!peer) return
      peer.ready = true
    }
    if (!peer || !peer.ready) return // commands before HELLO from an unknown peer are ignored
    if (!peer.checkSequence(msg)) {
      this.ctx.warn(new ZyreError(ZyreErrorCode.SEQUENCE, `lost or repeated messages from ${peer.name || peer.id} (sequence ${msg.sequence}): peer removed`, { peer: peer.id }))
      this.mesh.remove(peer)
      return
    }
    peer.refresh(Date.now(), this.ctx.timers)
    this.dispatch(peer, msg)
  }

  private dispatch(peer: Peer, msg: ZreMsg): void {
    switch (msg.type) {
      case 'HELLO':
        peer.name = msg.name
        // The decoded message is ours alone: its map becomes the peer's (one shared empty map for
        // the many peers that send none); the event gets a copy.
        peer.headers = msg.headers.size === 0 ? NO_HEADERS : msg.headers
        peer.helloEndpoint = msg.endpoint
        peer.entered = true
        this.ctx.emit({ type: 'ENTER', peer: peer.id, name: peer.name, headers: new Map(peer.headers), address: msg.endpoint })
        for (const group of msg.groups) this.mesh.joined(peer, group)
        // HELLO's status is the latest: it already counts the groups listed.
        peer.status = msg.status
        break
      case 'WHISPER':
        this.ctx.emit({ type: 'WHISPER', peer: peer.id, name: peer.name, content: msg.content })
        break
      case 'SHOUT':
        this.ctx.emit({ type: 'SHOUT', peer: peer.id, name: peer.name, group: msg.group, content: msg.content })
        break
      case 'PING':
        this.mesh.send(peer, { type: 'PING_OK' }).catch(() => undefined)
        break
      case 'PING_OK':
        break
      case 'JOIN':
        this.mesh.joined(peer, msg.group)
        this.checkStatus(peer, msg.status)
        this.elections.peerJoined(msg.group)
        break
      case 'LEAVE':
        this.mesh.left(peer, msg.group)
        this.checkStatus(peer, msg.status)
        this.elections.peerLeft(peer.id, msg.group)
        break
      case 'ELECT':
      case 'LEADER':
        // Only a member takes part in a group's election: the groups held stay those with members.
        if (!peer.groups.has(msg.group)) {
          this.ctx.log(`${msg.type} for ${msg.group} from ${peer.name || peer.id}, not a member: ignored`)
        } else if (msg.type === 'ELECT') {
          this.elections.elect(peer, msg.group, msg.challengerId)
        } else {
          this.elections.leader(msg.group, msg.leaderId)
        }
        break
      case 'GOODBYE':
        this.mesh.remove(peer)
        break
    }
  }

  private checkStatus(peer: Peer, status: number): void {
    peer.status = (peer.status + 1) & 0xff
    if (peer.status !== status) {
      // The C reference asserts here; we resynchronise and carry on.
      this.ctx.warn(new ZyreError(ZyreErrorCode.STATUS_MISMATCH, `group status of ${peer.name || peer.id} is ${status}, expected ${peer.status}`, { peer: peer.id }))
      peer.status = status
    }
  }
}
