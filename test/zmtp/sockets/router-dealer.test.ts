// ROUTER/DEALER on loopback, ours to ours: routing ids (set, generated), round-robin, fair
// queueing, mandatory, duplicate identities (refused / handover), events.
import t from 'tap'
import { Dealer, Router, ZmtpError } from '../../../zmtp/index.ts'
import { nextEvent, recv, strs, waitFor } from '../../helpers/zmtp.ts'

async function boundRouter(options: ConstructorParameters<typeof Router>[0] = {}): Promise<Router> {
  const r = new Router({ linger: 0, ...options })
  await r.bind('tcp://127.0.0.1:*')
  return r
}

t.test('DEALER with an identity: ROUTER prefixes it, replies route back', async (t) => {
  const r = await boundRouter()
  const d = new Dealer({ routingId: 'dealer-1', linger: 0 })
  t.teardown(() => (d.close(), r.close()))
  d.connect(r.lastEndpoint!)
  await d.send(['a', '', Buffer.alloc(300, 7)])
  const m = await recv(r)
  t.same(m[0], Buffer.from('dealer-1'))
  t.same(strs(m.slice(1, 3)), ['a', ''])
  t.equal(m[3]!.length, 300)
  await r.send(['dealer-1', 'reply', 'two'])
  t.same(strs(await recv(d)), ['reply', 'two'])
})

t.test('ROUTER generates 5-byte ids (0x00 + counter) for anonymous peers', async (t) => {
  const r = await boundRouter()
  const d1 = new Dealer({ linger: 0 })
  const d2 = new Dealer({ linger: 0 })
  t.teardown(() => (d1.close(), d2.close(), r.close()))
  d1.connect(r.lastEndpoint!)
  d2.connect(r.lastEndpoint!)
  await d1.send('one')
  const m1 = await recv(r)
  await d2.send('two')
  const m2 = await recv(r)
  for (const m of [m1, m2]) {
    t.equal(m[0]!.length, 5)
    t.equal(m[0]![0], 0)
  }
  t.notSame(m1[0], m2[0])
  await r.send([m2[0]!, 'for two'])
  await r.send([m1[0]!, 'for one'])
  t.same(strs(await recv(d1)), ['for one'])
  t.same(strs(await recv(d2)), ['for two'])
})

t.test('DEALER round-robins over peers and fair-queues replies', async (t) => {
  const r1 = await boundRouter()
  const r2 = await boundRouter()
  const d = new Dealer({ linger: 0, routingId: 'D' })
  t.teardown(() => (d.close(), r1.close(), r2.close()))
  d.connect(r1.lastEndpoint!)
  d.connect(r2.lastEndpoint!)
  await Promise.all([nextEvent(r1, 'handshake'), nextEvent(r2, 'handshake')])
  for (let i = 0; i < 10; i++) await d.send(String(i))
  const got1: string[] = []
  const got2: string[] = []
  for (let i = 0; i < 5; i++) got1.push(strs(await recv(r1))[1]!)
  for (let i = 0; i < 5; i++) got2.push(strs(await recv(r2))[1]!)
  t.same(got1, ['0', '2', '4', '6', '8'])
  t.same(got2, ['1', '3', '5', '7', '9'])
  // Both routers answer in bulk; the dealer alternates between them while both have messages.
  for (let i = 0; i < 4; i++) await r1.send(['D', `r1-${i}`])
  for (let i = 0; i < 4; i++) await r2.send(['D', `r2-${i}`])
  await waitFor(() => (d as unknown as { inQueued: number }).inQueued === 8, 5000, '8 queued replies')
  const order: string[] = []
  for (let i = 0; i < 8; i++) order.push(strs(await recv(d))[0]!)
  t.same(order, ['r1-0', 'r2-0', 'r1-1', 'r2-1', 'r1-2', 'r2-2', 'r1-3', 'r2-3'])
})

t.test('ROUTER fair-queues messages from several dealers', async (t) => {
  const r = await boundRouter()
  const a = new Dealer({ routingId: 'A', linger: 0 })
  const b = new Dealer({ routingId: 'B', linger: 0 })
  t.teardown(() => (a.close(), b.close(), r.close()))
  a.connect(r.lastEndpoint!)
  b.connect(r.lastEndpoint!)
  for (let i = 0; i < 20; i++) await a.send(String(i))
  for (let i = 0; i < 3; i++) await b.send(String(i))
  await waitFor(() => (r as unknown as { inQueued: number }).inQueued === 23, 5000, '23 queued')
  const ids: string[] = []
  for (let i = 0; i < 6; i++) ids.push((await recv(r))[0]!.toString())
  t.same(ids.slice(0, 6).sort(), ['A', 'A', 'A', 'B', 'B', 'B'], 'B is not starved behind A')
})

t.test('mandatory: unknown routing id rejects with EHOSTUNREACH; without it the message is dropped', async (t) => {
  const r = await boundRouter({ mandatory: true })
  const lax = await boundRouter()
  t.teardown(() => (r.close(), lax.close()))
  await t.rejects(r.send(['nobody', 'x']), { code: 'EHOSTUNREACH' })
  await lax.send(['nobody', 'x'])
  t.pass('non-mandatory send resolved')
  const err = await r.send(['nobody', 'x']).catch((e: unknown) => e)
  t.ok(err instanceof ZmtpError)
})

t.test('duplicate identity: the second peer is refused unless handover', async (t) => {
  const r = await boundRouter()
  const d1 = new Dealer({ routingId: 'same', linger: 0 })
  const d2 = new Dealer({ routingId: 'same', linger: 0, reconnectInterval: -1 })
  t.teardown(() => (d1.close(), d2.close(), r.close()))
  d1.connect(r.lastEndpoint!)
  await d1.send('from d1')
  t.same(strs(await recv(r)), ['same', 'from d1'])
  d2.connect(r.lastEndpoint!)
  await nextEvent(d2, 'disconnect')
  await r.send(['same', 'to the first'])
  t.same(strs(await recv(d1)), ['to the first'])

  const h = await boundRouter({ handover: true })
  const h1 = new Dealer({ routingId: 'same', linger: 0, reconnectInterval: -1 })
  const h2 = new Dealer({ routingId: 'same', linger: 0 })
  t.teardown(() => (h1.close(), h2.close(), h.close()))
  h1.connect(h.lastEndpoint!)
  await h1.send('from h1')
  t.same(strs(await recv(h)), ['same', 'from h1'])
  const gone = nextEvent(h1, 'disconnect')
  h2.connect(h.lastEndpoint!)
  await gone
  await h2.send('from h2')
  t.same(strs(await recv(h)), ['same', 'from h2'])
  await h.send(['same', 'to the new one'])
  t.same(strs(await recv(h2)), ['to the new one'])
})

t.test('ROUTER connect() with a routingId option files the peer under it', async (t) => {
  const peer = await boundRouter()
  const r = new Router({ linger: 0, routingId: 'client' })
  t.teardown(() => (peer.close(), r.close()))
  r.connect(peer.lastEndpoint!, { routingId: 'server-x' })
  const hs = await nextEvent(r, 'handshake')
  t.match(hs.address, /^127\.0\.0\.1:\d+$/)
  await r.send(['server-x', 'hi'])
  const m = await recv(peer)
  t.same(strs(m), ['client', 'hi'])
})

t.test('events: bind, connect:delay, connect, handshake, accept, disconnect, close, end', async (t) => {
  const r = new Router({ linger: 0 })
  const rEvents: string[] = []
  r.events.on('bind', (e) => rEvents.push(`bind ${/^tcp:\/\/127\.0\.0\.1:\d+$/.test(e.address)}`))
  r.events.on('accept', () => rEvents.push('accept'))
  r.events.on('handshake', () => rEvents.push('handshake'))
  r.events.on('disconnect', () => rEvents.push('disconnect'))
  r.events.on('close', () => rEvents.push('close'))
  r.events.on('end', () => rEvents.push('end'))
  await r.bind('tcp://127.0.0.1:*')
  const d = new Dealer({ linger: 0 })
  const dEvents: string[] = []
  for (const type of ['connect:delay', 'connect', 'handshake', 'disconnect', 'connect:retry', 'end'] as const) {
    d.events.on(type, () => dEvents.push(type))
  }
  d.connect(r.lastEndpoint!)
  await nextEvent(r, 'handshake')
  await waitFor(() => dEvents.includes('handshake'))
  r.close()
  await waitFor(() => dEvents.includes('connect:retry'))
  d.close()
  await waitFor(() => rEvents.includes('end'))
  t.same(rEvents, ['bind true', 'accept', 'handshake', 'close', 'disconnect', 'end'], 'end comes last, after the connections closed')
  t.same(dEvents.slice(0, 3), ['connect:delay', 'connect', 'handshake'])
  t.ok(dEvents.indexOf('disconnect') > 2 && dEvents.indexOf('connect:retry') > dEvents.indexOf('disconnect'))
  t.equal(dEvents.at(-1), 'end')
})

t.test('async iteration ends when the socket closes', async (t) => {
  const r = await boundRouter()
  const d = new Dealer({ linger: 0 })
  d.connect(r.lastEndpoint!)
  for (let i = 0; i < 3; i++) await d.send(String(i))
  const got: string[] = []
  for await (const m of r) {
    got.push(m[1]!.toString())
    if (got.length === 3) {
      d.close()
      r.close()
    }
  }
  t.same(got, ['0', '1', '2'])
  t.equal(r.closed, true)
  await t.rejects(r.receive(), { code: 'ETERM' })
  await t.rejects(d.send('x'), { code: 'ETERM' })
})

t.test('only one receive at a time (EBUSY), receiveTimeout gives EAGAIN', async (t) => {
  const r = new Router({ linger: 0, receiveTimeout: 30 })
  t.teardown(() => r.close())
  const first = r.receive()
  await t.rejects(r.receive(), { code: 'EBUSY' })
  await t.rejects(first, { code: 'EAGAIN', message: 'Receive timed out after 30 ms' })
  r.receiveTimeout = 0
  await t.rejects(r.receive(), { code: 'EAGAIN' })
})
