// socket.events is made on first use, as zeromq.js starts its monitor then: events from before
// are not reported (a socket nobody observes keeps none), later ones are, and an observer made
// after the socket has ended ends at once.
import t from 'tap'
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
