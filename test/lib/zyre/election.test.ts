// Leader election in groups (setContestInGroup, ELECT/LEADER, LEADER events) between real nodes
// on loopback: every member agrees on the lowest contesting id, members that do not contest take
// part without being elected, and the leader leaving or exiting starts a new election; and the
// exact messages, against a scripted peer on libzmq sockets.
import t from 'tap'
import type { Zyre, ZyreOptions } from '../../../lib/index.ts'
import { FakeZrePeer } from '../../helpers/fake-zre-peer.ts'
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
      t.same(members.map((m) => leaders(m).length), members.map((m) => before.get(m)), `${joiner.zyre.name} joins: no challenger, no election`)
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

t.test('on the wire, against a scripted libzmq peer: ELECT, the echo, LEADER, and what is ignored', async (t) => {
  const { zyre, log, warnings } = await startedNode(t, { ...options('W1'), contest: [GROUP] })
  zyre.join(GROUP)
  const f = await new FakeZrePeer().bind()
  t.teardown(() => f.close())
  f.connect(zyre.endpoint)
  await f.hello({ name: 'fake' })
  await log.wait('ENTER', (e) => e.peer === f.id)

  // Not a member yet: its ELECT and LEADER are ignored (the sequence stays in step).
  await f.send({ type: 'ELECT', group: GROUP, challengerId: f.id })
  await f.send({ type: 'LEADER', group: GROUP, leaderId: f.id })

  // It joins: we challenge with our id, it echoes our wave, we announce, it passes that on.
  let from = f.received.length
  await f.send({ type: 'JOIN', group: GROUP, status: 1 })
  const elect = await f.waitFor((m) => m.type === 'ELECT', 10000, from)
  t.match(elect, { type: 'ELECT', group: GROUP, challengerId: zyre.uuid }, 'ELECT with our id as the challenger')
  t.equal(f.received.slice(0, from).filter((m) => m.type === 'ELECT' || m.type === 'LEADER').length, 0, 'nothing in answer to a non-member')
  from = f.received.length
  await f.send({ type: 'ELECT', group: GROUP, challengerId: zyre.uuid })
  const leader = await f.waitFor((m) => m.type === 'LEADER', 10000, from)
  t.match(leader, { type: 'LEADER', group: GROUP, leaderId: zyre.uuid }, 'LEADER once our wave came back')
  await f.send({ type: 'LEADER', group: GROUP, leaderId: zyre.uuid })
  const won = await log.wait('LEADER', (e) => e.group === GROUP)
  t.same({ peer: won.peer, name: won.name }, { peer: zyre.uuid, name: 'W1' }, 'we report ourselves as the leader')

  // It challenges with its own id: we take part in its wave (echo to it) and pass its LEADER on.
  from = f.received.length
  await f.send({ type: 'ELECT', group: GROUP, challengerId: f.id })
  const echo = await f.waitFor((m) => m.type === 'ELECT', 10000, from)
  t.match(echo, { type: 'ELECT', group: GROUP, challengerId: f.id }, 'our echo of its wave')
  from = f.received.length
  await f.send({ type: 'LEADER', group: GROUP, leaderId: f.id })
  const passed = await f.waitFor((m) => m.type === 'LEADER', 10000, from)
  t.match(passed, { type: 'LEADER', group: GROUP, leaderId: f.id }, 'its LEADER passed on')
  const lost = await log.wait('LEADER', (e) => e.peer === f.id)
  t.same({ name: lost.name, group: lost.group }, { name: 'fake', group: GROUP })
  t.equal(zyre.groupLeader(GROUP), f.id)
  t.equal(log.of('EXIT').length, 0, 'the peer stayed: every message was in sequence')
  t.same(warnings, [])
})
