// Endpoints that change under a running node, driven by scripted peers (libzmq sockets) and
// hand-sent UDP beacons on loopback: a known UUID beaconing from a new endpoint is reconnected
// there, and a new UUID at an endpoint an old peer used replaces that peer (the ephemeral port
// reuse problem of the guide: a restarted process gets the dead one's port).
import t from 'tap'
import * as dgram from 'node:dgram'
import { randomBytes } from 'node:crypto'
import { Zyre, encodeBeacon } from '../../../lib/index.ts'
import { FakeZrePeer } from '../../helpers/fake-zre-peer.ts'
import { EventLog, sleep } from '../../helpers/zyre-events.ts'

const PORT = 47226

async function setup(t: { teardown(fn: () => unknown): void }, evasiveTimeout = 5000) {
  const zyre = new Zyre({ name: 'real', interface: 'lo', port: PORT, interval: 100, evasiveTimeout, expiredTimeout: 20000 })
  const log = new EventLog(zyre)
  await zyre.start()
  t.teardown(() => zyre.stop())
  const udp = dgram.createSocket('udp4')
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve))
  udp.setBroadcast(true)
  t.teardown(() => udp.close())
  const beacon = (uuid: Buffer, port: number, publicKey?: Buffer): Promise<void> =>
    new Promise((resolve, reject) =>
      udp.send(encodeBeacon({ uuid, port, ...(publicKey && { publicKey }) }), PORT, '127.255.255.255', (err) => (err ? reject(err) : resolve())),
    )
  const peer = async (uuid: Buffer, endpoint?: string): Promise<FakeZrePeer> => {
    const f = new FakeZrePeer(uuid)
    t.teardown(() => f.close())
    // Rebinding a port another socket just released can briefly fail: retry for a moment.
    for (let i = 0; ; i++) {
      try {
        return await f.bind(endpoint)
      } catch (err) {
        if (i > 50) throw err
        await sleep(50)
      }
    }
  }
  return { zyre, log, beacon, peer }
}

t.test('a known UUID beaconing from a new endpoint is reconnected there', async (t) => {
  const { zyre, log, beacon, peer } = await setup(t)
  const uuid = randomBytes(16)
  const first = await peer(uuid)
  await beacon(uuid, first.port)
  const hello1 = await first.waitFor((m) => m.type === 'HELLO')
  t.equal(hello1.sequence, 1, 'HELLO to the first endpoint')
  first.connect(zyre.endpoint)
  await first.hello()
  await log.wait('ENTER', (e) => e.peer === first.id)

  // The peer restarts its ROUTER on another port and beacons from there.
  const moved = await peer(uuid)
  t.not(moved.port, first.port)
  await beacon(uuid, moved.port)
  await log.wait('EXIT', (e) => e.peer === first.id)
  const hello2 = await moved.waitFor((m) => m.type === 'HELLO')
  t.equal(hello2.sequence, 1, 'a fresh HELLO (sequence 1) to the new endpoint')
  moved.connect(zyre.endpoint)
  await moved.hello()
  await log.until(() => log.of('ENTER', uuid.toString('hex').toUpperCase()).length === 2, 10000, 'ENTER again')
  t.same(zyre.peers(), [moved.id], 'one peer, at its new endpoint')
  t.equal(zyre.peerAddress(moved.id), moved.endpoint)
})

t.test('a new UUID at an endpoint an old peer used replaces the old peer', async (t) => {
  const { zyre, log, beacon, peer } = await setup(t)
  const old = await peer(randomBytes(16))
  const endpoint = old.endpoint
  await beacon(old.uuid, old.port)
  await old.waitFor((m) => m.type === 'HELLO')
  old.connect(zyre.endpoint)
  await old.hello()
  await log.wait('ENTER', (e) => e.peer === old.id)

  // The old process dies without a word; a new one gets its port and beacons a new UUID.
  old.close()
  const successor = await peer(randomBytes(16), endpoint)
  t.equal(successor.endpoint, endpoint, 'same endpoint, new UUID')
  await beacon(successor.uuid, successor.port)
  const exit = await log.wait('EXIT', (e) => e.peer === old.id)
  t.equal(exit.name, 'fake')
  const hello = await successor.waitFor((m) => m.type === 'HELLO')
  t.equal(hello.sequence, 1)
  successor.connect(zyre.endpoint)
  await successor.hello({ name: 'successor' })
  const enter = await log.wait('ENTER', (e) => e.peer === successor.id)
  t.equal(enter.name, 'successor')
  t.same(zyre.peers(), [successor.id], 'only the new peer is known')
})

t.test('our own beacon endpoint is never connected to', async (t) => {
  const { zyre, log, beacon } = await setup(t)
  // Another UUID claiming our own endpoint (e.g. a looped-back or forged beacon).
  const port = Number(/:(\d+)$/.exec(zyre.endpoint)![1])
  await beacon(randomBytes(16), port)
  await sleep(300)
  t.same(zyre.peers(), [], 'no peer created for our own endpoint')
  t.same(log.of('ENTER'), [])
})

t.test('a version 3 (CURVE) beacon is ignored, as a C node without CURVE ignores it', async (t) => {
  const { beacon, peer } = await setup(t)
  const uuid = randomBytes(16)
  const curveNode = await peer(uuid)
  for (let i = 0; i < 3; i++) {
    await beacon(uuid, curveNode.port, randomBytes(32))
    await sleep(100)
  }
  t.equal(curveNode.received.length, 0, 'no connection, no HELLO')
  // The same peer with a version 1 beacon is reached: the silence above was the version check.
  await beacon(uuid, curveNode.port)
  const hello = await curveNode.waitFor((m) => m.type === 'HELLO')
  t.equal(hello.sequence, 1)
})

// A peer we only know from its HELLO (its beacons never reached us before it moved).
async function knownFromHello(t: { teardown(fn: () => unknown): void }, evasiveTimeout: number) {
  const ctx = await setup(t, evasiveTimeout)
  const uuid = randomBytes(16)
  const first = await ctx.peer(uuid)
  first.connect(ctx.zyre.endpoint)
  await first.hello()
  await ctx.log.wait('ENTER', (e) => e.peer === first.id)
  await first.waitFor((m) => m.type === 'HELLO')
  return { ...ctx, uuid, first }
}

t.test('a peer known from HELLO that goes quiet and beacons from elsewhere has moved: re-dialled there', async (t) => {
  const { log, beacon, peer, uuid, first } = await knownFromHello(t, 200)
  const moved = await peer(uuid)
  // The first beacon from the new endpoint may come while the peer still counts as alive.
  await beacon(uuid, moved.port)
  await log.wait('EVASIVE', (e) => e.peer === first.id)
  t.same(log.of('EXIT'), [], 'not moved while it was talking')
  await beacon(uuid, moved.port)
  await log.wait('EXIT', (e) => e.peer === first.id)
  const hello = await moved.waitFor((m) => m.type === 'HELLO')
  t.equal(hello.sequence, 1, 'a fresh HELLO to the endpoint the beacon gave')
})

t.test('a talking peer known from HELLO that beacons from another endpoint (multi-homed) is left alone', async (t) => {
  const { log, beacon, peer, uuid, first } = await knownFromHello(t, 5000)
  const other = await peer(uuid)
  for (let i = 0; i < 3; i++) {
    await beacon(uuid, other.port)
    await sleep(100)
  }
  t.equal(other.received.length, 0, 'no connection to the beacon endpoint')
  t.same(log.of('EXIT'), [], 'no EXIT')
  await first.send({ type: 'WHISPER', content: [Buffer.from('still here')] })
  const w = await log.wait('WHISPER', (e) => e.peer === first.id)
  t.equal(String(w.content[0]), 'still here')
})
