// inproc://name: sockets of one thread connected through memory, with the semantics of the same
// sockets over TCP (they run the same ZMTP above the transport): every pattern, multipart and
// large frames, connect before bind, one binder per name, rebinding, high-water marks, events,
// PLAIN, and the same code paths against zeromq.js' inproc for the API (its inproc is its own).
import t from 'tap'
import * as zmq from 'zeromq'
import { Dealer, Pair, Publisher, Pull, Push, Reply, Request, Router, Subscriber } from '../../../zmtp/index.ts'
import { parseEndpoint } from '../../../zmtp/transport/endpoint.ts'
import { nextEvent, recv, sleep, strs, waitFor } from '../../helpers/zmtp.ts'

let names = 0
/** A name no other test of this file uses. */
const fresh = (what: string): string => `inproc://${what}-${++names}`

t.test('endpoint parsing', async (t) => {
  t.same(parseEndpoint('inproc://a-name/with:odd chars'), { transport: 'inproc', name: 'a-name/with:odd chars' })
  t.throws(() => parseEndpoint('inproc://'), { code: 'EINVAL' })
})

t.test('PUSH/PULL: multipart, empty and large frames, both bind directions', async (t) => {
  for (const pushBinds of [false, true]) {
    const ep = fresh('pp')
    const push = new Push({ linger: 0 })
    const pull = new Pull({ linger: 0 })
    t.teardown(() => (push.close(), pull.close()))
    if (pushBinds) {
      await push.bind(ep)
      pull.connect(ep)
    } else {
      await pull.bind(ep)
      push.connect(ep)
    }
    const big = Buffer.alloc(1 << 20, 0xab)
    await push.send([Buffer.alloc(0), 'two', Buffer.alloc(255, 1), Buffer.alloc(256, 2), big])
    const got = await recv(pull)
    t.same(got.map((f) => f.length), [0, 3, 255, 256, 1 << 20], `frames arrive whole (push ${pushBinds ? 'binds' : 'connects'})`)
    t.ok(got[4]!.equals(big), '1 MiB frame intact')
    t.equal(pushBinds ? push.lastEndpoint : pull.lastEndpoint, ep, 'lastEndpoint is the inproc endpoint')
  }
})

t.test('the receiver gets its own memory, as over TCP', async (t) => {
  const ep = fresh('copy')
  const push = new Push({ linger: 0 })
  const pull = new Pull({ linger: 0 })
  t.teardown(() => (push.close(), pull.close()))
  await pull.bind(ep)
  push.connect(ep)
  const body = Buffer.alloc(100_000, 1)
  await push.send(body)
  await push.send(body)
  const [first] = await recv(pull)
  first!.fill(9)
  const [second] = await recv(pull)
  t.ok(second!.every((b) => b === 1), 'changing one received message changes neither the sender nor the next message')
  t.ok(body.every((b) => b === 1))
})

t.test('REQ/REP lock-step and ROUTER/DEALER with routing ids', async (t) => {
  const ep = fresh('rr')
  const rep = new Reply({ linger: 0 })
  const req = new Request({ linger: 0 })
  t.teardown(() => (req.close(), rep.close()))
  await rep.bind(ep)
  req.connect(ep)
  for (let i = 0; i < 3; i++) {
    await req.send(`q${i}`)
    t.same(strs(await recv(rep)), [`q${i}`])
    await rep.send(`a${i}`)
    t.same(strs(await recv(req)), [`a${i}`])
  }

  const ep2 = fresh('router')
  const router = new Router({ linger: 0, mandatory: true })
  const dealer = new Dealer({ linger: 0, routingId: 'D1' })
  t.teardown(() => (router.close(), dealer.close()))
  await router.bind(ep2)
  dealer.connect(ep2)
  await dealer.send(['hi', 'there'])
  t.same(strs(await recv(router)), ['D1', 'hi', 'there'], 'ROUTER prefixes the dealer Identity')
  await router.send(['D1', 'back'])
  t.same(strs(await recv(dealer)), ['back'])
  await t.rejects(router.send(['nobody', 'x']), { code: 'EHOSTUNREACH' }, 'mandatory still applies')
})

t.test('PUB/SUB prefix filtering and PAIR', async (t) => {
  const ep = fresh('pub')
  const pub = new Publisher({ linger: 0 })
  const sub = new Subscriber({ linger: 0 })
  t.teardown(() => (pub.close(), sub.close()))
  await pub.bind(ep)
  sub.connect(ep)
  sub.subscribe('news')
  // Subscriptions travel as over TCP: publish until one arrives.
  await waitFor(() => {
    void pub.send(['news', 'first'])
    return sub.readable
  })
  t.same(strs(await recv(sub)), ['news', 'first'])
  await pub.send(['sports', 'skipped'])
  await pub.send(['news', 'second'])
  let last: string[] = []
  do last = strs(await recv(sub))
  while (last[1] === 'first')
  t.same(last, ['news', 'second'], 'unsubscribed topic filtered at the publisher')

  const ep2 = fresh('pair')
  const a = new Pair({ linger: 0 })
  const b = new Pair({ linger: 0 })
  t.teardown(() => (a.close(), b.close()))
  await a.bind(ep2)
  b.connect(ep2)
  await b.send('ping')
  t.same(strs(await recv(a)), ['ping'])
  await a.send('pong')
  t.same(strs(await recv(b)), ['pong'])
})

t.test('connect before bind: queued messages go once a socket binds the name', async (t) => {
  const ep = fresh('late')
  const push = new Push({ linger: 0 })
  const pull = new Pull({ linger: 0 })
  t.teardown(() => (push.close(), pull.close()))
  push.connect(ep)
  const sent = Promise.all([push.send('one'), push.send('two')])
  await sleep(50)
  t.notOk(pull.readable)
  await pull.bind(ep)
  await sent
  t.same(strs(await recv(pull)), ['one'])
  t.same(strs(await recv(pull)), ['two'])
})

t.test('one binder per name; unbind or close frees it, and connecters find the next binder', async (t) => {
  const ep = fresh('rebind')
  const first = new Pull({ linger: 0 })
  const second = new Pull({ linger: 0 })
  const push = new Push({ linger: 0, reconnectInterval: 20 })
  t.teardown(() => (first.close(), second.close(), push.close()))
  await first.bind(ep)
  await t.rejects(second.bind(ep), { code: 'EADDRINUSE' })
  push.connect(ep)
  await push.send('to first')
  t.same(strs(await recv(first)), ['to first'])

  const gone = nextEvent(push, 'disconnect')
  first.close()
  await gone
  t.pass('the connecter sees the binder go')
  await second.bind(ep)
  await push.send('to second')
  t.same(strs(await recv(second)), ['to second'], 'it reconnects to the new binder')

  await second.unbind(ep)
  const third = new Pull({ linger: 0 })
  t.teardown(() => third.close())
  await third.bind(ep)
  t.equal(third.lastEndpoint, ep, 'unbind freed the name')
})

t.test('high-water marks hold over inproc: a reader that stops holds its writer back', async (t) => {
  const ep = fresh('hwm')
  const push = new Push({ linger: 0, sendHighWaterMark: 5, sendTimeout: 0 })
  const pull = new Pull({ linger: 0, receiveHighWaterMark: 5 })
  t.teardown(() => (push.close(), pull.close()))
  await pull.bind(ep)
  push.connect(ep)
  await push.send('warm-up')
  await recv(pull)
  const body = Buffer.alloc(64 * 1024)
  let queued = 0
  let refused: unknown
  // Nobody receives: the pull's queue, the stream between them, then the push's queue fill up.
  for (let i = 0; i < 10_000 && refused === undefined; i++) {
    try {
      await push.send(body)
      queued++
    } catch (err) {
      refused = err
    }
    if (i % 10 === 0) await sleep(1)
  }
  t.match(refused, { code: 'EAGAIN' }, `send refused after ${queued} messages`)
  t.ok(queued < 10_000, 'bounded')
  // Reading everything lets sending go on.
  for (let i = 0; i < queued; i++) await recv(pull)
  await waitFor(() => push.writable)
  await push.send('after')
  t.same(strs(await recv(pull)), ['after'])
})

t.test('events: accept, connect, handshake, disconnect', async (t) => {
  const ep = fresh('events')
  const router = new Router({ linger: 0 })
  const dealer = new Dealer({ linger: 0 })
  t.teardown(() => (router.close(), dealer.close()))
  const accepted = nextEvent(router, 'accept')
  const bound = nextEvent(router, 'bind')
  await router.bind(ep)
  t.equal((await bound).address, ep)
  const connected = nextEvent(dealer, 'connect')
  const shook = nextEvent(dealer, 'handshake')
  dealer.connect(ep)
  t.equal((await accepted).address, ep)
  t.equal((await connected).address, ep)
  t.equal((await shook).address, ep)
  const dropped = nextEvent(router, 'disconnect')
  dealer.close()
  await dropped
  t.pass('the binder sees the connecter go')
})

t.test('PLAIN runs over inproc as over TCP', async (t) => {
  const ep = fresh('plain')
  const server = new Router({ linger: 0, plainServer: true, authenticate: ({ password }) => password === 'right' })
  const good = new Dealer({ linger: 0, plainUsername: 'u', plainPassword: 'right' })
  const bad = new Dealer({ linger: 0, plainUsername: 'u', plainPassword: 'wrong', reconnectInterval: -1 })
  t.teardown(() => (server.close(), good.close(), bad.close()))
  await server.bind(ep)
  const refused = nextEvent(bad, 'handshake:error:auth')
  bad.connect(ep)
  good.connect(ep)
  await refused
  await good.send('in')
  t.same(strs(await recv(server)).slice(1), ['in'])
})

t.test('same API as zeromq.js inproc: the same script runs on both', async (t) => {
  for (const [name, lib] of [['zyre-ts', { Push, Pull }], ['zeromq.js', { Push: zmq.Push, Pull: zmq.Pull }]] as const) {
    const ep = fresh(`api-${name}`)
    const pull = new lib.Pull({ linger: 0 })
    const push = new lib.Push({ linger: 0 })
    push.connect(ep)
    await pull.bind(ep)
    await push.send(['a', 'b'])
    const got = await pull.receive()
    t.same(got.map(String), ['a', 'b'], name)
    push.close()
    pull.close()
  }
})
