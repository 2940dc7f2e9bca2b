// Leader election in a group, on the wire as the C reference runs it (zyre_set_contest_in_group,
// ELECT and LEADER): an echo algorithm with extinction. A contesting member starts a wave with its
// own id when a peer joins the group (or when the leader leaves or exits); every member adopts the
// lowest challenger id it hears, passes that wave on to the other members and echoes it back to
// the member it came from once all the others have answered; a challenger whose own wave comes
// back from every member has won and announces it with LEADER, which every member passes on once.
// A member that has a LEADER from every other member reports the leader.
//
// Members that do not contest still take part, so they agree on the leader, but never start a wave.
// Bookkeeping only: messages go out and events come back through the host.
import type { ZyreEvent } from './events.ts'
import type { Outgoing, Peer } from './peer.ts'

export interface ElectionHost {
  /** Our id, as challengers are compared: 32 uppercase hex characters. */
  readonly id: string
  readonly name: string
  /** Groups we are in. */
  readonly ownGroups: ReadonlySet<string>
  /** Ids of the peers in `group`. */
  groupPeers(group: string): ReadonlySet<string>
  peer(id: string): Peer | undefined
  send(peer: Peer, msg: Outgoing): void
  emit(event: ZyreEvent): void
  log(line: string): void
}

/** One group's election in progress. */
interface Wave {
  /** The challenger whose wave we are part of (the lowest id heard). */
  caw: string | undefined
  /** The member that brought us that wave: our echo goes back to it. */
  father: Peer | undefined
  /** Members that answered the current wave. */
  echoes: number
  /** Every member answered: our echo (or, as the challenger, LEADER) went out. */
  echoed: boolean
  /** LEADER messages received. */
  announcements: number
  leader: string | undefined
}

export class Elections {
  private readonly contested = new Set<string>()
  private readonly waves = new Map<string, Wave>()
  /** Group -> id of the leader last elected there (ours, or a peer's). */
  private readonly leaders = new Map<string, string>()

  constructor(private readonly host: ElectionHost) {}

  /** We stand for leader of `group` from now on. */
  contest(group: string): void {
    this.contested.add(group)
  }

  contests(group: string): boolean {
    return this.contested.has(group)
  }

  /** The leader last elected in `group` (possibly us), if any. */
  leaderOf(group: string): string | undefined {
    return this.leaders.get(group)
  }

  /** A peer joined `group`: with one more member, a contesting member runs the election again. */
  peerJoined(group: string): void {
    if (this.host.ownGroups.has(group) && this.contested.has(group)) this.challenge(group)
  }

  /**
   * A peer left `group` (LEAVE, or gone altogether). If it was the leader, a contesting member
   * elects another. An election going on no longer waits for the peer's answers: it may be
   * complete now (the C reference would wait for ever).
   */
  peerLeft(peerId: string, group: string): void {
    if (!this.host.ownGroups.has(group)) return
    if (this.leaders.get(group) === peerId) {
      this.leaders.delete(group)
      if (this.contested.has(group)) {
        this.challenge(group)
        return
      }
    }
    const wave = this.waves.get(group)
    if (wave !== undefined) {
      this.checkEchoes(group, wave)
      this.checkAnnouncements(group, wave)
    }
  }

  /** We left `group`: its election and leader are no longer ours to know. */
  left(group: string): void {
    this.waves.delete(group)
    this.leaders.delete(group)
  }

  /** We stopped: every election is forgotten (what we contest is kept for the next start). */
  clear(): void {
    this.waves.clear()
    this.leaders.clear()
  }

  /** ELECT from a member of `group`, for challenger `challenger`. */
  elect(from: Peer, group: string, challenger: string): void {
    let wave = this.waves.get(group)
    if (wave === undefined || wave.caw === undefined || challenger < wave.caw) {
      // A better challenger: join its wave and pass it on to every other member.
      wave = newWave(challenger, from)
      this.waves.set(group, wave)
      for (const id of this.host.groupPeers(group)) {
        const peer = id === from.id ? undefined : this.host.peer(id)
        if (peer !== undefined) this.host.send(peer, { type: 'ELECT', group, challengerId: challenger })
      }
    }
    // A worse challenger's wave dies here.
    if (wave.caw !== challenger) return
    wave.echoes++
    this.checkEchoes(group, wave)
  }

  /** Once every member answered the wave: echo it to where it came from, or, ours, announce we won. */
  private checkEchoes(group: string, wave: Wave): void {
    const caw = wave.caw
    if (wave.echoed || caw === undefined || wave.echoes < this.host.groupPeers(group).size) return
    wave.echoed = true
    if (caw === this.host.id) {
      this.host.log(`[${group}] won the election`)
      this.sendToGroup(group, { type: 'LEADER', group, leaderId: caw })
    } else if (wave.father !== undefined) {
      this.host.send(wave.father, { type: 'ELECT', group, challengerId: caw })
    }
  }

  /** LEADER from a member of `group`, naming `leader`. */
  leader(group: string, leader: string): void {
    let wave = this.waves.get(group)
    if (wave === undefined) {
      wave = newWave(undefined, undefined)
      this.waves.set(group, wave)
    }
    // The first announcement is passed on to every member, unless it names us.
    if (leader !== this.host.id && wave.announcements === 0) {
      this.sendToGroup(group, { type: 'LEADER', group, leaderId: wave.caw ?? leader })
    }
    wave.announcements++
    wave.leader = leader
    this.checkAnnouncements(group, wave)
  }

  /** Once every member announced the leader: the election is over, report it. */
  private checkAnnouncements(group: string, wave: Wave): void {
    const leader = wave.leader
    if (leader === undefined || wave.announcements < this.host.groupPeers(group).size) return
    this.waves.delete(group)
    if (leader === this.host.id) {
      this.leaders.set(group, leader)
      this.host.emit({ type: 'LEADER', peer: leader, name: this.host.name, group })
      return
    }
    const peer = this.host.peer(leader)
    if (peer === undefined) {
      this.host.log(`[${group}] elected ${leader}, a peer we do not know: ignored`)
      return
    }
    this.leaders.set(group, leader)
    this.host.emit({ type: 'LEADER', peer: leader, name: peer.name, group })
  }

  /** We start a wave of our own in `group`, replacing any election going on there. */
  private challenge(group: string): void {
    const id = this.host.id
    this.waves.set(group, newWave(id, undefined))
    this.host.log(`[${group}] challenging for leader`)
    this.sendToGroup(group, { type: 'ELECT', group, challengerId: id })
  }

  private sendToGroup(group: string, msg: Outgoing): void {
    for (const id of this.host.groupPeers(group)) {
      const peer = this.host.peer(id)
      if (peer !== undefined) this.host.send(peer, msg)
    }
  }
}

/** A wave of `caw` that came from `father` (undefined: ours, or none yet), nothing counted. */
function newWave(caw: string | undefined, father: Peer | undefined): Wave {
  return { caw, father, echoes: 0, echoed: false, announcements: 0, leader: undefined }
}
