// Churn: nodes start, stop and get killed while the others join, leave, whisper and shout, in a
// random order from a fixed seed. Every node's events must stay well formed throughout (ENTER
// before anything else from a peer, EXIT only after ENTER, nothing from a peer after its EXIT,
// messages from one sender in order and never twice), and once the churn stops every live node
// must see exactly the other live nodes and their groups.
import t from 'tap'
import { Zyre, type ZyreEvent } from '../../../lib/index.ts'
import { sleep } from '../../helpers/zyre-events.ts'
import { churnSeed, seededRandom } from '../../helpers/seeded-random.ts'

const PORT = 47311
const GROUPS = ['A', 'B', 'C']
const CHURN_MS = 6000

/** One node and what its events showed, checked as they arrive. */
class Watched {
  readonly z = new Zyre({ interface: 'lo', port: PORT, interval: 100, evasiveTimeout: 300, expiredTimeout: 1000, logger: () => undefined })
  /** Peers between ENTER and EXIT. */
  readonly entered = new Set<string>()
  /** Last counter received from each sender (whispers and shouts count separately). */
  private readonly lastSeen = new Map<string, number>()
  readonly problems: string[] = []
  received = 0
  private sent = 0

  constructor() {
    this.z.on('event', (e) => this.check(e))
  }

  private check(e: ZyreEvent): void {
    if (e.type === 'STOP') return
    const from = e.peer
    if (e.type === 'ENTER') {
      if (this.entered.has(from)) this.problems.push(`ENTER twice from ${from}`)
      this.entered.add(from)
      return
    }
    if (!this.entered.has(from)) {
      this.problems.push(`${e.type} from ${from}, not between ENTER and EXIT`)
      return
    }
    if (e.type === 'EXIT') {
      this.entered.delete(from)
      return
    }
    if (e.type !== 'WHISPER' && e.type !== 'SHOUT') return
    this.received++
    const n = Number(e.content[0]!.toString())
    const key = `${e.type} ${from}`
    const last = this.lastSeen.get(key) ?? -1
    if (n <= last) this.problems.push(`${key}: message ${n} after ${last}`)
    this.lastSeen.set(key, n)
  }

  /** The next counter value this node sends (one sequence for all its messages). */
  next(): Buffer {
    return Buffer.from(String(this.sent++))
  }
}

t.test('random churn keeps every node consistent, and the survivors converge', async (t) => {
  const { next: rnd, pick } = seededRandom(churnSeed(t, 20261123))
  const live = new Set<Watched>()
  const all: Watched[] = []
  t.teardown(() => Promise.all(all.map((w) => w.z.stop())))
  const startOne = async (): Promise<void> => {
    const w = new Watched()
    all.push(w)
    await w.z.start()
    live.add(w)
  }
  for (let i = 0; i < 6; i++) await startOne()

  const done = { started: 6, stopped: 0, killed: 0, whispers: 0, shouts: 0, sendErrors: 0 }
  const end = Date.now() + CHURN_MS
  while (Date.now() < end) {
    await sleep(5 + rnd() * 30)
    const nodes = [...live]
    const w = pick(nodes)
    const r = rnd()
    if (r < 0.05 && live.size < 10) {
      await startOne()
      done.started++
    } else if (r < 0.08 && live.size > 3) {
      live.delete(w)
      await w.z.stop()
      done.stopped++
    } else if (r < 0.1 && live.size > 3) {
      live.delete(w)
      await w.z.kill()
      done.killed++
    } else if (r < 0.25) {
      w.z.join(pick(GROUPS))
    } else if (r < 0.35) {
      w.z.leave(pick(GROUPS))
    } else if (r < 0.7) {
      const peers = w.z.peers()
      if (peers.length === 0) continue
      done.whispers++
      w.z.whisper(pick(peers), w.next(), Buffer.alloc(Math.floor(rnd() * 3000))).catch(() => done.sendErrors++)
    } else {
      done.shouts++
      w.z.shout(pick(GROUPS), w.next()).catch(() => done.sendErrors++)
    }
  }
  t.comment(JSON.stringify(done))
  t.ok(done.stopped + done.killed > 0 && done.started > 6, 'nodes came and went')

  // The survivors converge: killed nodes expire after 1 s, stopped ones leave at once.
  const survivors = [...live]
  const ids = survivors.map((w) => w.z.uuid)
  const view = (w: Watched): string => {
    const others = ids.filter((id) => id !== w.z.uuid).sort()
    const groups = GROUPS.map((g) => `${g}:${survivors.filter((o) => o !== w && o.z.ownGroups().includes(g)).map((o) => o.z.uuid).sort()}`)
    const seen = GROUPS.map((g) => `${g}:${w.z.peersByGroup(g).sort()}`)
    return JSON.stringify({ peers: w.z.peers().sort().join() === others.join(), entered: [...w.entered].sort().join() === others.join(), groups: seen.join() === groups.join() })
  }
  const converged = JSON.stringify({ peers: true, entered: true, groups: true })
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline && !survivors.every((w) => view(w) === converged)) await sleep(100)
  for (const w of survivors) t.equal(view(w), converged, `${w.z.name}: peers, ENTER/EXIT and groups match the live nodes`)

  for (const w of all) t.same(w.problems, [], `${w.z.name}: events well formed`)
  t.ok(all.reduce((n, w) => n + w.received, 0) > 0, 'messages were delivered')
})
