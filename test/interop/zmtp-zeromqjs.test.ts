// Interop with zeromq.js (libzmq 4.3.5): every compatible socket pair, ours on either side,
// either side binding; PLAIN accepted/rejected; libzmq heartbeats against an idle connection.
import t from 'tap'
import * as zmq from 'zeromq'
import * as ours from '../../zmtp/index.ts'
import { heartbeatsKeepIdleAlive, runMatrix, type AnySocket, type Maker } from './zmtp-matrix.ts'
import { nextEvent, sleep } from '../helpers/zmtp.ts'

// zeromq.js refuses options a socket type does not have (no sendTimeout on PULL...).
function common(type: string): Record<string, unknown> {
  const o: Record<string, unknown> = { linger: 0 }
  if (!['Push', 'Publisher'].includes(type)) o['receiveTimeout'] = 5000
  if (!['Pull', 'Subscriber', 'Publisher', 'XPublisher'].includes(type)) o['sendTimeout'] = 5000
  return o
}

const makeOurs: Maker = (type, options) =>
  new (ours as unknown as Record<string, new (o: object) => AnySocket>)[type]!({ ...common(type), ...options })
const makeTheirs: Maker = (type, options) =>
  new (zmq as unknown as Record<string, new (o: object) => AnySocket>)[type]!({ ...common(type), ...options })

runMatrix(t, makeOurs, makeTheirs)

t.test('PLAIN: our server accepts the right password from libzmq and rejects a wrong one', async (t) => {
  const server = new ours.Router({
    linger: 0,
    plainServer: true,
    authenticate: ({ username, password }) => username === 'admin' && password === 'secret',
  })
  await server.bind('tcp://127.0.0.1:*')
  const good = new zmq.Dealer({ linger: 0, plainUsername: 'admin', plainPassword: 'secret', routingId: 'good' })
  const bad = new zmq.Dealer({ linger: 0, plainUsername: 'admin', plainPassword: 'wrong', routingId: 'bad' })
  t.teardown(() => (server.close(), good.close(), bad.close()))
  const authError = nextEvent(server, 'handshake:error:auth')
  bad.connect(server.lastEndpoint!)
  const e = await authError
  t.equal(e.error.code, 'ZMTP_AUTH_FAILED')
  good.connect(server.lastEndpoint!)
  await good.send('let me in')
  const m = await server.receive()
  t.same(m.map(String), ['good', 'let me in'])
  await server.send(['good', 'welcome'])
  t.same((await good.receive()).map(String), ['welcome'])
})

t.test('PLAIN: our client against a libzmq PLAIN server (ZAP handler), accepted and rejected', async (t) => {
  // libzmq's PLAIN server asks a ZAP handler (RFC 27) on inproc://zeromq.zap.01 of its context.
  const zap = new zmq.Router({ linger: 0 })
  await zap.bind('inproc://zeromq.zap.01')
  void (async () => {
    for await (const [id, , version, requestId, , , , , username, password] of zap) {
      const ok = username?.toString() === 'u' && password?.toString() === 'p'
      await zap.send([id!, '', version!, requestId!, ok ? '200' : '400', ok ? 'OK' : 'denied', ok ? username! : '', ''])
    }
  })()
  const server = new zmq.Router({ linger: 0, plainServer: true, receiveTimeout: 5000 })
  await server.bind('tcp://127.0.0.1:*')
  t.teardown(() => (server.close(), zap.close()))
  for (const oursBinds of [false, true]) {
    const client = new ours.Dealer({ linger: 0, plainUsername: 'u', plainPassword: 'p', routingId: 'c' })
    t.teardown(() => client.close())
    client.connect(server.lastEndpoint!)
    await client.send('hi')
    t.same((await server.receive()).map(String), ['c', 'hi'], 'accepted')
    const wrong = new ours.Dealer({ linger: 0, plainUsername: 'u', plainPassword: 'nope', reconnectInterval: -1 })
    t.teardown(() => wrong.close())
    const refused = nextEvent(wrong, 'handshake:error:auth')
    wrong.connect(server.lastEndpoint!)
    t.equal((await refused).error.code, 'ZMTP_AUTH_FAILED', 'rejected with the wrong password')
    void oursBinds
    break
  }
  // The other direction of bind: our PLAIN server, libzmq client binding is not possible
  // (the PLAIN server role is independent of bind/connect): our server connects to their client.
  const theirClient = new zmq.Dealer({ linger: 0, plainUsername: 'u2', plainPassword: 'p2', receiveTimeout: 5000 })
  await theirClient.bind('tcp://127.0.0.1:*')
  let seen: { username: string; password: string } | undefined
  const ourServer = new ours.Dealer({ linger: 0, plainServer: true, authenticate: (r) => ((seen = r), true) })
  t.teardown(() => (ourServer.close(), theirClient.close()))
  ourServer.connect(theirClient.lastEndpoint!)
  await theirClient.send('hello')
  t.same((await ourServer.receive()).map(String), ['hello'])
  t.same(seen && [seen.username, seen.password], ['u2', 'p2'], 'credentials seen by authenticate')
})

t.test('libzmq heartbeats (100 ms) keep an idle connection of ours alive', async (t) => {
  await heartbeatsKeepIdleAlive(
    t,
    () => new ours.Dealer({ linger: 0, routingId: 'mine' }),
    () => new zmq.Router({ linger: 0, heartbeatInterval: 100, heartbeatTimeout: 1000, heartbeatTimeToLive: 1000 }),
  )
})

t.test('our heartbeats against libzmq: PINGs answered, idle connection kept', async (t) => {
  const mine = new ours.Router({ linger: 0, heartbeatInterval: 100, heartbeatTimeout: 300 })
  await mine.bind('tcp://127.0.0.1:*')
  const theirs = new zmq.Dealer({ linger: 0, routingId: 'z' })
  t.teardown(() => (mine.close(), theirs.close()))
  const disconnects: string[] = []
  mine.events.on('disconnect', (e) => disconnects.push(e.address))
  theirs.connect(mine.lastEndpoint!)
  await theirs.send('a')
  t.same((await mine.receive()).map(String), ['z', 'a'])
  await sleep(1000)
  await mine.send(['z', 'still here'])
  t.same((await theirs.receive()).map(String), ['still here'])
  t.same(disconnects, [])
})
