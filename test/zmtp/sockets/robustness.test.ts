// maxMessageSize against our own Dealer, and the events observer as an async iterable. (Hostile
// raw input against a live socket is in test/zmtp/bad-input.test.ts and fuzz.test.ts.)
import t from 'tap'
import { Dealer, Router } from '../../../zmtp/index.ts'
import type { SocketEvent } from '../../../zmtp/index.ts'
import { nextEvent, recv } from '../../helpers/zmtp.ts'

t.test('maxMessageSize: a peer sending a bigger message is disconnected, smaller ones pass', async (t) => {
  const r = new Router({ linger: 0, maxMessageSize: 1000 })
  await r.bind('tcp://127.0.0.1:*')
  const d = new Dealer({ linger: 0, routingId: 'd', reconnectInterval: -1 })
  t.teardown(() => (r.close(), d.close()))
  d.connect(r.lastEndpoint!)
  await d.send(Buffer.alloc(900))
  t.equal((await recv(r))[1]!.length, 900)
  const gone = nextEvent(r, 'disconnect')
  await d.send(Buffer.alloc(2000))
  t.equal((await gone).error?.code, 'ZMTP_FRAME_TOO_LARGE', 'a single frame over the limit is refused from its header')
})

t.test('events observer as an async iterable (zeromq.js style)', async (t) => {
  const r = new Router({ linger: 0 })
  const seen: SocketEvent['type'][] = []
  const done = (async () => {
    for await (const e of r.events) seen.push(e.type)
  })()
  await r.bind('tcp://127.0.0.1:*')
  const d = new Dealer({ linger: 0 })
  d.connect(r.lastEndpoint!)
  await d.send('x')
  await recv(r)
  r.close()
  d.close()
  await done
  t.same(seen, ['bind', 'accept', 'handshake', 'close', 'disconnect', 'end'])
})

t.test('options: every documented option is taken; unknown names and internals are refused', async (t) => {
  const opts = { linger: 0, routingId: 'r', mandatory: true, handover: true, handshakeInterval: 500, backlog: 10 }
  const r = new Router(opts)
  t.teardown(() => r.close())
  t.equal(r.mandatory, true)
  t.equal(r.handshakeTimeout, 500, 'zeromq.js spelling')
  const XPub = (await import('../../../zmtp/index.ts')).XPublisher
  const x = new XPub({ linger: 0, verbosity: 'allSubs', noDrop: true })
  t.teardown(() => x.close())
  t.equal(x.verbosity, 'allSubs')
  for (const bad of ['lingr', 'events', 'pipes', 'endpoints', 'closed', 'type']) {
    t.throws(() => new Dealer({ [bad]: 1 } as object), { code: 'EINVAL' }, `${bad} refused`)
  }
  t.throws(() => new Dealer({ mandatory: true } as object), { code: 'EINVAL' }, "a ROUTER option on a DEALER is refused")
})
