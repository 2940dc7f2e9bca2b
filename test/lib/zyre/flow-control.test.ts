// Flow control. A peer that stops reading fills its bounded send queue; the node then cuts off
// that peer alone (a QUEUE_FULL warning, later sends fail with a typed error) while another peer
// keeps receiving everything. A caller that awaits each whisper is paced instead: whisper()
// resolves once the peer's queue is under half its bound, so a reading peer is never cut off,
// and a peer that reads nothing holds the caller until it expires. Awaited shouts are paced by
// the group's members too, but wait for a stuck member once only (SHOUT_WAIT_MS), which is then
// cut off alone.
import t, { type Test } from 'tap'
import * as zmq from 'zeromq'
import { Zyre, ZyreError, type ZyreOptions } from '../../../lib/index.ts'
import { encode } from '../../../codecs/generated/zre-msg.ts'
import { EventLog, startedNode } from '../../helpers/zyre-events.ts'
import { binaryId } from '../../helpers/zeromq-js-sockets.ts'

const PORT = 47241

const base: ZyreOptions = { interface: 'lo', port: PORT, interval: 100, evasiveTimeout: 5000, expiredTimeout: 20000 }

const node = (t: Test, options: ZyreOptions) => startedNode(t, { ...base, ...options })

/** A peer that says HELLO to `zyre` and then reads nothing: a libzmq ROUTER that holds one message. */
async function stuckPeer(t: Test, zyre: Zyre, log: EventLog, uuidHex: string, groups: string[] = []): Promise<string> {
  const uuid = Buffer.from(uuidHex, 'hex')
  const router = new zmq.Router({ receiveHighWaterMark: 1, linger: 0 })
  await router.bind('tcp://127.0.0.1:0')
  const dealer = new zmq.Dealer({ routingId: binaryId(Buffer.concat([Buffer.from([1]), uuid])), linger: 0 })
  dealer.connect(zyre.endpoint)
  t.teardown(() => {
    dealer.close()
    router.close()
  })
  await dealer.send(encode({ type: 'HELLO', sequence: 1, endpoint: router.lastEndpoint!, groups, status: groups.length, name: 'stuck', headers: new Map() }))
  const id = uuid.toString('hex').toUpperCase()
  await log.wait('ENTER', (e) => e.peer === id)
  return id
}

t.test('a full send queue disconnects only the slow peer', async (t) => {
  const { zyre, log, warnings } = await node(t, { name: 'sender', peerQueueSize: 4 })
  const { zyre: fast, log: fastLog } = await node(t, { name: 'fast' })
  const slowId = await stuckPeer(t, zyre, log, '5105105105105105105105105105105a')
  await log.wait('ENTER', (e) => e.peer === fast.uuid)

  // Whispers not awaited one by one: nothing paces them, the queue fills.
  const chunk = Buffer.alloc(1 << 20, 1)
  const outcomes: Promise<unknown>[] = []
  for (let i = 0; i < 1000; i++) outcomes.push(zyre.whisper(slowId, chunk).then(() => 'sent', (err: unknown) => err))
  const results = await Promise.all(outcomes)
  const firstFailure = results.findIndex((r) => r !== 'sent')
  t.ok(firstFailure > 0 && firstFailure < 100, `the queue filled after ${firstFailure} MiB`)
  t.ok(results[firstFailure] instanceof ZyreError)
  t.equal((results[firstFailure] as ZyreError).code, 'ZYRE_QUEUE_FULL')
  t.ok(results.slice(firstFailure + 1).every((r) => (r as ZyreError).code === 'ZYRE_PEER_UNREACHABLE'), 'every later send fails with a typed error')
  t.ok(warnings.some((w) => w.code === 'ZYRE_QUEUE_FULL' && w.peer === slowId), 'reported as a warning naming the peer')
  await t.rejects(zyre.whisper(slowId, 'more'), { code: 'ZYRE_PEER_UNREACHABLE' }, 'so do sends after that')

  // The other peer is unaffected (paced: its own queue holds only 4 messages too).
  for (let i = 0; i < 20; i++) {
    await zyre.whisper(fast.uuid, String(i))
    await fastLog.count('WHISPER', i + 1)
  }
  t.same(fastLog.of('WHISPER').map((e) => String(e.content[0])), Array.from({ length: 20 }, (_, i) => String(i)))
})

t.test('awaited whispers are paced by a peer that reads: nothing is lost, nobody is cut off', async (t) => {
  const { zyre, log, warnings } = await node(t, { name: 'pacer', peerQueueSize: 4 })
  const { zyre: reader, log: readerLog } = await node(t, { name: 'reader' })
  await log.wait('ENTER', (e) => e.peer === reader.uuid)
  // 200 × 256 KiB: far more than the connection's write buffer plus a 4-message queue. Before
  // whisper() paced its caller, this loop never let the connection write and met the bound.
  const chunk = Buffer.alloc(256 * 1024, 2)
  for (let i = 0; i < 200; i++) await zyre.whisper(reader.uuid, chunk, String(i))
  await readerLog.count('WHISPER', 200, 20000)
  t.same(readerLog.of('WHISPER').map((e) => String(e.content[1])), Array.from({ length: 200 }, (_, i) => String(i)), 'all 200 in order')
  t.ok(readerLog.of('WHISPER').every((e) => e.content[0]!.length === chunk.length))
  t.same(warnings, [], 'no queue overflow')
  t.equal(log.of('EXIT').length, 0)
})

t.test('an awaited whisper to a peer that reads nothing waits until that peer expires', async (t) => {
  const { zyre, log } = await node(t, { name: 'waiter', peerQueueSize: 4, evasiveTimeout: 200, expiredTimeout: 1000 })
  const stuckId = await stuckPeer(t, zyre, log, '5105105105105105105105105105105b')
  const chunk = Buffer.alloc(1 << 20, 3)
  let sent = 0
  let failure: unknown
  for (; sent < 100 && failure === undefined; sent++) {
    await zyre.whisper(stuckId, chunk).catch((err: unknown) => (failure = err))
  }
  t.equal((failure as ZyreError | undefined)?.code, 'ZYRE_UNKNOWN_PEER', `after ${sent} whispers the peer is gone`)
  t.ok(sent < 100, 'the caller was held, not the queue overflowed')
  t.equal(log.of('EXIT', stuckId).length, 1, 'the peer expired (EXIT) while the caller waited')
})

t.test('awaited shouts are paced by the members that read; a stuck member is waited for once, then cut off', async (t) => {
  const { zyre, log, warnings } = await node(t, { name: 'shouter', peerQueueSize: 4 })
  const readers = [await node(t, { name: 'reader-1' }), await node(t, { name: 'reader-2' })]
  for (const r of readers) r.zyre.join('LOUD')
  for (const r of readers) await log.wait('JOIN', (e) => e.peer === r.zyre.uuid && e.group === 'LOUD')
  // 150 × 256 KiB to two in-process readers, each behind a 4-message queue.
  const chunk = Buffer.alloc(256 * 1024, 4)
  for (let i = 0; i < 150; i++) await zyre.shout('LOUD', chunk, String(i))
  for (const r of readers) {
    await r.log.count('SHOUT', 150, 20000)
    t.same(r.log.of('SHOUT').map((e) => String(e.content[1])), Array.from({ length: 150 }, (_, i) => String(i)), `${r.zyre.name}: all 150 in order`)
  }
  t.same(warnings, [], 'no member was cut off')

  // A member that reads nothing joins: the next awaited shouts wait for it once, then go on
  // without it until its queue is full and it is cut off. The readers get every shout.
  const stuckId = await stuckPeer(t, zyre, log, '5105105105105105105105105105105c', ['LOUD'])
  t.ok(zyre.peersByGroup('LOUD').includes(stuckId))
  for (let i = 150; i < 300; i++) await zyre.shout('LOUD', chunk, String(i))
  t.ok(warnings.some((w) => w.code === 'ZYRE_QUEUE_FULL' && w.peer === stuckId), 'the stuck member was cut off')
  t.notOk(warnings.some((w) => w.peer !== stuckId), 'nobody else was')
  for (const r of readers) {
    await r.log.count('SHOUT', 300, 20000)
    t.same(r.log.of('SHOUT').map((e) => String(e.content[1])), Array.from({ length: 300 }, (_, i) => String(i)), `${r.zyre.name}: all 300 in order`)
  }
})
