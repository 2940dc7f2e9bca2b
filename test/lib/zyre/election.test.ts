// Leader election in groups (setContestInGroup, ELECT/LEADER, LEADER events) between real nodes
// on loopback: every member agrees on the lowest contesting id, members that do not contest take
// part without being elected, and the leader leaving or exiting starts a new election.
import t from 'tap'
import type { Zyre, ZyreOptions } from '../../../lib/index.ts'
import { EventLog, sleep, startedNode } from '../../helpers/zyre-events.ts'

const PORT = 47341
const GROUP = 'ELECT-G'
const options = (name: string): ZyreOptions => ({
  name, interface: 'lo', port: PORT, interval: 100, evasiveTimeout: 200, expiredTimeout: 1000,
})

interface Member { zyre: Zyre; log: EventLog; warnings: unknown[] }

/** LEADER events for GROUP seen by `m`. */
const leaders = (m: Member): string[] => m.log.of('LEADER').filter((e) => e.group === GROUP).map((e) => e.peer)

/** Waits until each of `members` has reported `before.get(m) + 1` LEADER events; returns the last of each. */
async function nextLeader(members: Member[], before: Map<Member, number>, what: string): Promise<string[]> {
  await Promise.all(members.map((m) => m.log.until(() => leaders(m).length > before.get(m)!, 10000, `${m.zyre.name}: LEADER (${what})`)))
  return members.map((m) => leaders(m).at(-1)!)
}

const counts = (members: Member[]): Map<Member, number> => new Map(members.map((m) => [m, leaders(m).length]))

const lowest = (members: Member[]): string => members.map((m) => m.zyre.uuid).sort()[0]!

t.test('members agree on the lowest contesting id, as the group grows, when the leader leaves and when it exits', async (t) => {
  const all: Member[] = []
  for (const name of ['E1', 'E2', 'E3', 'E4']) all.push(await startedNode(t, options(name)))
  await Promise.all(all.map((m) => m.log.count('ENTER', 3)))
  // The lowest id does not contest: it must take part without ever being elected.
  const byId = [...all].sort((x, y) => (x.zyre.uuid < y.zyre.uuid ? -1 : 1))
  const bystander = byId[0]!
  for (const m of byId.slice(1)) m.zyre.setContestInGroup(GROUP)

  const members: Member[] = []
  // Join in an order that puts the bystander second, so that it is a member in every round.
  const order = [byId[2]!, bystander, byId[3]!, byId[1]!]
  for (const joiner of order) {
    const earlier = [...members]
    const before = counts([...earlier, joiner])
    joiner.zyre.join(GROUP)
    members.push(joiner)
    // Every earlier member sees the JOIN; those that contest challenge, the lowest of them wins.
    await Promise.all(earlier.map((m) => m.log.wait('JOIN', (e) => e.peer === joiner.zyre.uuid && e.group === GROUP)))
    const challengers = earlier.filter((m) => m !== bystander)
    if (challengers.length === 0) {
      await sleep(300)
      t.same(members.map(leaders), members.map((m) => Array(before.get(m)).fill(leaders(m)[0])), `${joiner.zyre.name} joins: no challenger, no election`)
      continue
    }
    const got = await nextLeader(members, before, `${joiner.zyre.name} joins`)
    t.same(got, members.map(() => lowest(challengers)), `${joiner.zyre.name} joins: all ${members.length} members name the lowest challenger`)
  }
  t.not(leaders(bystander).at(-1), bystander.zyre.uuid, 'the member that does not contest was never elected')
  const first = leaders(bystander).at(-1)!
  const winner = all.find((m) => m.zyre.uuid === first)!
  t.equal(winner.zyre.groupLeader(GROUP), first, 'the winner knows it leads')
  t.equal(bystander.zyre.groupLeader(GROUP), first, 'the others know who leads')
  const own = winner.log.of('LEADER').at(-1)!
  t.equal(own.name, winner.zyre.name, 'the winner reports itself with its own name')
  t.equal(bystander.log.of('LEADER').at(-1)!.name, winner.zyre.name, 'the others report the winner by name')

  // The leader leaves the group: the contesting members that remain elect another.
  let rest = members.filter((m) => m !== winner)
  let before = counts(rest)
  winner.zyre.leave(GROUP)
  let got = await nextLeader(rest, before, 'the leader leaves')
  let expected = lowest(rest.filter((m) => m !== bystander))
  t.same(got, rest.map(() => expected), 'after the leader left, the rest name the lowest remaining challenger')

  // The new leader exits without a word (its sockets destroyed): EXIT, then another election.
  const second = rest.find((m) => m.zyre.uuid === expected)!
  rest = rest.filter((m) => m !== second)
  before = counts(rest)
  await second.zyre.kill()
  got = await nextLeader(rest, before, 'the leader exits')
  expected = lowest(rest.filter((m) => m !== bystander))
  t.same(got, rest.map(() => expected), 'after the leader exited, the rest name the last challenger')
  for (const m of all) t.same(m.warnings, [], `${m.zyre.name}: no warnings`)
})

t.test('contested groups are checked, and set before start through the options', async (t) => {
  const { zyre } = await startedNode(t, { ...options('C1'), contest: [GROUP] })
  t.throws(() => zyre.setContestInGroup(''), { code: 'ZYRE_BAD_ARGUMENT' })
  t.throws(() => zyre.setContestInGroup('x'.repeat(256)), { code: 'ZYRE_BAD_ARGUMENT' })
  t.equal(zyre.groupLeader(GROUP), undefined, 'no leader before any election')
  const { zyre: other, log } = await startedNode(t, options('C2'))
  await log.count('ENTER', 1)
  zyre.join(GROUP)
  await log.wait('JOIN', (e) => e.peer === zyre.uuid)
  other.join(GROUP)
  const e = await log.wait('LEADER', (x) => x.group === GROUP)
  t.equal(e.peer, zyre.uuid, 'the only challenger (contest from the options) wins')
  t.equal(other.groupLeader(GROUP), zyre.uuid)
})
