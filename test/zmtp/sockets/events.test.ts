// socket.events is made on first use, as zeromq.js starts its monitor then: events from before
// are not reported (a socket nobody observes keeps none), later ones are, and an observer made
// after the socket has ended ends at once. A peer hanging up mid-handshake is reported as libzmq
// reports it.
import t from 'tap'
import * as net from 'node:net'
import * as zmq from 'zeromq'
import { Dealer, Router } from '../../../zmtp/index.ts'
import { recv } from '../../helpers/zmtp.ts'

t.test('events before the first use of socket.events are not reported; later ones are', async (t) => {
  const router = new Router({ linger: 0 })
  await router.bind('tcp://127.0.0.1:*')
  const dealer = new Dealer({ linger: 0, reconnectInterval: 50 })
  t.teardown(() => { dealer.close(); router.close() })
  dealer.connect(router.lastEndpoint!)
  await dealer.send('hello')
  await recv(router)
  // connect:delay, connect and handshake have happened: none of them is kept.
  const events = dealer.events
  router.close()
  const first = await events.receive()
  t.equal(first.type, 'disconnect', 'the first event reported is the one after the observer was made')
})

t.test('an observer made after the socket has ended ends at once', async (t) => {
  const router = new Router({ linger: 0 })
  await router.bind('tcp://127.0.0.1:*')
  router.close()
  await new Promise((r) => setTimeout(r, 20))
  const seen: string[] = []
  for await (const e of router.events) seen.push(e.type)
  t.same(seen, ['end'], 'only the end')
})

t.test('emitter mode: listeners added before connect see the whole sequence', async (t) => {
  const router = new Router({ linger: 0 })
  await router.bind('tcp://127.0.0.1:*')
  const dealer = new Dealer({ linger: 0 })
  t.teardown(() => { dealer.close(); router.close() })
  const seen: string[] = []
  for (const type of ['connect:delay', 'connect', 'handshake'] as const) dealer.events.on(type, (e) => seen.push(e.type))
  dealer.connect(router.lastEndpoint!)
  await dealer.send('hello')
  await recv(router)
  t.same(seen, ['connect:delay', 'connect', 'handshake'])
})

t.test('a peer that hangs up mid-handshake: handshake:error:other then disconnect, as libzmq reports it; our own close reports nothing', async (t) => {
  // A TCP server that reads the greeting's first bytes and hangs up, as a non-ZMTP service or a
  // CURVE server refusing a HELLO it cannot open does.
  const server = net.createServer((s) => s.once('data', () => s.destroy()))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const endpoint = `tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`
  t.teardown(() => server.close())

  const failures = async (socket: { events: AsyncIterable<{ type: string; error?: unknown }> }): Promise<string[]> => {
    const seen: string[] = []
    for await (const e of socket.events) {
      if (e.type.startsWith('handshake:error') || e.type === 'disconnect') seen.push(`${e.type} ${(e.error as { code?: string } | undefined)?.code ?? ''}`.trim())
      if (e.type === 'connect:retry') break
    }
    return seen
  }
  const ours = new Dealer({ linger: 0, reconnectInterval: 1000 })
  const theirs = new zmq.Dealer({ linger: 0, reconnectInterval: 1000 })
  t.teardown(() => { ours.close(); theirs.close() })
  const oursSeen = failures(ours)
  const theirsSeen = failures(theirs)
  ours.connect(endpoint)
  theirs.connect(endpoint)
  t.same(await oursSeen, ['handshake:error:other ZMTP_PEER_CLOSED', 'disconnect ZMTP_PEER_CLOSED'])
  t.match(await theirsSeen, [/^handshake:error:other/, /^disconnect/], 'libzmq (zeromq.js) reports the same events')

  // An accepted connection that goes before its greeting is reported the same way.
  const router = new Router({ linger: 0 })
  await router.bind('tcp://127.0.0.1:*')
  t.teardown(() => router.close())
  const accepted = new Promise<string>((resolve) => router.events.on('handshake:error:other', (e) => resolve(e.error.code)))
  const port = Number(router.lastEndpoint!.split(':').pop())
  const probe = net.connect(port, '127.0.0.1', () => probe.end())
  probe.on('error', () => undefined)
  t.equal(await accepted, 'ZMTP_PEER_CLOSED')

  // Closing our own socket mid-handshake is no failure of the peer's.
  const silent = net.createServer(() => undefined)
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  t.teardown(() => silent.close())
  const closing = new Dealer({ linger: 0 })
  const errors: string[] = []
  closing.events.on('handshake:error:other', (e) => errors.push(e.error.code))
  closing.events.on('handshake:error:protocol', (e) => errors.push(e.error.code))
  const connected = new Promise((resolve) => closing.events.on('connect', resolve))
  closing.connect(`tcp://127.0.0.1:${(silent.address() as net.AddressInfo).port}`)
  await connected
  closing.close()
  await new Promise((r) => setTimeout(r, 100))
  t.same(errors, [])
})
