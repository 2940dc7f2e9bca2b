// The ZRE peer protocol as a Zyre node applies it, driven by a scripted peer on libzmq sockets:
// HELLO contents, sequence numbers (gap, repeat, wrap), commands before HELLO, a second HELLO,
// GOODBYE, ELECT/LEADER, status mismatches, PING, and malformed input on the ROUTER.
import t from 'tap'
import { Zyre, type ZyreOptions } from '../../../lib/index.ts'
import { encode } from '../../../codecs/generated/zre-msg.ts'
import { librarySockets } from '../../../lib/socket-context.ts'
import { FakeZrePeer } from '../../helpers/fake-zre-peer.ts'
import { waitFor } from '../../helpers/zmtp.ts'
import { sleep, startedNode } from '../../helpers/zyre-events.ts'

const PORT = 47221
const opts: ZyreOptions = { name: 'real', interface: 'lo', port: PORT, interval: 100, evasiveTimeout: 5000, expiredTimeout: 20000 }

async function setup(t: { teardown(fn: () => unknown): void }, extra: ZyreOptions = {}) {
  const { zyre, log, warnings } = await startedNode(t, { ...opts, ...extra })
  const fake = async (): Promise<FakeZrePeer> => {
    const f = await new FakeZrePeer().bind()
    t.teardown(() => f.close())
    f.connect(zyre.endpoint)
    return f
  }
  return { zyre, log, warnings, fake }
}

t.test('our HELLO: sequence 1, endpoint, groups, status, name and (empty) headers; then +1', async (t) => {
  const { zyre, log, fake } = await setup(t)
  zyre.join('EARLY')
  const f = await fake()
  await f.hello({ name: 'scripted', headers: new Map([['K', 'V']]) })
  const enter = await log.wait('ENTER', (e) => e.peer === f.id)
  t.equal(enter.name, 'scripted')
  t.same([...enter.headers], [['K', 'V']])
  t.equal(enter.address, f.endpoint)
  const hello = await f.waitFor((m) => m.type === 'HELLO')
  t.match(hello, { type: 'HELLO', sequence: 1, endpoint: zyre.endpoint, groups: ['EARLY'], status: 1, name: 'real' })
  t.ok(hello.type === 'HELLO' && hello.headers instanceof Map && hello.headers.size === 0, 'headers sent even when empty')
  zyre.join('LATE')
  await zyre.whisper(f.id, 'w')
  const join = await f.waitFor((m) => m.type === 'JOIN')
  t.match(join, { sequence: 2, group: 'LATE', status: 2 })
  const whisper = await f.waitFor((m) => m.type === 'WHISPER')
  t.equal(whisper.sequence, 3)
})

t.test('each new peer gets a HELLO with our groups and status as they are when it arrives', async (t) => {
  const { zyre, log, fake } = await setup(t)
  const first = await fake()
  await first.hello({ name: 'first' })
  await log.wait('ENTER', (e) => e.peer === first.id)
  t.match(await first.waitFor((m) => m.type === 'HELLO'), { sequence: 1, groups: [], status: 0 })
  zyre.join('G1')
  zyre.join('G2')
  zyre.leave('G1')
  const second = await fake()
  await second.hello({ name: 'second' })
  t.match(await second.waitFor((m) => m.type === 'HELLO'), { sequence: 1, groups: ['G2'], status: 3, endpoint: zyre.endpoint })
  const third = await fake()
  await third.hello({ name: 'third' })
  t.match(await third.waitFor((m) => m.type === 'HELLO'), { sequence: 1, groups: ['G2'], status: 3 }, 'unchanged while nothing changed')
})

t.test('a sequence gap removes the peer; the message is not delivered', async (t) => {
  const { log, warnings, fake } = await setup(t)
  const f = await fake()
  await f.hello()
  await log.wait('ENTER', (e) => e.peer === f.id)
  await f.send({ type: 'WHISPER', content: [Buffer.from('ok')] }) // 2
  await f.send({ type: 'WHISPER', content: [Buffer.from('lost')], sequence: 4 })
  await log.wait('EXIT', (e) => e.peer === f.id)
  t.same(log.of('WHISPER').map((e) => String(e.content[0])), ['ok'])
  t.ok(warnings.some((w) => w.code === 'ZYRE_SEQUENCE'), 'reported as a sequence warning')
})

t.test('a repeated sequence number removes the peer', async (t) => {
  const { log, fake } = await setup(t)
  const f = await fake()
  await f.hello()
  await f.send({ type: 'WHISPER', content: [Buffer.from('once')] }) // 2
  await f.send({ type: 'WHISPER', content: [Buffer.from('again')], sequence: 2 })
  await log.wait('EXIT', (e) => e.peer === f.id)
  t.same(log.of('WHISPER').map((e) => String(e.content[0])), ['once'])
})

t.test('commands before HELLO from an unknown peer are ignored', async (t) => {
  const { log, fake } = await setup(t)
  const f = await fake()
  await f.send({ type: 'WHISPER', content: [Buffer.from('too early')], sequence: 1 })
  await f.send({ type: 'JOIN', group: 'G', status: 1, sequence: 2 })
  await f.hello({ groups: ['H'], status: 1 })
  await f.send({ type: 'WHISPER', content: [Buffer.from('after')] })
  await log.wait('WHISPER', (e) => e.peer === f.id)
  t.same(log.of('WHISPER').map((e) => String(e.content[0])), ['after'])
  t.same(log.of('JOIN', f.id).map((e) => e.group), ['H'], 'only the HELLO group counts')
  t.equal(log.of('EXIT').length, 0)
})

t.test('a second HELLO from a ready peer: EXIT then ENTER again', async (t) => {
  const { log, fake } = await setup(t)
  const f = await fake()
  await f.hello({ name: 'first' })
  await log.wait('ENTER', (e) => e.peer === f.id)
  await f.send({ type: 'PING' })
  await f.hello({ name: 'second' })
  await log.wait('ENTER', (e) => e.peer === f.id && e.name === 'second')
  const kinds = log.events.filter((e) => 'peer' in e && e.peer === f.id).map((e) => e.type)
  t.same(kinds, ['ENTER', 'EXIT', 'ENTER'])
})

t.test('GOODBYE removes the peer; ELECT and LEADER keep the sequence in step', async (t) => {
  const { log, fake, warnings } = await setup(t)
  const f = await fake()
  await f.hello()
  await f.send({ type: 'ELECT', group: 'G', challengerId: 'X' })
  await f.send({ type: 'LEADER', group: 'G', leaderId: 'Y' })
  await f.send({ type: 'WHISPER', content: [Buffer.from('still here')] })
  await log.wait('WHISPER', (e) => e.peer === f.id)
  t.equal(log.of('EXIT').length, 0, 'ELECT/LEADER did not break the sequence')
  await f.send({ type: 'GOODBYE' })
  await log.wait('EXIT', (e) => e.peer === f.id)
  t.equal(warnings.length, 0, 'no warnings along the way')
})

t.test('a group status mismatch is reported and survived', async (t) => {
  const { zyre, log, warnings, fake } = await setup(t)
  const f = await fake()
  await f.hello({ status: 0 })
  await f.send({ type: 'JOIN', group: 'A', status: 5 }) // expected 1
  await f.send({ type: 'JOIN', group: 'B', status: 6 }) // in step again
  await log.wait('JOIN', (e) => e.group === 'B')
  t.equal(warnings.filter((w) => w.code === 'ZYRE_STATUS_MISMATCH').length, 1)
  t.same(zyre.peersByGroup('A'), [f.id])
  t.equal(log.of('EXIT').length, 0)
})

t.test('PING is answered with PING-OK', async (t) => {
  const { log, fake } = await setup(t)
  const f = await fake()
  await f.hello()
  await log.wait('ENTER')
  const seq = await f.send({ type: 'PING' })
  t.equal(seq, 2)
  const ok = await f.waitFor((m) => m.type === 'PING_OK')
  t.equal(ok.sequence, 2, 'our HELLO was 1, PING-OK is 2')
})

t.test('garbage on the ROUTER is dropped and the node keeps working', async (t) => {
  const { log, warnings, fake } = await setup(t)
  const bad = await fake()
  await bad.sendRaw([Buffer.from('not zre at all')])
  await bad.sendRaw([Buffer.from([0xaa, 0xa5, 1, 2, 0, 1])]) // wrong signature
  await bad.sendRaw([Buffer.from([0xaa, 0xa1, 99, 2, 0, 1])]) // unknown id
  await bad.sendRaw([Buffer.from([0xaa, 0xa1, 1, 2, 0, 1, 5, 0x74])]) // truncated HELLO
  await bad.sendRaw([])
  await bad.sendRaw([Buffer.alloc(0)])
  const hello = encode({ type: 'HELLO', sequence: 1, endpoint: bad.endpoint, groups: [], status: 0, name: 'x', headers: new Map() })
  await bad.sendRaw([Buffer.concat([hello[0]!, Buffer.from([0])])]) // trailing byte
  const good = await fake()
  await good.hello({ name: 'good' })
  await log.wait('ENTER', (e) => e.peer === good.id)
  t.equal(log.of('ENTER').length, 1, 'only the good peer entered')
  t.ok(warnings.filter((w) => w.code === 'ZYRE_BAD_MESSAGE').length >= 5, 'malformed messages reported')
})

t.test('a HELLO with an endpoint we cannot dial is refused with a warning, and no socket is left open for it', async (t) => {
  const { log, warnings, zyre, fake } = await setup(t)
  const openSockets = (): number => (librarySockets as unknown as { open: number }).open
  const before = openSockets()
  for (const endpoint of ['tcp://127.0.0.1:*', 'tcp://*:5670', 'inproc://x', 'no endpoint']) {
    const f = await fake()
    await f.hello({ name: 'unreachable', endpoint })
    await waitFor(() => warnings.some((w) => w.peer === f.id), 3000, `a warning about ${endpoint}`)
    t.match(warnings.find((w) => w.peer === f.id), { code: 'ZYRE_BAD_MESSAGE', message: /endpoint/ }, endpoint)
  }
  t.equal(openSockets(), before, 'no DEALER was opened (or left open) for them')
  t.same(zyre.peers(), [])
  const good = await fake()
  await good.hello({ name: 'good' })
  await log.wait('ENTER', (e) => e.peer === good.id)
  t.equal(log.of('ENTER').length, 1, 'only the peer with a usable endpoint entered')
})

t.test('a connection without the ZRE identity is ignored', async (t) => {
  const { log, warnings, zyre } = await setup(t)
  const zmq = await import('zeromq')
  const anon = new zmq.Dealer({ linger: 0 })
  t.teardown(() => anon.close())
  anon.connect(zyre.endpoint)
  await anon.send(encode({ type: 'HELLO', sequence: 1, endpoint: 'tcp://127.0.0.1:1', groups: [], status: 0, name: 'anon', headers: new Map() }))
  await new Promise<void>((resolve) => zyre.once('warning', () => resolve()))
  t.ok(warnings.some((w) => w.code === 'ZYRE_BAD_IDENTITY'))
  t.equal(log.of('ENTER').length, 0)
})

t.test("an identity with another marker byte (old pyre's '1') is accepted, as the C node does", async (t) => {
  const { log, zyre } = await setup(t)
  const f = await new FakeZrePeer().bind()
  t.teardown(() => f.close())
  f.connect(zyre.endpoint, 0x31)
  await f.hello({ name: 'old-pyre' })
  const enter = await log.wait('ENTER', (e) => e.peer === f.id)
  t.equal(enter.name, 'old-pyre')
})

t.test('whisper and shout with no content send one empty frame (pyre and C need a frame)', async (t) => {
  const { zyre, log, fake } = await setup(t)
  const f = await fake()
  await f.hello({ groups: ['G'] })
  await log.wait('JOIN', (e) => e.peer === f.id)
  await zyre.whisper(f.id)
  await zyre.shout('G')
  const w = await f.waitFor((m) => m.type === 'WHISPER')
  const s = await f.waitFor((m) => m.type === 'SHOUT')
  t.same(w.type === 'WHISPER' && w.content, [Buffer.alloc(0)])
  t.same(s.type === 'SHOUT' && s.content, [Buffer.alloc(0)])
})

t.test('a header name too long for HELLO is refused up front', async (t) => {
  t.throws(() => new Zyre({ ...opts, headers: { ['k'.repeat(256)]: 'v' } }), { code: 'ZYRE_BAD_ARGUMENT' })
  t.doesNotThrow(() => new Zyre({ ...opts, headers: { ['k'.repeat(255)]: 'v' } }))
})

t.test('sequence numbers wrap at 2^16 both ways', async (t) => {
  // A queue big enough that the burst below never counts as a slow peer.
  const { zyre, log, fake } = await setup(t, { peerQueueSize: 100_000 })
  const f = await fake()
  await f.hello()
  await log.wait('ENTER')
  const total = 65540
  for (let i = 0; i < total; i++) await f.send({ type: 'WHISPER', content: [Buffer.from([i & 0xff])] })
  await log.count('WHISPER', total, 60000)
  t.equal(log.of('EXIT').length, 0, 'the 65535 -> 0 step is in sequence')
  for (let i = 0; i < total; i++) await zyre.whisper(f.id, 'x')
  const whispers = () => f.received.filter((m) => m.type === 'WHISPER').length
  for (const deadline = Date.now() + 60000; whispers() < total && Date.now() < deadline; ) await sleep(20)
  const seqs = f.received.filter((m) => m.type === 'WHISPER').map((m) => m.sequence)
  t.equal(seqs.length, total)
  t.equal(seqs[65533], 65535)
  t.equal(seqs[65534], 0)
  t.ok(seqs.every((s, i) => s === (i + 2) % 65536), 'every number in order')
})

t.test('maxMessageSize: a peer sending more is cut off and then removed; other peers unaffected', async (t) => {
  const { log, warnings, fake } = await setup(t, { maxMessageSize: 4096 })
  const big = await fake()
  await big.hello({ name: 'big' })
  await log.wait('ENTER', (e) => e.peer === big.id)
  const good = await fake()
  await good.hello({ name: 'good' })
  await log.wait('ENTER', (e) => e.peer === good.id)
  await big.send({ type: 'WHISPER', content: [Buffer.alloc(3000)] }) // 2: within the limit
  await log.wait('WHISPER', (e) => e.peer === big.id)
  await big.send({ type: 'WHISPER', content: [Buffer.alloc(10_000)] }) // 3: over it, its connection is dropped
  // libzmq reconnects the peer's DEALER; its next message is out of sequence, so the peer goes.
  await sleep(300)
  await big.send({ type: 'WHISPER', content: [Buffer.from('after')] }) // 4
  await log.wait('EXIT', (e) => e.peer === big.id)
  t.ok(warnings.some((w) => w.code === 'ZYRE_SEQUENCE' && w.peer === big.id), 'reported as a sequence break')
  t.same(log.of('WHISPER', big.id).map((e) => e.content[0]!.length), [3000], 'only the message within the limit arrived')
  await good.send({ type: 'WHISPER', content: [Buffer.from('still here')] })
  const w = await log.wait('WHISPER', (e) => e.peer === good.id)
  t.equal(String(w.content[0]), 'still here')
})
