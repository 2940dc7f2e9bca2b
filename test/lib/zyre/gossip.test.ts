// Zyre nodes that discover each other through gossip instead of beacons, as C nodes do after
// zyre_gossip_bind/connect: through one of them serving the gossip network, through CZMQ's own
// zgossip actor (libczmq4) as the hub, with CURVE keys in the tuples; no beacon is ever sent,
// a stopping node says GOODBYE (there is no port-0 beacon), and bad options are refused.
import t from 'tap'
import * as dgram from 'node:dgram'
import { Zyre, ZyreErrorCode, curveKeyPair, type ZyreOptions } from '../../../lib/index.ts'
import { Gossip } from '../../../lib/gossip/index.ts'
import { CzmqGossip, czmqGossipAvailable } from '../../helpers/czmq-gossip.ts'
import { EventLog, sleep, startedNode } from '../../helpers/zyre-events.ts'
import { waitFor } from '../../helpers/zmtp.ts'

// The beacon port these nodes would use if they beaconed: the test listens there for strays.
const PORT = 47331
const opts: ZyreOptions = { interface: 'lo', port: PORT, interval: 100, evasiveTimeout: 200, expiredTimeout: 1000 }
type Teardown = { teardown(fn: () => unknown): void }

const node = (t: Teardown, extra: ZyreOptions) => startedNode(t, { ...opts, ...extra })

async function beaconListener(t: Teardown): Promise<Buffer[]> {
  const got: Buffer[] = []
  const udp = dgram.createSocket({ type: 'udp4', reuseAddr: true })
  udp.on('message', (m) => got.push(m))
  await new Promise<void>((resolve) => udp.bind(PORT, resolve))
  t.teardown(() => udp.close())
  return got
}

t.test('three nodes meet through the gossip server of one of them: ENTER, whisper, shout, no beacons', async (t) => {
  const strays = await beaconListener(t)
  const hub = await node(t, { name: 'hub', gossip: { bind: 'tcp://127.0.0.1:*' } })
  t.match(hub.zyre.gossipEndpoint, /^tcp:\/\/127\.0\.0\.1:\d+$/)
  const a = await node(t, { name: 'a', gossip: { connect: hub.zyre.gossipEndpoint! } })
  const b = await node(t, { name: 'b', gossip: { connect: [hub.zyre.gossipEndpoint!] } })
  const all = [hub, a, b]
  for (const n of all) await n.log.count('ENTER', 2)
  const enter = a.log.of('ENTER').find((e) => e.peer === b.zyre.uuid)!
  t.equal(enter.name, 'b')
  t.equal(enter.address, b.zyre.endpoint)
  for (const n of all) n.zyre.join('G')
  for (const n of all) await n.log.count('JOIN', 2)
  await a.zyre.whisper(b.zyre.uuid, Buffer.from('psst'))
  await hub.zyre.shout('G', Buffer.from('all'))
  t.equal((await b.log.wait('WHISPER')).content[0]!.toString(), 'psst')
  t.equal((await a.log.wait('SHOUT')).content[0]!.toString(), 'all')
  t.equal((await b.log.wait('SHOUT')).content[0]!.toString(), 'all')
  await sleep(300)
  t.same(strays, [], 'no beacon was sent on the beacon port')
  t.same([...hub.warnings, ...a.warnings, ...b.warnings], [])
})

t.test('a node that stops says GOODBYE: EXIT at once (no port-0 beacon in gossip)', async (t) => {
  // Presence timers long enough that only GOODBYE can explain an EXIT within the wait.
  const slow = { evasiveTimeout: 3000, expiredTimeout: 10000 }
  const hub = await node(t, { name: 'hub', ...slow, gossip: { bind: 'tcp://127.0.0.1:*' } })
  const leaver = new Zyre({ ...opts, ...slow, name: 'leaver', gossip: { connect: hub.zyre.gossipEndpoint! } })
  const leaverLog = new EventLog(leaver)
  await leaver.start()
  await hub.log.wait('ENTER', (e) => e.name === 'leaver')
  await leaverLog.wait('ENTER', (e) => e.name === 'hub')
  await leaver.stop()
  await hub.log.wait('EXIT', (e) => e.name === 'leaver', 2500)
  t.same(hub.log.of('EVASIVE'), [], 'no EVASIVE first')
})

t.test('nodes with CURVE keys meet through gossip with the keys in the tuples; keyless ones stay apart', async (t) => {
  const hub = await node(t, { name: 'hub', curve: curveKeyPair(), gossip: { bind: 'tcp://127.0.0.1:*' } })
  const a = await node(t, { name: 'a', curve: curveKeyPair(), gossip: { connect: hub.zyre.gossipEndpoint! } })
  const plain = await node(t, { name: 'plain', gossip: { connect: hub.zyre.gossipEndpoint! } })
  const enter = await a.log.wait('ENTER', (e) => e.name === 'hub')
  t.equal(enter.headers.get('X-PUBLICKEY'), hub.zyre.publicKey)
  await hub.log.wait('ENTER', (e) => e.name === 'a')
  await a.zyre.whisper(hub.zyre.uuid, Buffer.from('secret'))
  t.equal((await hub.log.wait('WHISPER')).content[0]!.toString(), 'secret')
  await sleep(300)
  t.same(plain.log.of('ENTER'), [], 'the keyless node meets no one')
  t.same(hub.log.of('ENTER').map((e) => e.name), ['a'])
})

t.test("nodes meet through CZMQ's zgossip actor as the hub, also after more than a second", async (t) => {
  const available = czmqGossipAvailable()
  if (!available.ok) return t.fail(`the C zgossip is needed: ${available.why}`)
  const czmq = new CzmqGossip()
  t.teardown(() => czmq.close())
  const port = await czmq.bind('tcp://127.0.0.1:*')
  const hubEndpoint = `tcp://127.0.0.1:${port}`
  const a = await node(t, { name: 'a', gossip: { connect: hubEndpoint } })
  // CZMQ's own nodes would have been forgotten by their server by now.
  await sleep(1500)
  const b = await node(t, { name: 'b', gossip: { connect: hubEndpoint } })
  await a.log.wait('ENTER', (e) => e.name === 'b')
  await b.log.wait('ENTER', (e) => e.name === 'a')
  // The driver reports what the actor delivers a little later (it polls the actor).
  await waitFor(() => czmq.running() && czmq.value(a.zyre.uuid) !== undefined && czmq.value(b.zyre.uuid) !== undefined, 5000, 'both tuples delivered')
  t.equal(czmq.value(a.zyre.uuid), a.zyre.endpoint, 'the C actor holds our tuple as the C node writes it: UUID -> endpoint')
  t.equal(czmq.value(b.zyre.uuid), b.zyre.endpoint)
  czmq.running()
})

t.test('tuples that do not describe a Zyre node are ignored; a node at a new endpoint is redialled', async (t) => {
  const hub = await node(t, { name: 'hub', gossip: { bind: 'tcp://127.0.0.1:*' } })
  const g = new Gossip()
  t.teardown(() => g.close())
  g.connect(hub.zyre.gossipEndpoint!)
  g.publish('service', 'not a node')
  g.publish('0123456789ABCDEF0123456789ABCDEF', 'not an endpoint')
  g.publish('0123456789ABCDEF0123456789ABCDE0', 'tcp://127.0.0.1:1|bad key')
  // An older C node publishes the endpoint it bound, ephemeral port and all: nothing to dial.
  g.publish('0123456789ABCDEF0123456789ABCDE1', 'tcp://127.0.0.1:*')
  g.publish('0123456789ABCDEF0123456789ABCDE2', 'tcp://*:5670')
  const a = await node(t, { name: 'a', gossip: { connect: hub.zyre.gossipEndpoint! } })
  await hub.log.wait('ENTER', (e) => e.name === 'a')
  // a's tuple, rewritten by someone as if a had moved: the hub drops a and dials the new place.
  g.publish(a.zyre.uuid, 'tcp://127.0.0.1:9')
  await hub.log.wait('EXIT', (e) => e.name === 'a')
  // a itself republishes nothing (its value is unchanged for it), but its HELLO brings it back.
  t.same(hub.warnings, [])
  t.same(a.warnings, [])
})

t.test('bad gossip options are refused', async (t) => {
  t.throws(() => new Zyre({ ...opts, gossip: {} }), { code: ZyreErrorCode.BAD_ARGUMENT })
  t.throws(() => new Zyre({ ...opts, gossip: { connect: 'localhost:5' } }), { code: ZyreErrorCode.BAD_ARGUMENT })
  const z = new Zyre({ ...opts, gossip: { bind: 'tcp://192.0.2.1:1' } })
  await t.rejects(z.start(), { code: ZyreErrorCode.BAD_ARGUMENT })
})
