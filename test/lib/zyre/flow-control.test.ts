// Flow control: a peer that stops reading fills its bounded send queue; the node then cuts off
// that peer alone (a QUEUE_FULL warning, later sends fail with a typed error) while another peer
// keeps receiving everything.
import t from 'tap'
import * as zmq from 'zeromq'
import { Zyre, ZyreError } from '../../../lib/index.ts'
import { encode } from '../../../codecs/generated/zre-msg.ts'
import { EventLog } from '../../helpers/zyre-events.ts'
import { binaryId } from '../../helpers/zeromq-js-sockets.ts'

const PORT = 47241

t.test('a full send queue disconnects only the slow peer', async (t) => {
  const zyre = new Zyre({ name: 'sender', interface: 'lo', port: PORT, interval: 100, evasiveTimeout: 5000, expiredTimeout: 20000, peerQueueSize: 4 })
  const log = new EventLog(zyre)
  const warnings: ZyreError[] = []
  zyre.on('warning', (w) => warnings.push(w))
  await zyre.start()
  t.teardown(() => zyre.stop())

  const fast = new Zyre({ name: 'fast', interface: 'lo', port: PORT, interval: 100, evasiveTimeout: 5000, expiredTimeout: 20000 })
  const fastLog = new EventLog(fast)
  await fast.start()
  t.teardown(() => fast.stop())

  // The slow peer: a libzmq ROUTER that holds one message and is never read, so TCP backs up.
  const slowUuid = Buffer.from('5105105105105105105105105105105a', 'hex')
  const slowId = slowUuid.toString('hex').toUpperCase()
  const slowRouter = new zmq.Router({ receiveHighWaterMark: 1, linger: 0 })
  await slowRouter.bind('tcp://127.0.0.1:0')
  const slowDealer = new zmq.Dealer({ routingId: binaryId(Buffer.concat([Buffer.from([1]), slowUuid])), linger: 0 })
  slowDealer.connect(zyre.endpoint)
  t.teardown(() => {
    slowDealer.close()
    slowRouter.close()
  })
  await slowDealer.send(encode({ type: 'HELLO', sequence: 1, endpoint: slowRouter.lastEndpoint!, groups: [], status: 0, name: 'slow', headers: new Map() }))
  await log.wait('ENTER', (e) => e.peer === slowId)
  await log.wait('ENTER', (e) => e.peer === fast.uuid)

  const chunk = Buffer.alloc(1 << 20, 1)
  let rejected: unknown
  let sent = 0
  for (; sent < 1000 && rejected === undefined; sent++) {
    await zyre.whisper(slowId, chunk).catch((err: unknown) => (rejected = err))
  }
  t.ok(rejected instanceof ZyreError, `a send failed after ${sent} MiB`)
  t.equal((rejected as ZyreError).code, 'ZYRE_QUEUE_FULL')
  t.ok(sent < 1000, 'the queue filled up long before 1000 messages')
  t.ok(warnings.some((w) => w.code === 'ZYRE_QUEUE_FULL' && w.peer === slowId), 'reported as a warning naming the peer')
  await t.rejects(zyre.whisper(slowId, 'more'), { code: 'ZYRE_PEER_UNREACHABLE' }, 'later sends fail with a typed error')

  // The other peer is unaffected (paced: its own queue holds only 4 messages too).
  for (let i = 0; i < 20; i++) {
    await zyre.whisper(fast.uuid, String(i))
    await fastLog.count('WHISPER', i + 1)
  }
  t.same(fastLog.of('WHISPER').map((e) => String(e.content[0])), Array.from({ length: 20 }, (_, i) => String(i)))
})
