// 2, 10 and 50 nodes in one process on loopback all discover each other, and every node's view
// (ENTER events, peers(), peerName, peerAddress, headers) agrees with the others.
import t from 'tap'
import { Cluster } from '../../../lib/sim/cluster.ts'
import type { Zyre, ZyreOptions } from '../../../lib/index.ts'

// Each cluster gets its own beacon port so they never see each other.
const timers = { interface: 'lo', interval: 100, evasiveTimeout: 2000, expiredTimeout: 10000 } satisfies ZyreOptions

async function mesh(t: { teardown(fn: () => unknown): void }, n: number, port: number, timeoutMs: number): Promise<Cluster> {
  const cluster = new Cluster(n, (i) => ({ ...timers, port, name: `n${i}`, headers: { 'X-INDEX': String(i) } }))
  t.teardown(() => cluster.stop())
  await cluster.start()
  await cluster.until(() => cluster.fullMesh(), timeoutMs, `${n} nodes to see each other`)
  return cluster
}

t.test('2 nodes see each other, with names, headers and addresses', async (t) => {
  const c = await mesh(t, 2, 47201, 10000)
  const [a, b] = c.nodes as [Zyre, Zyre]
  t.same(a.peers(), [b.uuid])
  t.same(b.peers(), [a.uuid])
  t.equal(a.peerName(b.uuid), 'n1')
  t.equal(b.peerName(a.uuid), 'n0')
  t.equal(a.peerHeaderValue(b.uuid, 'X-INDEX'), '1')
  t.equal(a.peerAddress(b.uuid), b.endpoint)
  t.match(b.endpoint, /^tcp:\/\/127\.0\.0\.1:\d+$/)
  t.match(a.uuid, /^[0-9A-F]{32}$/)
  const enter = c.members[0]!.events.find((e) => e.type === 'ENTER')
  t.match(enter, { type: 'ENTER', peer: b.uuid, name: 'n1', address: b.endpoint })
  t.equal(c.counts.enter, 2, 'exactly one ENTER each way')
})

t.test('the default name is the first 6 hex digits of the UUID', async (t) => {
  const { Zyre } = await import('../../../lib/index.ts')
  const z = new Zyre({ interface: 'lo', port: 47204 })
  t.equal(z.name, z.uuid.slice(0, 6))
})

t.test('10 nodes all see each other', async (t) => {
  const c = await mesh(t, 10, 47202, 20000)
  t.equal(c.links(), 90)
  t.equal(c.counts.enter, 90, 'no duplicate ENTER')
  for (const m of c.members) t.equal(m.zyre.peers().length, 9)
})

t.test('50 nodes all see each other', async (t) => {
  const c = await mesh(t, 50, 47203, 60000)
  t.equal(c.links(), 50 * 49)
  t.equal(c.counts.enter, 50 * 49, 'no duplicate ENTER')
  t.equal(c.counts.exit, 0, 'nobody left while the mesh formed')
})
