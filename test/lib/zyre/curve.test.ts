// Zyre over CURVE, as the C node does it after zyre_set_zcert: our nodes among themselves, the
// wire form of the version 3 beacon, a scripted peer on libzmq CURVE sockets in both directions,
// key-less peers and beacons ignored, a node's own allow-list, and bad key options.
import t from 'tap'
import * as dgram from 'node:dgram'
import { randomBytes } from 'node:crypto'
import * as zmq from 'zeromq'
import { Zyre, ZyreErrorCode, curveKeyPair, encodeBeacon, type ZyreOptions } from '../../../lib/index.ts'
import { z85Decode } from '../../../zmtp/index.ts'
import { FakeZrePeer } from '../../helpers/fake-zre-peer.ts'
import { EventLog, sleep, startedNode } from '../../helpers/zyre-events.ts'

const PORT = 47321
const opts: ZyreOptions = { interface: 'lo', port: PORT, interval: 100, evasiveTimeout: 2000, expiredTimeout: 10000 }

const node = (t: { teardown(fn: () => unknown): void }, extra: ZyreOptions = {}) => startedNode(t, { ...opts, ...extra })

async function udpSocket(t: { teardown(fn: () => unknown): void }, port = 0): Promise<dgram.Socket> {
  const udp = dgram.createSocket({ type: 'udp4', reuseAddr: true })
  await new Promise<void>((resolve) => udp.bind(port, port === 0 ? '127.0.0.1' : undefined, resolve))
  udp.setBroadcast(true)
  t.teardown(() => udp.close())
  return udp
}

function sendBeacon(udp: dgram.Socket, uuid: Buffer, port: number, publicKey?: Buffer): Promise<void> {
  const payload = encodeBeacon({ uuid, port, ...(publicKey && { publicKey }) })
  return new Promise((resolve, reject) => udp.send(payload, PORT, '127.255.255.255', (err) => (err ? reject(err) : resolve())))
}

t.test('two nodes with keys: ENTER with each other’s key, whisper, shout, EXIT on stop', async (t) => {
  const keysA = curveKeyPair()
  const keysB = curveKeyPair()
  const a = await node(t, { name: 'a', curve: keysA })
  const b = await node(t, { name: 'b', curve: { secretKey: z85Decode(keysB.secretKey) } })
  t.equal(a.zyre.publicKey, keysA.publicKey)
  t.equal(b.zyre.publicKey, keysB.publicKey, 'the public key is derived from a raw secret key')
  const enterB = await a.log.wait('ENTER', (e) => e.peer === b.zyre.uuid)
  const enterA = await b.log.wait('ENTER', (e) => e.peer === a.zyre.uuid)
  t.equal(enterB.headers.get('X-PUBLICKEY'), keysB.publicKey)
  t.equal(enterA.headers.get('X-PUBLICKEY'), keysA.publicKey)
  t.equal(a.zyre.peerHeaderValue(b.zyre.uuid, 'X-PUBLICKEY'), keysB.publicKey)

  await a.zyre.whisper(b.zyre.uuid, 'secret', Buffer.from([0, 0xff]), '')
  const w = await b.log.wait('WHISPER')
  t.same(w.content, [Buffer.from('secret'), Buffer.from([0, 0xff]), Buffer.alloc(0)])
  a.zyre.join('VAULT')
  await b.log.wait('JOIN', (e) => e.group === 'VAULT')
  await b.zyre.shout('VAULT', 'to the group')
  const s = await a.log.wait('SHOUT')
  t.same(s.content.map(String), ['to the group'])
  await b.zyre.stop()
  await a.log.wait('EXIT', (e) => e.peer === b.zyre.uuid, 3000)
  t.same([...a.warnings, ...b.warnings], [], 'no warnings')
})

t.test('nodes with and without keys ignore each other; nodes alike meet', async (t) => {
  const secure1 = await node(t, { name: 's1', curve: curveKeyPair() })
  const plain1 = await node(t, { name: 'p1' })
  const secure2 = await node(t, { name: 's2', curve: curveKeyPair() })
  const plain2 = await node(t, { name: 'p2' })
  await secure1.log.wait('ENTER', (e) => e.peer === secure2.zyre.uuid)
  await plain1.log.wait('ENTER', (e) => e.peer === plain2.zyre.uuid)
  await sleep(600) // six more beacon rounds
  const names = (l: EventLog): string[] => l.of('ENTER').map((e) => e.name).sort()
  t.same(names(secure1.log), ['s2'])
  t.same(names(secure2.log), ['s1'])
  t.same(names(plain1.log), ['p2'])
  t.same(names(plain2.log), ['p1'])
})

t.test('the beacon is version 3 with our public key, also the port-0 one on stop', async (t) => {
  const listener = await udpSocket(t, PORT)
  const heard: Buffer[] = []
  listener.on('message', (m) => heard.push(m))
  const keys = curveKeyPair()
  const zyre = new Zyre({ ...opts, curve: keys })
  await zyre.start()
  const uuid = Buffer.from(zyre.uuid, 'hex')
  const ours = (): Buffer[] => heard.filter((m) => m.subarray(4, 20).equals(uuid))
  for (let i = 0; i < 100 && ours().length === 0; i++) await sleep(20)
  const first = ours()[0]!
  t.equal(first.length, 54)
  t.same([...first.subarray(0, 4)], [0x5a, 0x52, 0x45, 0x03])
  t.equal(first.readUInt16BE(20), Number(/:(\d+)$/.exec(zyre.endpoint)![1]))
  t.same(first.subarray(22), z85Decode(keys.publicKey))
  await zyre.stop()
  for (let i = 0; i < 100 && !ours().some((m) => m.readUInt16BE(20) === 0); i++) await sleep(20)
  const leaving = ours().find((m) => m.readUInt16BE(20) === 0)!
  t.equal(leaving.length, 54)
  t.same(leaving.subarray(22), z85Decode(keys.publicKey))
})

t.test('against libzmq CURVE sockets: a peer beaconing its key is dialled with it; its HELLO with X-PUBLICKEY lets it in', async (t) => {
  const { zyre, log, warnings } = await node(t, { name: 'real', curve: curveKeyPair() })
  const fakeKeys = zmq.curveKeyPair()
  const fake = await new FakeZrePeer(randomBytes(16), fakeKeys).bind()
  t.teardown(() => fake.close())
  const udp = await udpSocket(t)
  await sendBeacon(udp, fake.uuid, fake.port, z85Decode(fakeKeys.publicKey))
  const hello = await fake.waitFor((m) => m.type === 'HELLO')
  t.equal(hello.type === 'HELLO' && hello.headers.get('X-PUBLICKEY'), zyre.publicKey, 'our HELLO came through libzmq CURVE with our key')

  fake.connect(zyre.endpoint, 1, zyre.publicKey)
  await fake.hello({ name: 'libzmq', headers: new Map([['X-PUBLICKEY', fakeKeys.publicKey]]) })
  const enter = await log.wait('ENTER', (e) => e.peer === fake.id)
  t.equal(enter.name, 'libzmq')
  await fake.send({ type: 'WHISPER', content: [Buffer.from('over curve')] })
  t.same((await log.wait('WHISPER')).content.map(String), ['over curve'])
  await zyre.whisper(fake.id, 'back', 'again')
  const back = await fake.waitFor((m) => m.type === 'WHISPER')
  t.same(back.type === 'WHISPER' && back.content.map(String), ['back', 'again'])
  t.same(warnings, [])
})

t.test('a HELLO without X-PUBLICKEY is ignored with a warning, as the C node ignores it', async (t) => {
  const { zyre, log, warnings } = await node(t, { name: 'real', curve: curveKeyPair() })
  const fakeKeys = zmq.curveKeyPair()
  const fake = await new FakeZrePeer(randomBytes(16), fakeKeys).bind()
  t.teardown(() => fake.close())
  fake.connect(zyre.endpoint, 1, zyre.publicKey)
  await fake.hello({ name: 'keyless' })
  for (let i = 0; i < 100 && warnings.length === 0; i++) await sleep(20)
  t.equal(warnings[0]?.code, ZyreErrorCode.BAD_MESSAGE)
  t.match(warnings[0]?.message, /X-PUBLICKEY/)
  await fake.send({ type: 'WHISPER', content: [Buffer.from('ignored')] })
  await fake.hello({ name: 'bad key', headers: new Map([['X-PUBLICKEY', 'not a key']]) })
  await sleep(300)
  t.same(log.of('ENTER'), [], 'no ENTER')
  t.same(log.of('WHISPER'), [], 'nothing before a good HELLO')
  t.same(zyre.peers(), [])
  t.equal(warnings.length, 2, 'a malformed key is no key')
})

t.test('key-less traffic: version 1 beacons are not dialled, a NULL-security DEALER gets nothing in', async (t) => {
  const { zyre, log } = await node(t, { name: 'real', curve: curveKeyPair() })
  const plain = await new FakeZrePeer().bind()
  t.teardown(() => plain.close())
  const udp = await udpSocket(t)
  await sendBeacon(udp, plain.uuid, plain.port)
  plain.connect(zyre.endpoint)
  await plain.hello({ name: 'plain', headers: new Map([['X-PUBLICKEY', curveKeyPair().publicKey]]) })
  await sleep(500)
  t.same(plain.received, [], 'we never dialled the version 1 beacon')
  t.same(log.of('ENTER'), [], 'the NULL-security HELLO never got through')

  // A peer that then shows up properly still gets in: the failed handshake harmed nothing.
  const goodKeys = zmq.curveKeyPair()
  const good = await new FakeZrePeer(randomBytes(16), goodKeys).bind()
  t.teardown(() => good.close())
  good.connect(zyre.endpoint, 1, zyre.publicKey)
  await good.hello({ name: 'good', headers: new Map([['X-PUBLICKEY', goodKeys.publicKey]]) })
  await log.wait('ENTER', (e) => e.peer === good.id)
})

t.test('a beacon with the wrong key: the CURVE handshake fails, nothing crashes, no ENTER', async (t) => {
  const trace: string[] = []
  const { zyre, log } = await node(t, { name: 'real', curve: curveKeyPair(), logger: (line) => trace.push(line) })
  const fake = await new FakeZrePeer(randomBytes(16), zmq.curveKeyPair()).bind()
  t.teardown(() => fake.close())
  const udp = await udpSocket(t)
  await sendBeacon(udp, fake.uuid, fake.port, z85Decode(zmq.curveKeyPair().publicKey))
  await sleep(500)
  t.same(fake.received, [], 'libzmq let no HELLO through')
  t.same(log.of('ENTER'), [])
  t.ok(zyre.peers().length === 0)
  const failures = trace.filter((l) => l.startsWith(`peer ${fake.id}: CURVE handshake with`))
  t.equal(failures.length, 1, 'the failed handshake is traced once, not at every retry')
})

t.test('curve.authenticate decides which peers may connect to us', async (t) => {
  const allowed = curveKeyPair()
  const asked: string[] = []
  const trace: string[] = []
  const gate = await node(t, {
    name: 'gate',
    logger: (line) => trace.push(line),
    curve: {
      ...curveKeyPair(),
      authenticate: (req) => {
        asked.push(req.publicKey)
        return req.publicKey === allowed.publicKey
      },
    },
  })
  const friend = await node(t, { name: 'friend', curve: allowed })
  const stranger = await node(t, { name: 'stranger', curve: curveKeyPair() })
  await gate.log.wait('ENTER', (e) => e.peer === friend.zyre.uuid)
  await sleep(500)
  t.same(gate.log.of('ENTER').map((e) => e.name), ['friend'], 'the stranger’s HELLO never reached us')
  t.ok(asked.includes(stranger.zyre.publicKey!), 'the stranger was asked about')
  t.ok(asked.every((k) => k === allowed.publicKey || k === stranger.zyre.publicKey))
  t.equal(trace.filter((l) => /^CURVE handshake with .* failed/.test(l)).length, 1, 'the refusal is traced, once for the stranger’s retries')
})

t.test('bad key options are a ZYRE_BAD_ARGUMENT at construction', async (t) => {
  const keys = curveKeyPair()
  const bad: ZyreOptions['curve'][] = [
    { secretKey: 'short' },
    { secretKey: Buffer.alloc(31) },
    { secretKey: keys.secretKey, publicKey: curveKeyPair().publicKey },
    { secretKey: keys.secretKey, authenticate: 'yes' as unknown as () => boolean },
  ]
  for (const curve of bad) {
    t.throws(() => new Zyre({ ...opts, curve }), { code: ZyreErrorCode.BAD_ARGUMENT })
  }
  t.doesNotThrow(() => new Zyre({ ...opts, curve: { secretKey: keys.secretKey, publicKey: z85Decode(keys.publicKey) } }))
  t.equal(new Zyre({ ...opts, curve: keys, headers: { 'X-PUBLICKEY': 'mine' } }).publicKey, keys.publicKey)
})
