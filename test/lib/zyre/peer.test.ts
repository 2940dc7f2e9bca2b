// One peer's bookkeeping, without sockets: incoming sequence numbers (RFC 36, plus the modulo
// 65535 step pyre and zyre.js take), the order of presence states, and sends that cannot be encoded.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import type { ZreMsg } from '../../../codecs/generated/zre-msg.ts'
import { Peer, type Outgoing } from '../../../lib/zyre/peer.ts'
import type { DealerLike, SocketFactory } from '../../../lib/zyre/sockets.ts'

const hello = (sequence: number): ZreMsg => ({ type: 'HELLO', sequence, endpoint: 'tcp://127.0.0.1:1', groups: [], status: 0, name: 'p', headers: new Map() })
const ping = (sequence: number): ZreMsg => ({ type: 'PING', sequence })

t.test('sequence: HELLO is 1, then +1 through 65535 -> 0', async (t) => {
  const p = new Peer(randomBytes(16))
  t.ok(p.checkSequence(hello(1)))
  let ok = true
  for (let s = 2; s <= 65535; s++) ok &&= p.checkSequence(ping(s))
  t.ok(ok, '2 .. 65535 in order')
  t.ok(p.checkSequence(ping(0)), '0 after 65535')
  t.ok(p.checkSequence(ping(1)), '1 after 0')
})

t.test('sequence: 0 right after 65534 (pyre, zyre.js count modulo 65535) is accepted', async (t) => {
  const p = new Peer(randomBytes(16))
  p.checkSequence(hello(1))
  for (let s = 2; s <= 65534; s++) p.checkSequence(ping(s))
  t.ok(p.checkSequence(ping(0)), '65534 -> 0')
  t.ok(p.checkSequence(ping(1)), 'and on from 0')
})

t.test('sequence: gaps, repeats and a HELLO not numbered 1 are refused', async (t) => {
  const gap = new Peer(randomBytes(16))
  gap.checkSequence(hello(1))
  t.notOk(gap.checkSequence(ping(3)), 'gap')
  const repeat = new Peer(randomBytes(16))
  repeat.checkSequence(hello(1))
  repeat.checkSequence(ping(2))
  t.notOk(repeat.checkSequence(ping(2)), 'repeat')
  t.notOk(new Peer(randomBytes(16)).checkSequence(hello(2)), 'HELLO numbered 2')
  const early = new Peer(randomBytes(16))
  early.checkSequence(hello(1))
  t.notOk(early.checkSequence(ping(0)), '0 is only accepted after 65534')
})

t.test('presence: EVASIVE before SILENT even when checked late, then EXPIRED', async (t) => {
  const p = new Peer(randomBytes(16))
  p.refresh(0, { evasiveTimeout: 100, silentTimeout: 50, expiredTimeout: 1000 })
  t.equal(p.presenceAt(99), undefined)
  t.equal(p.presenceAt(500), 'evasive', 'first check after both deadlines: evasive')
  t.equal(p.presenceAt(500), 'silent', 'then silent')
  t.equal(p.presenceAt(600), undefined, 'each once')
  t.equal(p.presenceAt(1000), 'expired')
  p.refresh(1000, { evasiveTimeout: 100, silentTimeout: 50, expiredTimeout: 1000 })
  t.equal(p.presenceAt(1100), 'evasive', 'traffic resets it all')
})

t.test('a message the codec cannot carry rejects, sends nothing and keeps the sequence', async (t) => {
  const sent: Buffer[][] = []
  const dealer: DealerLike = { connect() {}, send: async (f) => void sent.push(f), close() {} }
  const factory: SocketFactory = { dealer: () => dealer, router: () => { throw new Error('unused') } }
  const p = new Peer(randomBytes(16))
  p.connect(factory, randomBytes(16), 'tcp://127.0.0.1:1', 10)
  const bad: Outgoing = { type: 'HELLO', endpoint: 'tcp://127.0.0.1:2', groups: [], status: 0, name: 'x', headers: new Map([['k'.repeat(300), 'v']]) }
  await t.rejects(p.send(bad), { code: 'ZYRE_BAD_ARGUMENT' })
  t.equal(sent.length, 0)
  await p.send({ type: 'PING' })
  t.equal(sent.length, 1)
  t.equal(sent[0]![0]!.readUInt16BE(4), 1, 'the next message still carries sequence 1')
})

t.test('a DEALER whose connect() throws is closed, and the peer stays unconnected', async (t) => {
  let closed = 0
  const dealer: DealerLike = {
    connect() {
      throw new Error('refused')
    },
    send: async () => undefined,
    close: () => void closed++,
  }
  const factory: SocketFactory = { dealer: () => dealer, router: () => { throw new Error('unused') } }
  const p = new Peer(randomBytes(16))
  t.throws(() => p.connect(factory, randomBytes(16), 'tcp://127.0.0.1:1', 10), { message: 'refused' })
  t.equal(closed, 1, 'closed once')
  t.notOk(p.connected)
})
