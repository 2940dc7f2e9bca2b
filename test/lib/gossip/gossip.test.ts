// Gossip nodes among themselves on loopback: tuples spread through a server to its clients and
// along chains of servers, repeats stop, a new value replaces the old one, a reconnecting client
// is greeted again; hostile input (garbage, PUBLISH before HELLO, invalid tuples, a flood of keys)
// is refused without stopping the other connections.
import t from 'tap'
import * as zmq from 'zeromq'
import { Gossip, GossipErrorCode, type GossipError, type GossipOptions } from '../../../lib/gossip/index.ts'
import { encode, decode } from '../../../codecs/generated/zgossip-msg.ts'
import { waitFor } from '../../helpers/zmtp.ts'

type Teardown = { teardown(fn: () => unknown): void }

function gossip(t: Teardown, options: GossipOptions = {}): Gossip & { warnings: GossipError[]; learned: [string, string][] } {
  const g = Object.assign(new Gossip(options), { warnings: [] as GossipError[], learned: [] as [string, string][] })
  g.on('warning', (e) => g.warnings.push(e))
  g.on('tuple', (k, v) => g.learned.push([k, v]))
  t.teardown(() => g.close())
  return g
}

async function server(t: Teardown, options: GossipOptions = {}): Promise<ReturnType<typeof gossip>> {
  const g = gossip(t, options)
  await g.bind('tcp://127.0.0.1:*')
  return g
}

/** A raw libzmq DEALER on a gossip server: what it is sent, as decoded messages. */
async function rawClient(t: Teardown, endpoint: string): Promise<{ dealer: zmq.Dealer; got: ReturnType<typeof decode>[] }> {
  const dealer = new zmq.Dealer({ linger: 0 })
  dealer.connect(endpoint)
  const got: ReturnType<typeof decode>[] = []
  void (async () => {
    try {
      for await (const frames of dealer) got.push(decode(frames))
    } catch {
      // closed
    }
  })()
  t.teardown(() => dealer.close())
  return { dealer, got }
}

t.test('a server spreads tuples between its clients, both ways, and holds them all', async (t) => {
  const hub = await server(t)
  const a = gossip(t)
  const b = gossip(t)
  a.publish('A', 'tcp://10.0.0.1:1')
  a.connect(hub.endpoint!)
  await waitFor(() => hub.get('A') !== undefined, 5000, 'the hub hears A')
  b.connect(hub.endpoint!)
  await waitFor(() => b.get('A') === 'tcp://10.0.0.1:1', 5000, 'b is sent A on HELLO')
  b.publish('B', 'tcp://10.0.0.2:1')
  hub.publish('H', 'hub')
  await waitFor(() => a.size === 3 && b.size === 3 && hub.size === 3, 5000, 'everyone holds all three')
  t.same(a.tuples(), new Map([['A', 'tcp://10.0.0.1:1'], ['B', 'tcp://10.0.0.2:1'], ['H', 'hub']]))
  t.same(a.learned.map(([k]) => k).sort(), ['B', 'H'], "a's own tuple is no event to it")
  t.same(hub.learned.map(([k]) => k).sort(), ['A', 'B'])
  t.equal(hub.clientCount, 2)
  t.same([...a.warnings, ...b.warnings, ...hub.warnings], [])
})

t.test('a new value replaces the old one everywhere; repeats are no event', async (t) => {
  const hub = await server(t)
  const a = gossip(t)
  const b = gossip(t)
  a.connect(hub.endpoint!)
  b.connect(hub.endpoint!)
  await waitFor(() => hub.clientCount === 2, 5000, 'both clients greeted')
  a.publish('k', 'v1')
  await waitFor(() => b.get('k') === 'v1', 5000, 'v1 at b')
  a.publish('k', 'v1')
  a.publish('k', 'v2')
  await waitFor(() => b.get('k') === 'v2' && hub.get('k') === 'v2', 5000, 'v2 everywhere')
  t.same(b.learned, [['k', 'v1'], ['k', 'v2']], 'the repeat of v1 was no event')
})

t.test('tuples travel along a chain of servers (a -> s1 <- s2 <- b), and in a loop settle', async (t) => {
  const s1 = await server(t)
  const s2 = await server(t)
  s2.connect(s1.endpoint!)
  // A loop: s1 also connects to s2. Repeats stop the tuples going round.
  s1.connect(s2.endpoint!)
  const a = gossip(t)
  const b = gossip(t)
  a.connect(s1.endpoint!)
  b.connect(s2.endpoint!)
  a.publish('from-a', 'x')
  b.publish('from-b', 'y')
  await waitFor(() => a.get('from-b') === 'y' && b.get('from-a') === 'x', 5000, 'both ends hear each other')
  await new Promise((r) => setTimeout(r, 200))
  for (const g of [s1, s2, a, b]) t.equal(g.size, 2)
  t.same(s1.learned.length + s2.learned.length, 4, 'each server learned each tuple once')
})

t.test('a client greets again when its server comes back on the same port', async (t) => {
  const first = await server(t)
  const endpoint = first.endpoint!
  const a = gossip(t)
  a.publish('A', 'a')
  a.connect(endpoint)
  await waitFor(() => first.get('A') === 'a', 5000, 'the first server hears A')
  await first.close()
  const second = await (async () => {
    const g = gossip(t)
    g.publish('S', 's')
    await g.bind(endpoint)
    return g
  })()
  await waitFor(() => second.get('A') === 'a' && a.get('S') === 's', 5000, 'HELLO and tuples again after the reconnect')
})

t.test('a raw libzmq client: HELLO gets every tuple, PING gets PONG, the TTL is 0', async (t) => {
  const hub = await server(t)
  hub.publish('one', '1')
  hub.publish('two', '2')
  const c = await rawClient(t, hub.endpoint!)
  await c.dealer.send(encode({ type: 'PING' }))
  await waitFor(() => c.got.length === 1, 5000, 'PONG')
  t.same(c.got[0], { type: 'PONG' }, 'PING is answered before HELLO too')
  await c.dealer.send(encode({ type: 'HELLO' }))
  await waitFor(() => c.got.length === 3, 5000, 'both tuples')
  t.same(c.got.slice(1), [{ type: 'PUBLISH', key: 'one', value: '1', ttl: 0 }, { type: 'PUBLISH', key: 'two', value: '2', ttl: 0 }])
  await c.dealer.send(encode({ type: 'PUBLISH', key: 'raw', value: 'r', ttl: 12345 }))
  await waitFor(() => hub.get('raw') === 'r', 5000, 'the raw tuple')
  hub.publish('three', '3')
  await waitFor(() => c.got.length === 4, 5000, 'forwarded')
  t.same(c.got[3], { type: 'PUBLISH', key: 'three', value: '3', ttl: 0 })
  await new Promise((r) => setTimeout(r, 100))
  t.equal(c.got.length, 4, 'its own tuple is not echoed back')
})

t.test('protocol errors get INVALID and the client must greet again; other clients carry on', async (t) => {
  const hub = await server(t)
  const good = gossip(t)
  good.connect(hub.endpoint!)
  await waitFor(() => hub.clientCount === 1, 5000, 'the good client greeted')
  const c = await rawClient(t, hub.endpoint!)
  await c.dealer.send(encode({ type: 'PUBLISH', key: 'early', value: 'x', ttl: 0 }))
  await waitFor(() => c.got.length === 1, 5000, 'INVALID')
  t.same(c.got[0], { type: 'INVALID' })
  t.equal(hub.get('early'), undefined, 'a PUBLISH before HELLO is not kept')
  await c.dealer.send(encode({ type: 'HELLO' }))
  await c.dealer.send(encode({ type: 'HELLO' }))
  await waitFor(() => c.got.length === 2, 5000, 'INVALID for the second HELLO')
  t.same(c.got[1], { type: 'INVALID' })
  await c.dealer.send([Buffer.from('garbage'), Buffer.from('more')])
  await c.dealer.send(Buffer.from([0xaa, 0xa0, 0x02, 0x01, 0xff]))
  await c.dealer.send(Buffer.from([0xaa, 0xa0, 0x02, 0x02]))
  await waitFor(() => c.got.length === 5, 5000, 'INVALID for each malformed message')
  t.ok(c.got.slice(2).every((m) => m.type === 'INVALID'))
  t.ok(hub.warnings.filter((w) => w.code === GossipErrorCode.BAD_MESSAGE).length >= 3, 'malformed messages are reported')
  // The good client still gets what the hub learns.
  hub.publish('after', 'ok')
  await waitFor(() => good.get('after') === 'ok', 5000, 'the good client is unaffected')
})

t.test('invalid tuples from the network are dropped and reported; publish() refuses them', async (t) => {
  const hub = await server(t)
  const c = await rawClient(t, hub.endpoint!)
  await c.dealer.send(encode({ type: 'HELLO' }))
  await c.dealer.send(encode({ type: 'PUBLISH', key: '', value: 'x', ttl: 0 }))
  await c.dealer.send(encode({ type: 'PUBLISH', key: 'nul', value: 'a\0b', ttl: 0 }))
  await c.dealer.send(encode({ type: 'PUBLISH', key: 'fine', value: 'v', ttl: 0 }))
  await waitFor(() => hub.get('fine') === 'v', 5000, 'the good tuple')
  t.equal(hub.size, 1)
  t.equal(hub.warnings.filter((w) => w.code === GossipErrorCode.BAD_TUPLE).length, 2)
  t.throws(() => hub.publish('', 'x'), { code: GossipErrorCode.BAD_ARGUMENT })
  t.throws(() => hub.publish('k'.repeat(256), 'x'), { code: GossipErrorCode.BAD_ARGUMENT })
  t.throws(() => hub.publish('k', 'a\0'), { code: GossipErrorCode.BAD_ARGUMENT })
  t.throws(() => new Gossip({ pingInterval: 0 }), { code: GossipErrorCode.BAD_ARGUMENT })
})

t.test('a flood of keys stops at maxTuples; an oversized message closes only its connection', async (t) => {
  const hub = await server(t, { maxTuples: 50, maxMessageSize: 1024 })
  const c = await rawClient(t, hub.endpoint!)
  await c.dealer.send(encode({ type: 'HELLO' }))
  for (let i = 0; i < 200; i++) await c.dealer.send(encode({ type: 'PUBLISH', key: `k${i}`, value: 'v', ttl: 0 }))
  await waitFor(() => hub.warnings.filter((w) => w.code === GossipErrorCode.TOO_MANY_TUPLES).length === 150, 5000, 'the extra keys refused')
  t.equal(hub.size, 50)
  t.throws(() => hub.publish('one-more', 'v'), { code: GossipErrorCode.TOO_MANY_TUPLES })
  hub.publish('k0', 'a new value for a held key is fine')
  const good = gossip(t)
  good.connect(hub.endpoint!)
  await waitFor(() => good.size === 50, 5000, 'a client gets all 50')
  await c.dealer.send(encode({ type: 'PUBLISH', key: 'big', value: 'x'.repeat(4096), ttl: 0 }))
  hub.publish('k1', 'after the big one')
  await waitFor(() => good.get('k1') === 'after the big one', 5000, 'the other client carries on')
  t.equal(hub.get('big'), undefined)
})

t.test('a quiet client that disconnected is forgotten at the next probe', async (t) => {
  const hub = await server(t, { pingInterval: 20, probeInterval: 100 })
  const c = await rawClient(t, hub.endpoint!)
  await c.dealer.send(encode({ type: 'HELLO' }))
  await waitFor(() => hub.clientCount === 1, 5000, 'greeted')
  c.dealer.close()
  await waitFor(() => hub.clientCount === 0, 5000, 'forgotten')
  t.pass()
})
