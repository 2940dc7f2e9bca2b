// Our gossip nodes against CZMQ's zgossip actor (libczmq4 4.2, through ctypes), on loopback:
// each side as server and as client, tuples both ways, and the cases where CZMQ's own nodes lose
// tuples (its server forgets a client after a second of silence, and its clients never PING).
import t from 'tap'
import { Gossip, GossipErrorCode, type GossipError, type GossipOptions } from '../../../lib/gossip/index.ts'
import { CzmqGossip, czmqGossipAvailable } from '../../helpers/czmq-gossip.ts'
import { waitFor } from '../../helpers/zmtp.ts'

type Teardown = { teardown(fn: () => unknown): void }

const available = czmqGossipAvailable()
if (!available.ok) t.fail(`the C zgossip is needed for these tests: ${available.why}`)

function ours(t: Teardown, options: GossipOptions = {}): Gossip & { warnings: GossipError[] } {
  const g = Object.assign(new Gossip(options), { warnings: [] as GossipError[] })
  g.on('warning', (e) => g.warnings.push(e))
  t.teardown(() => g.close())
  return g
}

function czmq(t: Teardown): CzmqGossip {
  const c = new CzmqGossip()
  t.teardown(() => c.close())
  return c
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

t.test('our client on a CZMQ server: tuples both ways, and still served after seconds of quiet', async (t) => {
  const server = czmq(t)
  const port = await server.bind('tcp://127.0.0.1:*')
  await server.publish('C', 'tcp://127.0.0.1:1111')
  const a = ours(t)
  a.publish('A', 'tcp://127.0.0.1:2222')
  a.connect(`tcp://127.0.0.1:${port}`)
  await waitFor(() => server.running() && a.get('C') === 'tcp://127.0.0.1:1111' && server.value('A') === 'tcp://127.0.0.1:2222', 5000, 'both tuples across')
  // CZMQ forgets a client quiet for a second; our PINGs keep us known.
  await sleep(2500)
  await server.publish('later', 'x')
  await waitFor(() => a.get('later') === 'x', 5000, 'a tuple published after 2.5 s reaches us')
  a.publish('A2', 'y')
  await waitFor(() => server.value('A2') === 'y', 5000, 'and ours reaches it')
  t.equal(await server.status(), 4)
  t.same(a.warnings, [], 'no INVALID from the C server')
})

t.test('when a CZMQ server has forgotten us (no PING for a second), its INVALID makes us publish again', async (t) => {
  const server = czmq(t)
  const port = await server.bind('tcp://127.0.0.1:*')
  const a = ours(t, { pingInterval: 60_000 })
  a.connect(`tcp://127.0.0.1:${port}`)
  a.publish('A', '1')
  await waitFor(() => server.running() && server.value('A') === '1', 5000, 'A across')
  await sleep(1600)
  // CZMQ's own client loses this one for good: its server answers INVALID and drops it.
  a.publish('A', '2')
  await waitFor(() => server.value('A') === '2', 5000, 'the refused tuple arrives after our second HELLO')
  t.ok(a.warnings.some((w) => w.code === GossipErrorCode.REFUSED), 'the INVALID is reported')
})

t.test('two of our clients meet through a CZMQ server', async (t) => {
  const server = czmq(t)
  const port = await server.bind('tcp://127.0.0.1:*')
  const a = ours(t)
  const b = ours(t)
  a.connect(`tcp://127.0.0.1:${port}`)
  a.publish('A', 'a')
  await sleep(1500)
  b.connect(`tcp://127.0.0.1:${port}`)
  b.publish('B', 'b')
  await waitFor(() => server.running() && a.get('B') === 'b' && b.get('A') === 'a', 5000, 'a and b hear each other')
  t.pass()
})

t.test('a CZMQ client on our server: tuples both ways, also after a long quiet', async (t) => {
  const hub = ours(t)
  await hub.bind('tcp://127.0.0.1:*')
  hub.publish('H', 'hub')
  const client = czmq(t)
  await client.publish('C', 'c')
  await client.connect(hub.endpoint!)
  await waitFor(() => client.running() && client.value('H') === 'hub' && hub.get('C') === 'c', 5000, 'both tuples across')
  // A CZMQ client never PINGs: our server must keep forwarding to it anyway.
  await sleep(2500)
  hub.publish('later', 'x')
  await waitFor(() => client.value('later') === 'x', 5000, 'a tuple published after 2.5 s reaches the C client')
  t.same(hub.warnings, [])
})

t.test('CZMQ and our nodes in a chain: C client -> our server <- our client <- C server', async (t) => {
  const cServer = czmq(t)
  const cPort = await cServer.bind('tcp://127.0.0.1:*')
  const hub = ours(t)
  await hub.bind('tcp://127.0.0.1:*')
  hub.connect(`tcp://127.0.0.1:${cPort}`)
  const cClient = czmq(t)
  await cClient.connect(hub.endpoint!)
  await cClient.publish('from-c-client', '1')
  await cServer.publish('from-c-server', '2')
  await waitFor(
    () => cServer.running() && cClient.running() && cServer.value('from-c-client') === '1' && cClient.value('from-c-server') === '2',
    5000,
    'each C node hears the other through ours',
  )
  t.equal(hub.size, 2)
})
