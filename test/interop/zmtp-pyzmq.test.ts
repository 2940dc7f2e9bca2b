// Interop with pyzmq (libzmq 4.3.4, /usr/bin/python3): every compatible socket pair, ours on
// either side, either side binding; PLAIN accepted/rejected; libzmq heartbeats.
import t from 'tap'
import * as ours from '../../zmtp/index.ts'
import { heartbeatsKeepIdleAlive, runMatrix, type AnySocket, type Maker } from './zmtp-matrix.ts'
import { PyPeer } from '../helpers/pyzmq-peer.ts'
import { nextEvent } from '../helpers/zmtp.ts'

const COMMON = { linger: 0, receiveTimeout: 5000, sendTimeout: 5000 }
const py = new PyPeer()
t.teardown(() => py.close())

const makeOurs: Maker = (type, options) =>
  new (ours as unknown as Record<string, new (o: object) => AnySocket>)[type]!({ ...COMMON, ...options })
const makeTheirs: Maker = (type, options) => py.socket(type, { ...COMMON, ...options })

runMatrix(t, makeOurs, makeTheirs)

t.test('PLAIN both ways: our server vs pyzmq client, pyzmq server (ZAP) vs our client', async (t) => {
  const server = new ours.Router({ ...COMMON, plainServer: true, authenticate: ({ username, password }) => username === 'u' && password === 'p' })
  await server.bind('tcp://127.0.0.1:*')
  t.teardown(() => server.close())
  const good = await py.socket('Dealer', { ...COMMON, plainUsername: 'u', plainPassword: 'p', routingId: 'good' })
  const bad = await py.socket('Dealer', { ...COMMON, plainUsername: 'u', plainPassword: 'x', routingId: 'bad' })
  t.teardown(() => (good.close(), bad.close()))
  const refused = nextEvent(server, 'handshake:error:auth')
  bad.connect(server.lastEndpoint!)
  t.equal((await refused).error.code, 'ZMTP_AUTH_FAILED')
  good.connect(server.lastEndpoint!)
  await good.send('in')
  t.same((await server.receive()).map(String), ['good', 'in'])

  await py.zap({ u: 'p' })
  const pyServer = await py.socket('Router', { ...COMMON, plainServer: true })
  await pyServer.bind('tcp://127.0.0.1:*')
  t.teardown(() => pyServer.close())
  const client = new ours.Dealer({ ...COMMON, plainUsername: 'u', plainPassword: 'p', routingId: 'c' })
  const wrong = new ours.Dealer({ ...COMMON, plainUsername: 'u', plainPassword: 'no', reconnectInterval: -1 })
  t.teardown(() => (client.close(), wrong.close()))
  const denied = nextEvent(wrong, 'handshake:error:auth')
  wrong.connect(pyServer.lastEndpoint!)
  t.equal((await denied).error.code, 'ZMTP_AUTH_FAILED')
  client.connect(pyServer.lastEndpoint!)
  await client.send('hi')
  t.same((await pyServer.receive()).map(String), ['c', 'hi'])
})

t.test('pyzmq heartbeats (100 ms) keep an idle connection of ours alive', async (t) => {
  await heartbeatsKeepIdleAlive(
    t,
    () => new ours.Dealer({ ...COMMON, routingId: 'mine' }),
    () => py.socket('Router', { ...COMMON, heartbeatInterval: 100, heartbeatTimeout: 1000, heartbeatTimeToLive: 1000 }),
  )
})
