// Groups and messaging between real nodes: JOIN/LEAVE consistency across nodes, late joiners
// learning groups from HELLO, SHOUT and WHISPER with multi-frame content, typed API errors,
// and the async-iterator view of events.
import t from 'tap'
import { Zyre, ZyreError, type ZyreOptions } from '../../../lib/index.ts'
import { EventLog } from '../../helpers/zyre-events.ts'

const PORT = 47211
const opts = (name: string): ZyreOptions => ({ name, interface: 'lo', port: PORT, interval: 100, evasiveTimeout: 2000, expiredTimeout: 10000 })

async function started(name: string, t: { teardown(fn: () => unknown): void }): Promise<[Zyre, EventLog]> {
  const z = new Zyre(opts(name))
  const log = new EventLog(z)
  t.teardown(() => z.stop())
  await z.start()
  return [z, log]
}

t.test('join, leave, shout and whisper across three nodes', async (t) => {
  const [a, la] = await started('A', t)
  const [b, lb] = await started('B', t)
  const [c, lc] = await started('C', t)
  await Promise.all([la.count('ENTER', 2), lb.count('ENTER', 2), lc.count('ENTER', 2)])

  a.join('G1')
  b.join('G1')
  b.join('G2')
  a.join('G1') // joining twice is a no-op: no second JOIN
  await lc.until(() => c.peersByGroup('G1').length === 2 && c.peersByGroup('G2').length === 1, 10000, 'C to learn the groups')
  await la.wait('JOIN', (e) => e.peer === b.uuid && e.group === 'G2')
  await lb.wait('JOIN', (e) => e.peer === a.uuid && e.group === 'G1')
  t.same(a.ownGroups().sort(), ['G1'])
  t.same(b.ownGroups().sort(), ['G1', 'G2'])
  t.same(c.ownGroups(), [])
  t.same(a.peersByGroup('G1'), [b.uuid])
  t.same(c.peersByGroup('G1').sort(), [a.uuid, b.uuid].sort())
  t.same(c.peerGroups().sort(), ['G1', 'G2'])
  t.equal(lc.of('JOIN', a.uuid).length, 1, 'A joined G1 once as far as C can tell')

  const big = Buffer.alloc(100_000, 7)
  await a.shout('G1', 'multi', Buffer.alloc(0), big)
  const shout = await lb.wait('SHOUT', (e) => e.peer === a.uuid)
  t.equal(shout.group, 'G1')
  t.equal(shout.name, 'A')
  t.equal(shout.content.length, 3)
  t.equal(shout.content[0]!.toString(), 'multi')
  t.equal(shout.content[1]!.length, 0, 'empty frame kept')
  t.ok(shout.content[2]!.equals(big), '100 kB frame intact')

  // C is not in G1: a whisper on the same A->C connection arrives after anything sent before it.
  await a.whisper(c.uuid, 'one', 'two')
  const whisper = await lc.wait('WHISPER', (e) => e.peer === a.uuid)
  t.same(whisper.content.map(String), ['one', 'two'])
  t.equal(lc.of('SHOUT').length, 0, 'C got no shout for a group it is not in')

  b.leave('G1')
  b.leave('G1') // leaving a group we are not in is a no-op
  await la.wait('LEAVE', (e) => e.peer === b.uuid && e.group === 'G1')
  await lc.wait('LEAVE', (e) => e.peer === b.uuid && e.group === 'G1')
  t.same(a.peersByGroup('G1'), [])
  t.same(c.peersByGroup('G1'), [a.uuid])
  t.same(b.ownGroups(), ['G2'])

  // Anyone may shout to a group, member or not.
  await c.shout('G1', 'from outside')
  await la.wait('SHOUT', (e) => e.peer === c.uuid && e.content[0]!.toString() === 'from outside')
  // Shouting to a group nobody is in reaches nobody and does not fail.
  await a.shout('NOBODY', 'x')

  // A late joiner learns existing groups from HELLO.
  const [d, ld] = await started('D', t)
  await ld.until(() => d.peersByGroup('G1').length === 1 && d.peersByGroup('G2').length === 1, 10000, 'D to learn groups from HELLO')
  t.same(d.peersByGroup('G1'), [a.uuid])
  t.same(d.peersByGroup('G2'), [b.uuid])
  t.equal(lb.of('LEAVE').length, 0, 'B never saw a LEAVE from anyone')
})

t.test('API errors are typed', async (t) => {
  const z = new Zyre(opts('E'))
  t.throws(() => z.join('G'), { code: 'ZYRE_NOT_STARTED' })
  await t.rejects(() => Promise.resolve().then(() => z.shout('G', 'x')), { code: 'ZYRE_NOT_STARTED' })
  await z.start()
  t.teardown(() => z.stop())
  await t.rejects(z.whisper('00000000000000000000000000000000', 'x'), { code: 'ZYRE_UNKNOWN_PEER' })
  t.throws(() => z.join(''), { code: 'ZYRE_BAD_ARGUMENT' })
  t.throws(() => z.join('x'.repeat(256)), { code: 'ZYRE_BAD_ARGUMENT' })
  try {
    await z.whisper('nobody', 'x')
    t.fail('whisper to nobody resolved')
  } catch (err) {
    t.ok(err instanceof ZyreError, 'a ZyreError')
  }
  t.throws(() => new Zyre({ evasiveTimeout: 1000, expiredTimeout: 500 }), { code: 'ZYRE_BAD_ARGUMENT' })
  t.throws(() => new Zyre({ maxMessageSize: 0 }), { code: 'ZYRE_BAD_ARGUMENT' })
  t.throws(() => new Zyre({ maxMessageSize: 1.5 }), { code: 'ZYRE_BAD_ARGUMENT' })
})

t.test('events as an async iterator end with STOP', async (t) => {
  const a = new Zyre(opts('I1'))
  const b = new Zyre(opts('I2'))
  await a.start()
  await b.start()
  t.teardown(() => b.stop())
  const seen: string[] = []
  for await (const e of a.events()) {
    seen.push(e.type)
    if (e.type === 'ENTER' && e.peer === b.uuid) {
      await b.whisper(a.uuid, 'hi')
    }
    if (e.type === 'WHISPER') void a.stop()
  }
  t.same(seen.slice(-2), ['WHISPER', 'STOP'])
  t.ok(seen.includes('ENTER'))
})
