// Proxy (zeromq.js' class over zmq_proxy_steerable): a ROUTER/DEALER broker between libzmq
// clients and workers, an XSUB/XPUB forwarder whose subscriptions travel upstream to a libzmq
// publisher, a one-way PULL/PUSH streamer, pause/resume/terminate, and the errors zeromq.js
// gives; then one script run against both our Proxy and zeromq.js' to show they behave alike.
import t from 'tap'
import * as zmq from 'zeromq'
import { Dealer, Proxy, Pull, Push, Router, XPublisher, XSubscriber } from '../../../zmtp/index.ts'
import { recv, sleep, strs, waitFor } from '../../helpers/zmtp.ts'

const ANY = 'tcp://127.0.0.1:*'

t.test('ROUTER/DEALER broker between libzmq REQ clients and REP workers', async (t) => {
  const proxy = new Proxy(new Router({ linger: 0 }), new Dealer({ linger: 0 }))
  await proxy.frontEnd.bind(ANY)
  await proxy.backEnd.bind(ANY)
  const running = proxy.run()
  const workers = [0, 1].map((w) => {
    const rep = new zmq.Reply({ linger: 0 })
    rep.connect(proxy.backEnd.lastEndpoint!)
    void (async () => {
      try {
        for await (const [m] of rep) await rep.send(`${m}:w${w}`)
      } catch {
        // closed at the end
      }
    })()
    return rep
  })
  const clients = [0, 1, 2].map(() => {
    const req = new zmq.Request({ linger: 0 })
    req.connect(proxy.frontEnd.lastEndpoint!)
    return req
  })
  t.teardown(() => [...workers, ...clients].forEach((s) => s.close()))
  const answers = await Promise.all(
    clients.map(async (req, c) => {
      const got: string[] = []
      for (let i = 0; i < 5; i++) {
        await req.send(`c${c}-${i}`)
        const [a] = await req.receive()
        got.push(String(a))
      }
      return got
    }),
  )
  answers.forEach((got, c) => t.match(got, Array.from({ length: 5 }, (_, i) => new RegExp(`^c${c}-${i}:w[01]$`)), `client ${c} got its own answers, in order`))
  t.ok(new Set(answers.flat().map((a) => a.slice(-2))).size === 2, 'both workers served')
  proxy.terminate()
  await running
  t.ok(proxy.frontEnd.closed && proxy.backEnd.closed, 'terminate closes both sockets and run() resolves')
})

t.test('XSUB/XPUB forwarder: subscriptions go upstream to a libzmq publisher, data comes down filtered', async (t) => {
  const publisher = new zmq.Publisher({ linger: 0 })
  await publisher.bind('tcp://127.0.0.1:*')
  const proxy = new Proxy(new XSubscriber({ linger: 0 }), new XPublisher({ linger: 0 }))
  proxy.frontEnd.connect(publisher.lastEndpoint!)
  await proxy.backEnd.bind(ANY)
  const running = proxy.run()
  const subscriber = new zmq.Subscriber({ linger: 0 })
  subscriber.connect(proxy.backEnd.lastEndpoint!)
  subscriber.subscribe('a')
  t.teardown(() => (publisher.close(), subscriber.close()))
  // Publish until the subscription has made it through the proxy to the publisher.
  let got: string[] | undefined
  const receiving = subscriber.receive().then((m) => (got = strs(m)))
  await waitFor(() => {
    void publisher.send(['b', 'not wanted'])
    void publisher.send(['a', 'wanted'])
    return got !== undefined
  })
  await receiving
  t.same(got, ['a', 'wanted'], 'only the subscribed topic arrives')
  proxy.terminate()
  await running
})

t.test('one-way PULL/PUSH streamer; pause holds messages, resume lets them go', async (t) => {
  const proxy = new Proxy(new Pull({ linger: 0 }), new Push({ linger: 0 }))
  await proxy.frontEnd.bind(ANY)
  await proxy.backEnd.bind(ANY)
  const source = new Push({ linger: 0 })
  const sink = new Pull({ linger: 0 })
  source.connect(proxy.frontEnd.lastEndpoint!)
  sink.connect(proxy.backEnd.lastEndpoint!)
  t.teardown(() => (source.close(), sink.close()))
  const running = proxy.run()
  await source.send('first')
  t.same(strs(await recv(sink)), ['first'])
  proxy.pause()
  for (let i = 0; i < 3; i++) await source.send(`held${i}`)
  await sleep(100)
  t.notOk(sink.readable, 'nothing forwarded while paused')
  proxy.resume()
  for (let i = 0; i < 3; i++) t.same(strs(await recv(sink)), [`held${i}`], 'forwarded in order after resume')
  proxy.terminate()
  await running
})

t.test('errors as zeromq.js gives them', async (t) => {
  const idle = new Proxy(new Router({ linger: 0 }), new Dealer({ linger: 0 }))
  t.teardown(() => (idle.frontEnd.close(), idle.backEnd.close()))
  t.throws(() => idle.run(), { code: 'EINVAL', message: /Front-end/ }, 'run() with an unbound front-end throws at once')
  await idle.frontEnd.bind(ANY)
  t.throws(() => idle.run(), { code: 'EINVAL', message: /Back-end/ })
  for (const op of ['pause', 'resume', 'terminate'] as const) t.throws(() => idle[op](), { code: 'EBADF' }, `${op}() before run()`)

  // A socket closed from outside ends the run with ETERM and closes the other one.
  const proxy = new Proxy(new Pull({ linger: 0 }), new Push({ linger: 0 }))
  await proxy.frontEnd.bind(ANY)
  await proxy.backEnd.bind(ANY)
  const running = proxy.run()
  t.throws(() => proxy.run(), { code: 'EBUSY' }, 'a second run() while running')
  proxy.frontEnd.close()
  await t.rejects(running, { code: 'ETERM' })
  t.ok(proxy.backEnd.closed)
  t.throws(() => proxy.terminate(), { code: 'EBADF' }, 'terminate() after the end')

  // A send that fails (a mandatory ROUTER back-end, a message for nobody) ends the run with it.
  const strict = new Proxy(new Pull({ linger: 0 }), new Router({ linger: 0, mandatory: true }))
  await strict.frontEnd.bind(ANY)
  await strict.backEnd.bind(ANY)
  const strictRun = strict.run()
  const source = new Push({ linger: 0 })
  t.teardown(() => source.close())
  source.connect(strict.frontEnd.lastEndpoint!)
  await source.send(['nobody', 'x'])
  await t.rejects(strictRun, { code: 'EHOSTUNREACH' })
  t.ok(strict.frontEnd.closed && strict.backEnd.closed)
})

t.test('the same script against zeromq.js Proxy and ours', async (t) => {
  // Each library's own classes, typed as ours (the shapes the script uses are the same).
  type Lib = { Proxy: new (f: unknown, b: unknown) => Proxy<Pull, Push>; Pull: new (o: object) => unknown; Push: new (o: object) => unknown }
  const libs: [string, Lib][] = [
    ['zyre-ts', { Proxy, Pull, Push } as unknown as Lib],
    ['zeromq.js', { Proxy: zmq.Proxy, Pull: zmq.Pull, Push: zmq.Push } as unknown as Lib],
  ]
  for (const [name, lib] of libs) {
    const proxy = new lib.Proxy(new lib.Pull({ linger: 0 }), new lib.Push({ linger: 0 }))
    await proxy.frontEnd.bind(ANY)
    await proxy.backEnd.bind(ANY)
    const source = new zmq.Push({ linger: 0 })
    const sink = new zmq.Pull({ linger: 0 })
    source.connect(proxy.frontEnd.lastEndpoint!)
    sink.connect(proxy.backEnd.lastEndpoint!)
    const running = proxy.run()
    await source.send('through')
    const [m] = await sink.receive()
    t.equal(String(m), 'through', `${name}: forwards`)
    proxy.terminate()
    await running
    t.ok(proxy.frontEnd.closed && proxy.backEnd.closed, `${name}: terminate closes both sockets`)
    t.throws(() => proxy.pause(), { code: 'EBADF' }, `${name}: pause() after the end`)
    source.close()
    sink.close()
  }
})
