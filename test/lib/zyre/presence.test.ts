// Presence: a stopped node is gone at once (port-0 beacon), a killed node goes EVASIVE, SILENT
// and then EXIT after expiredTimeout; beacons alone do not keep a peer alive, answering PING
// does; a peer that never said HELLO expires without any event.
import t from 'tap'
import { Beacon } from '../../../lib/beacon/beacon.ts'
import { encodeBeacon } from '../../../lib/beacon/payload.ts'
import { Zyre, type ZyreOptions } from '../../../lib/index.ts'
import { FakeZrePeer } from '../../helpers/fake-zre-peer.ts'
import { EventLog, sleep } from '../../helpers/zyre-events.ts'

const PORT = 47231
const short: ZyreOptions = { interface: 'lo', port: PORT, interval: 100, evasiveTimeout: 200, expiredTimeout: 1000 }

async function node(t: { teardown(fn: () => unknown): void }, o: ZyreOptions): Promise<[Zyre, EventLog]> {
  const z = new Zyre({ ...short, ...o })
  const log = new EventLog(z)
  t.teardown(() => z.stop())
  await z.start()
  return [z, log]
}

t.test('stop(): the others see EXIT from the port-0 beacon, long before expiry', async (t) => {
  // Observers would only expire the peer after 30 s: an EXIT within the wait means the beacon did it.
  const [a, la] = await node(t, { name: 'stays', evasiveTimeout: 20000, expiredTimeout: 30000 })
  const [b, lb] = await node(t, { name: 'leaves', evasiveTimeout: 20000, expiredTimeout: 30000 })
  await la.wait('ENTER', (e) => e.peer === b.uuid)
  await lb.wait('ENTER', (e) => e.peer === a.uuid)
  await b.stop()
  await la.wait('EXIT', (e) => e.peer === b.uuid, 5000)
  t.same(a.peers(), [])
  t.equal(lb.events.at(-1)?.type, 'STOP', 'STOP is the last event of the stopped node')
  t.equal(lb.of('EXIT').length, 0, 'a stopping node reports no EXIT for its own peers')
})

t.test('a killed node: EVASIVE, SILENT, then EXIT after expiredTimeout', async (t) => {
  const [a, la] = await node(t, { name: 'watcher' })
  const [b] = await node(t, { name: 'victim' })
  await la.wait('ENTER', (e) => e.peer === b.uuid)
  await b.kill()
  await la.wait('EXIT', (e) => e.peer === b.uuid, 10000)
  const kinds = la.events.filter((e) => 'peer' in e && e.peer === b.uuid).map((e) => e.type)
  t.same(kinds.filter((k) => k !== 'JOIN'), ['ENTER', 'EVASIVE', 'SILENT', 'EXIT'])
  t.same(a.peers(), [])
})

t.test('beacons alone do not keep a peer alive; answering PING does', async (t) => {
  const [zyre, log] = await node(t, { name: 'pinger' })
  const mute = await new FakeZrePeer().bind()
  const chatty = await new FakeZrePeer().bind()
  t.teardown(() => mute.close())
  t.teardown(() => chatty.close())
  // Both keep beaconing their endpoints all along.
  for (const f of [mute, chatty]) {
    const b = new Beacon({ interface: 'lo', port: PORT, interval: 100 })
    await b.start()
    b.publish(encodeBeacon({ uuid: f.uuid, port: f.port }))
    t.teardown(() => b.close())
    f.connect(zyre.endpoint)
    await f.hello()
  }
  await log.count('ENTER', 2)
  // chatty answers every PING with PING-OK; mute says nothing more.
  let answered = 0
  const answer = setInterval(() => {
    const pings = chatty.received.filter((m) => m.type === 'PING').length
    for (; answered < pings; answered++) void chatty.send({ type: 'PING_OK' })
  }, 20)
  t.teardown(() => clearInterval(answer))
  await log.wait('EXIT', (e) => e.peer === mute.id, 10000)
  t.ok(log.of('EVASIVE', mute.id).length === 1, 'mute went EVASIVE first')
  t.ok(mute.received.some((m) => m.type === 'PING'), 'and was PINGed')
  // Three more expiry periods: chatty, answering, stays.
  await sleep(3000)
  t.equal(log.of('EXIT', chatty.id).length, 0, 'the peer answering PING never expired')
  t.ok(answered >= 2, `chatty was pinged and answered (${answered} times)`)
  t.same(zyre.peers(), [chatty.id])
})

t.test('a peer that never said HELLO expires without any event', async (t) => {
  const [zyre, log] = await node(t, { name: 'quiet' })
  const f = await new FakeZrePeer().bind()
  t.teardown(() => f.close())
  const b = new Beacon({ interface: 'lo', port: PORT, interval: 100 })
  await b.start()
  t.teardown(() => b.close())
  b.publish(encodeBeacon({ uuid: f.uuid, port: f.port }))
  // The node connects and says HELLO to the beaconing peer, which never answers.
  await f.waitFor((m) => m.type === 'HELLO')
  await sleep(2500)
  t.equal(log.events.length, 0, 'no ENTER, EVASIVE, SILENT or EXIT for a peer never entered')
  t.same(zyre.peers(), [])
})
