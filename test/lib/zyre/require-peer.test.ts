// requirePeer (the C node's zyre_require_peer): nodes that cannot discover each other (each on a
// beacon port of its own, so no beacon ever reaches the other) meet by being told an id and an
// endpoint: ours with ours (plain and with CURVE keys) and ours with zyre.js, an independent ZRE
// implementation that learns of us only from our HELLO. Bad arguments are refused.
import t from 'tap'
import { createServer } from 'node:net'
import { curveKeyPair, Zyre, type ZyreOptions } from '../../../lib/index.ts'
import { sleep, startedNode } from '../../helpers/zyre-events.ts'
import { loadZyreJs } from '../../helpers/zyre-js.ts'

// One beacon port per node: 47351, 47352, ... (never shared, so nothing is discovered).
let nextPort = 47351
const alone = (name: string, extra: ZyreOptions = {}): ZyreOptions => ({
  name, interface: 'lo', port: nextPort++, interval: 100, evasiveTimeout: 200, expiredTimeout: 1000, ...extra,
})

t.test('two nodes that cannot discover each other meet through requirePeer', async (t) => {
  const a = await startedNode(t, alone('RA'))
  const b = await startedNode(t, alone('RB'))
  await sleep(300)
  t.same([a.zyre.peers(), b.zyre.peers()], [[], []], 'no discovery across beacon ports')
  a.zyre.requirePeer(b.zyre.uuid.toLowerCase(), b.zyre.endpoint)
  const [enterB, enterA] = await Promise.all([a.log.wait('ENTER', (e) => e.peer === b.zyre.uuid), b.log.wait('ENTER', (e) => e.peer === a.zyre.uuid)])
  t.equal(enterB.name, 'RB')
  t.equal(enterA.name, 'RA', 'the required peer dials back from our HELLO')
  a.zyre.join('G')
  b.zyre.join('G')
  await a.log.wait('JOIN', (e) => e.peer === b.zyre.uuid)
  await b.log.wait('JOIN', (e) => e.peer === a.zyre.uuid)
  await a.zyre.shout('G', 'to the group')
  await b.zyre.whisper(a.zyre.uuid, 'back')
  t.equal(String((await b.log.wait('SHOUT')).content[0]), 'to the group')
  t.equal(String((await a.log.wait('WHISPER')).content[0]), 'back')
  a.zyre.requirePeer(b.zyre.uuid, b.zyre.endpoint)
  await sleep(200)
  t.equal(a.log.of('ENTER').length, 1, 'requiring a known peer again changes nothing')
  await b.zyre.stop()
  await a.log.wait('EXIT', (e) => e.peer === b.zyre.uuid)
  t.pass('and it leaves as a discovered peer would')
})

t.test('the require option meets the nodes it names once started, and refuses bad ones at construction', async (t) => {
  const b = await startedNode(t, alone('OB'))
  const a = await startedNode(t, alone('OA', { require: [{ peer: b.zyre.uuid, endpoint: b.zyre.endpoint }] }))
  await Promise.all([a.log.wait('ENTER', (e) => e.peer === b.zyre.uuid), b.log.wait('ENTER', (e) => e.peer === a.zyre.uuid)])
  t.pass('met on start')
  t.throws(() => new Zyre(alone('OX', { require: [{ peer: 'nope', endpoint: b.zyre.endpoint }] })), { code: 'ZYRE_BAD_ARGUMENT' })
  t.throws(() => new Zyre(alone('OY', { require: [{ peer: b.zyre.uuid, endpoint: b.zyre.endpoint, publicKey: curveKeyPair().publicKey }] })), { code: 'ZYRE_BAD_ARGUMENT', message: /CURVE/ })
})

t.test('with CURVE keys: the peer public key is needed, and given, they meet encrypted', async (t) => {
  const keysA = curveKeyPair()
  const keysB = curveKeyPair()
  const a = await startedNode(t, alone('CA', { curve: { secretKey: keysA.secretKey } }))
  const b = await startedNode(t, alone('CB', { curve: { secretKey: keysB.secretKey } }))
  t.throws(() => a.zyre.requirePeer(b.zyre.uuid, b.zyre.endpoint), { code: 'ZYRE_BAD_ARGUMENT', message: /CURVE key/ }, 'no key: refused')
  t.throws(() => a.zyre.requirePeer(b.zyre.uuid, b.zyre.endpoint, 'x'.repeat(39)), { code: 'ZYRE_BAD_ARGUMENT' }, 'not a Z85 key: refused')
  a.zyre.requirePeer(b.zyre.uuid, b.zyre.endpoint, b.zyre.publicKey)
  const enter = await a.log.wait('ENTER', (e) => e.peer === b.zyre.uuid)
  t.equal(enter.headers.get('X-PUBLICKEY'), keysB.publicKey)
  await b.log.wait('ENTER', (e) => e.peer === a.zyre.uuid)
  await a.zyre.whisper(b.zyre.uuid, 'secret')
  t.equal(String((await b.log.wait('WHISPER')).content[0]), 'secret')
})

t.test('bad arguments and a node not started', async (t) => {
  const idle = new Zyre(alone('IDLE'))
  t.throws(() => idle.requirePeer('0'.repeat(32), 'tcp://127.0.0.1:1'), { code: 'ZYRE_NOT_STARTED' })
  const a = await startedNode(t, alone('BAD'))
  const cases: [string, string, string | undefined, string][] = [
    ['not-an-id', 'tcp://127.0.0.1:1', undefined, 'an id that is not 32 hex digits'],
    ['0'.repeat(31), 'tcp://127.0.0.1:1', undefined, 'an id one digit short'],
    ['0'.repeat(32), 'nowhere', undefined, 'an endpoint that is not one'],
    ['0'.repeat(32), 'tcp://127.0.0.1:*', undefined, 'a bind-side endpoint (ephemeral port)'],
    ['0'.repeat(32), 'tcp://*:5670', undefined, 'a bind-side endpoint (any interface)'],
    ['0'.repeat(32), 'ipc://*', undefined, 'a bind-side ipc endpoint'],
    [a.zyre.uuid, 'tcp://127.0.0.1:1', undefined, 'our own id'],
    ['0'.repeat(32), 'tcp://127.0.0.1:1', curveKeyPair().publicKey, 'a key when we have none'],
  ]
  for (const [id, endpoint, key, what] of cases) t.throws(() => a.zyre.requirePeer(id, endpoint, key), { code: 'ZYRE_BAD_ARGUMENT' }, what)
  // A peer that never answers is dropped when it expires, without an ENTER or EXIT.
  const closed = createServer()
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
  const port = (closed.address() as { port: number }).port
  await new Promise<void>((r) => closed.close(() => r()))
  a.zyre.requirePeer('A'.repeat(32), `tcp://127.0.0.1:${port}`)
  await sleep(1500)
  t.same([a.log.of('ENTER').length, a.log.of('EXIT').length], [0, 0], 'nothing reported for a peer that never answered')
  t.same(a.zyre.peers(), [])
})

t.test('zyre.js meets us from our HELLO alone', async (t) => {
  const ZyreJs = loadZyreJs()
  // A free TCP port for its ROUTER (zyre.js takes a fixed one).
  const probe = createServer()
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
  const routerPort = (probe.address() as { port: number }).port
  await new Promise<void>((r) => probe.close(() => r()))
  const theirs = new ZyreJs({ name: 'zyrejs', iface: 'lo', port: routerPort, bport: nextPort++, binterval: 100, evasive: 2000, expired: 10000 })
  const connected: string[] = []
  const whispers: string[] = []
  theirs.on('connect', (id) => connected.push(id.toUpperCase()))
  theirs.on('whisper', (_id, _name, message) => whispers.push(String(message)))
  await theirs.start()
  let theirsRunning = true
  t.teardown(() => (theirsRunning ? theirs.stop() : undefined))
  // zyre.js' stop() sometimes never returns when traffic reaches its ROUTER while it unbinds
  // (zeromq.js unbinds on a pool thread while its main thread may be reading: seen here about
  // once in five runs). So our node stays quiet (no PING within the test), and zyre.js is stopped
  // only once our whisper has been taken and things have settled.
  const ours = await startedNode(t, alone('TS', { evasiveTimeout: 5000, expiredTimeout: 10000 }))
  const theirId = theirs.getIdentity().toUpperCase()
  ours.zyre.requirePeer(theirId, `tcp://127.0.0.1:${routerPort}`)
  const enter = await ours.log.wait('ENTER', (e) => e.peer === theirId)
  t.equal(enter.name, 'zyrejs')
  const deadline = Date.now() + 5000
  while (!connected.includes(ours.zyre.uuid) && Date.now() < deadline) await sleep(20)
  t.ok(connected.includes(ours.zyre.uuid), 'zyre.js reports us connected')
  await ours.zyre.whisper(theirId, 'hello zyre.js')
  while (whispers.length === 0 && Date.now() < deadline + 5000) await sleep(20)
  t.same(whispers, ['hello zyre.js'], 'zyre.js gets our whisper')
  await sleep(200)
  // zyre.js stops first, while we can still take what it sends on the way out (libzmq keeps a
  // process alive at exit while a closed socket still has messages for a peer that has gone).
  await theirs.stop()
  theirsRunning = false
})
