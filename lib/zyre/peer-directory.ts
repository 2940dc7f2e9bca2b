// The peers a Zyre node knows, by id and by the endpoint its DEALER dials, and which of them are
// in which group. Bookkeeping only: no sockets, no events.
import type { Peer } from './peer.ts'

export class PeerDirectory {
  private readonly byId = new Map<string, Peer>()
  private readonly byEndpoint = new Map<string, Peer>()
  /** group name -> ids of peers in it */
  private readonly groups = new Map<string, Set<string>>()

  get(id: string): Peer | undefined {
    return this.byId.get(id)
  }

  /** The peer whose DEALER dials `endpoint`, if any. */
  atEndpoint(endpoint: string): Peer | undefined {
    return this.byEndpoint.get(endpoint)
  }

  /** Files a new peer under its id and the endpoint it was connected to. */
  add(peer: Peer): void {
    this.byId.set(peer.id, peer)
    this.byEndpoint.set(peer.endpoint, peer)
  }

  /** Forgets `peer` and its group memberships; false when it was not (or no longer) filed. */
  remove(peer: Peer): boolean {
    if (this.byId.get(peer.id) !== peer) return false
    this.byId.delete(peer.id)
    if (this.byEndpoint.get(peer.endpoint) === peer) this.byEndpoint.delete(peer.endpoint)
    for (const group of peer.groups) this.groups.get(group)?.delete(peer.id)
    return true
  }

  clear(): void {
    this.byId.clear()
    this.byEndpoint.clear()
    this.groups.clear()
  }

  /** A snapshot, safe to iterate while peers are removed. */
  all(): Peer[] {
    return [...this.byId.values()]
  }

  join(peer: Peer, group: string): void {
    let ids = this.groups.get(group)
    if (!ids) this.groups.set(group, (ids = new Set()))
    ids.add(peer.id)
    peer.groups.add(group)
  }

  leave(peer: Peer, group: string): void {
    this.groups.get(group)?.delete(peer.id)
    peer.groups.delete(group)
  }

  /** Ids of the peers in `group`. */
  idsInGroup(group: string): ReadonlySet<string> {
    return this.groups.get(group) ?? EMPTY
  }

  /** Groups that have at least one peer in them. */
  groupNames(): string[] {
    return [...this.groups].filter(([, ids]) => ids.size > 0).map(([g]) => g)
  }
}

const EMPTY: ReadonlySet<string> = new Set()
