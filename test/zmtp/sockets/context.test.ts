// Context and the global context, as zeromq.js has them: the same defaults, linger and ipv6 given
// to new sockets, maxSockets enforced with EMFILE (checked against zeromq.js doing the same), bad
// values refused; and the library's own sockets (a Zyre node's) kept out of the global count.
import t from 'tap'
import * as zmq from 'zeromq'
import { Context, context, Dealer, Pull, Push, Router, ZmtpErrorCode } from '../../../zmtp/index.ts'
import { Zyre } from '../../../lib/index.ts'

t.test('defaults match zeromq.js', async (t) => {
  const ours = new Context()
  const theirs = new zmq.Context()
  for (const k of ['blocky', 'ioThreads', 'maxMessageSize', 'maxSockets', 'ipv6', 'maxSocketsLimit'] as const) {
    t.equal(ours[k], theirs[k], k)
  }
  t.equal(context.maxSockets, zmq.context.maxSockets, 'the global context too')
})

t.test('sockets belong to the global context unless given one', async (t) => {
  const ctx = new Context()
  const a = new Dealer()
  const b = new Dealer({ context: ctx })
  t.teardown(() => (a.close(), b.close()))
  t.equal(a.context, context)
  t.equal(b.context, ctx)
})

t.test('blocky and ipv6 give new sockets their defaults; explicit options win', async (t) => {
  const ctx = new Context({ blocky: false, ipv6: true })
  const plain = new Dealer()
  const a = new Dealer({ context: ctx })
  const b = new Dealer({ context: ctx, linger: 250, ipv6: false })
  t.teardown(() => [plain, a, b].forEach((s) => s.close()))
  t.equal(plain.linger, -1, 'blocky (the default): linger -1')
  t.equal(a.linger, 0, 'not blocky: linger 0, as zeromq.js')
  t.equal(a.ipv6, true)
  t.equal(b.linger, 250)
  t.equal(b.ipv6, false)
  ctx.blocky = true
  t.equal(a.linger, 0, 'a socket keeps what it was given')
  const theirs = new zmq.Dealer({ context: new zmq.Context({ blocky: false }) })
  t.equal(theirs.linger, a.linger, 'zeromq.js gives the same linger')
  theirs.close()
  // ipv6 from the context: tcp://* binds dual stack, so an IPv6 peer gets in.
  const pull = new Pull({ context: new Context({ ipv6: true }), linger: 0 })
  const push = new Push({ linger: 0, ipv6: true })
  t.teardown(() => (pull.close(), push.close()))
  await pull.bind('tcp://*:*')
  push.connect(`tcp://[::1]:${pull.lastEndpoint!.split(':').pop()}`)
  await push.send('over ::1')
  t.equal(String((await pull.receive())[0]), 'over ::1')
})

t.test('maxSockets: one socket too many fails with EMFILE until one closes, as in zeromq.js', async (t) => {
  const ctx = new Context({ maxSockets: 2 })
  const a = new Dealer({ context: ctx })
  const b = new Router({ context: ctx })
  t.throws(() => new Dealer({ context: ctx }), { code: ZmtpErrorCode.EMFILE })
  const theirCtx = new zmq.Context({ maxSockets: 2 })
  const theirs = [new zmq.Dealer({ context: theirCtx }), new zmq.Router({ context: theirCtx })]
  t.throws(() => new zmq.Dealer({ context: theirCtx }), { code: 'EMFILE' }, 'zeromq.js refuses the same one')
  theirs.forEach((s) => s.close())
  a.close()
  a.close()
  const c = new Dealer({ context: ctx })
  t.pass('a closed socket frees its place (once, however often it is closed)')
  t.throws(() => new Dealer({ context: ctx }), { code: ZmtpErrorCode.EMFILE })
  b.close()
  c.close()
})

t.test('bad values are refused with EINVAL', async (t) => {
  t.throws(() => new Context({ ioThreads: -1 }), { code: ZmtpErrorCode.EINVAL })
  t.throws(() => new Context({ maxSockets: 0 }), { code: ZmtpErrorCode.EINVAL })
  t.throws(() => new Context({ maxSockets: 70_000 }), { code: ZmtpErrorCode.EINVAL })
  t.throws(() => new Context({ maxMessageSize: 1.5 }), { code: ZmtpErrorCode.EINVAL })
  t.throws(() => new Context({ bogus: 1 } as never), { code: ZmtpErrorCode.EINVAL })
  const ctx = new Context()
  t.throws(() => (ctx.maxSockets = -3), { code: ZmtpErrorCode.EINVAL })
  t.equal(ctx.maxSockets, 1023, 'unchanged')
  t.throws(() => new Dealer({ context: {} as never }), { code: ZmtpErrorCode.EINVAL }, 'not a Context')
})

t.test("the library's own sockets do not count against the global context", async (t) => {
  const saved = context.maxSockets
  context.maxSockets = 1
  t.teardown(() => (context.maxSockets = saved))
  const node = new Zyre({ interface: 'lo', port: 47371, interval: 100 })
  await node.start()
  t.teardown(() => node.stop())
  const mine = new Dealer()
  t.pass("a Zyre node's sockets leave the application its one socket")
  t.throws(() => new Dealer(), { code: ZmtpErrorCode.EMFILE })
  mine.close()
})
