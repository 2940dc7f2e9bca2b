// How long an awaited shout waits for the group. Like whisper(), a shout waits while a member's send
// queue is half full or more, so a loop that awaits each shout lets the connections write instead of
// overrunning the queues (a full queue cuts that member off). Unlike whisper(), one member must not
// hold the whole group: a shout waits at most SHOUT_WAIT_MS, and a member still backed up then is not
// waited for again until its queue is short, so a stuck member meets its bound and is cut off alone.
import type { Peer } from './peer.ts'

/** Long enough for a member that reads to take half its queue; a stuck one costs the group this once. */
export const SHOUT_WAIT_MS = 500

export async function paceShout(members: readonly Peer[]): Promise<void> {
  const waitFor = members.filter((p) => !p.shoutsSkipWait && p.backedUp)
  if (waitFor.length === 0) return
  let timer: NodeJS.Timeout | undefined
  const timeUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, SHOUT_WAIT_MS)))
  await Promise.race([Promise.all(waitFor.map((p) => p.paced())), timeUp])
  clearTimeout(timer)
  for (const p of waitFor) {
    if (!p.backedUp) continue
    p.shoutsSkipWait = true
    void p.paced().then(() => (p.shoutsSkipWait = false))
  }
}
