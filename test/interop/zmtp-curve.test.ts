// CURVE (RFC 26) through the socket API against libzmq: pyzmq (libzmq 4.3.4, with a ZAP
// handler holding an allow-list of client keys) and zeromq.js v6 (libzmq 4.3.5), our side as
// server and as client, for several socket types; libzmq heartbeats travel encrypted; option checks.
import t from 'tap'
import * as zmq from 'zeromq'
import * as ours from '../../zmtp/index.ts'
import { heartbeatsKeepIdleAlive } from './zmtp-matrix.ts'
import { PyPeer } from '../helpers/pyzmq-peer.ts'
import { nextEvent } from '../helpers/zmtp.ts'

const COMMON = { linger: 0, receiveTimeout: 5000, sendTimeout: 5000 }
const py = new PyPeer()
t.teardown(() => py.close())

const serverKeys = ours.curveKeyPair()
const clientKeys = ours.curveKeyPair()
const asServer = { curveServer: true, curveSecretKey: serverKeys.secretKey }
const asClient = (keys = clientKeys, serverKey = serverKeys.publicKey) => ({ curveServerKey: serverKey, curvePublicKey: keys.publicKey, curveSecretKey: keys.secretKey })

t.test('curveKeyPair() gives 40-character Z85 keys; Z85 round-trips; zeromq.js keys work with ours', async (t) => {
  const { publicKey, secretKey } = ours.curveKeyPair()
  t.match(publicKey, /^[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]{40}$/)
  t.equal(secretKey.length, 40)
  t.equal(ours.z85Encode(ours.z85Decode(publicKey)), publicKey)
  t.equal(ours.z85Encode(Buffer.from([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b])), 'HelloWorld', 'RFC 32 test vector')
  const theirs = zmq.curveKeyPair()
  const server = new ours.Router({ ...COMMON, curveServer: true, curveSecretKey: theirs.secretKey, curvePublicKey: theirs.publicKey })
  await server.bind('tcp://127.0.0.1:*')
  const client = new ours.Dealer({ ...COMMON, curveServerKey: ours.z85Decode(theirs.publicKey), curveSecretKey: ours.z85Decode(clientKeys.secretKey) })
  t.teardown(() => (server.close(), client.close()))
  client.connect(server.lastEndpoint!)
  await client.send('raw keys')
  t.same((await server.receive())[1]!.toString(), 'raw keys', 'keys given as 32 bytes, public key derived')
})

t.test('bad CURVE options are refused by connect() and bind() with EINVAL', async (t) => {
  const d = new ours.Dealer({ ...COMMON, curveServerKey: 'too short', curveSecretKey: clientKeys.secretKey })
  t.throws(() => d.connect('tcp://127.0.0.1:1'), { code: 'EINVAL' }, 'server key not Z85')
  d.close()
  const noSecret = new ours.Dealer({ ...COMMON, curveServerKey: serverKeys.publicKey })
  t.throws(() => noSecret.connect('tcp://127.0.0.1:1'), { code: 'EINVAL' }, 'no secret key')
  noSecret.close()
  const mismatched = new ours.Router({ ...COMMON, curveServer: true, curveSecretKey: serverKeys.secretKey, curvePublicKey: clientKeys.publicKey })
  await t.rejects(mismatched.bind('tcp://127.0.0.1:*'), { code: 'EINVAL' }, 'public key of another secret key')
  mismatched.close()
  const badChars = new ours.Router({ ...COMMON, curveServer: true, curveSecretKey: '"'.repeat(40) })
  await t.rejects(badChars.bind('tcp://127.0.0.1:*'), { code: 'EINVAL' }, 'characters outside Z85')
  badChars.close()
})

t.test('pyzmq CURVE server with a ZAP allow-list: our client accepted, a stranger refused (handshake:error:auth)', async (t) => {
  await py.zap({}, [clientKeys.publicKey])
  const server = await py.socket('Router', { ...COMMON, ...asServer })
  await server.bind('tcp://127.0.0.1:*')
  t.teardown(() => server.close())
  const good = new ours.Dealer({ ...COMMON, ...asClient(), routingId: 'good' })
  const stranger = new ours.Dealer({ ...COMMON, ...asClient(ours.curveKeyPair()), reconnectInterval: -1 })
  t.teardown(() => (good.close(), stranger.close()))
  const denied = nextEvent(stranger, 'handshake:error:auth')
  stranger.connect(server.lastEndpoint!)
  t.equal((await denied).error.code, 'ZMTP_AUTH_FAILED')
  good.connect(server.lastEndpoint!)
  const frames = [Buffer.alloc(0), Buffer.alloc(255, 1), Buffer.alloc(256, 2), Buffer.alloc(1 << 20, 3)]
  await good.send(frames)
  const [id, ...got] = await server.receive()
  t.equal(id!.toString(), 'good')
  t.same(got.map((f) => f.length), [0, 255, 256, 1 << 20])
  t.ok(got.every((f, i) => f.equals(frames[i]!)))
  await server.send(['good', 'back', ''])
  t.same((await good.receive()).map(String), ['back', ''])
})

t.test('our CURVE Reply server and a pyzmq REQ client; a pyzmq REP server and our Request client', async (t) => {
  const rep = new ours.Reply({ ...COMMON, ...asServer, curveAuthenticate: ({ publicKey }) => publicKey === clientKeys.publicKey })
  await rep.bind('tcp://127.0.0.1:*')
  const req = await py.socket('Request', { ...COMMON, ...asClient() })
  t.teardown(() => (rep.close(), req.close()))
  req.connect(rep.lastEndpoint!)
  for (let i = 0; i < 5; i++) {
    await req.send(['q', String(i)])
    t.same((await rep.receive()).map(String), ['q', String(i)])
    await rep.send(`a${i}`)
    t.same((await req.receive()).map(String), [`a${i}`])
  }
  const pyRep = await py.socket('Reply', { ...COMMON, ...asServer })
  await pyRep.bind('tcp://127.0.0.1:*')
  const ourReq = new ours.Request({ ...COMMON, ...asClient() })
  t.teardown(() => (pyRep.close(), ourReq.close()))
  ourReq.connect(pyRep.lastEndpoint!)
  await ourReq.send('ping')
  t.same((await pyRep.receive()).map(String), ['ping'])
  await pyRep.send('pong')
  t.same((await ourReq.receive()).map(String), ['pong'])
})

interface Sends { send(m: string[]): Promise<void> }
interface Receives { receive(): Promise<Buffer[]> }

/**
 * Until a subscription has arrived, what is published is dropped: publishes an unwanted and a wanted
 * message every 20 ms until the subscriber has one, which it returns.
 */
async function publishUntilReceived(pub: Sends, sub: Receives, wanted: string, unwanted: string): Promise<string[]> {
  let got: string[] | undefined
  const first = sub.receive().then((f) => (got = f.map(String)))
  for (let i = 0; i < 100 && got === undefined; i++) {
    await pub.send([unwanted, 'filtered'])
    await pub.send([wanted, 'wanted'])
    await new Promise((r) => setTimeout(r, 20))
  }
  await first
  return got!
}

t.test('PUB/SUB under CURVE: subscriptions filter both ways (pyzmq)', async (t) => {
  const pub = new ours.Publisher({ ...COMMON, ...asServer })
  await pub.bind('tcp://127.0.0.1:*')
  const sub = await py.socket('Subscriber', { ...COMMON, ...asClient() })
  t.teardown(() => (pub.close(), sub.close()))
  sub.subscribe('a')
  sub.connect(pub.lastEndpoint!)
  t.same(await publishUntilReceived(pub, sub, 'a', 'b'), ['a', 'wanted'], 'only the subscribed topic arrives')

  const pyPub = await py.socket('Publisher', { ...COMMON, ...asServer })
  await pyPub.bind('tcp://127.0.0.1:*')
  const ourSub = new ours.Subscriber({ ...COMMON, ...asClient() })
  t.teardown(() => (pyPub.close(), ourSub.close()))
  ourSub.subscribe('x')
  ourSub.connect(pyPub.lastEndpoint!)
  await nextEvent(ourSub, 'handshake')
  t.same(await publishUntilReceived(pyPub, ourSub, 'x', 'y'), ['x', 'wanted'])
})

t.test('PUSH/PULL with zeromq.js under CURVE, in order, both roles', async (t) => {
  const theirKeys = zmq.curveKeyPair()
  const pull = new zmq.Pull({ curveServer: true, curveSecretKey: theirKeys.secretKey, curvePublicKey: theirKeys.publicKey })
  await pull.bind('tcp://127.0.0.1:*')
  const push = new ours.Push({ ...COMMON, ...asClient(clientKeys, theirKeys.publicKey) })
  t.teardown(() => (pull.close(), push.close()))
  push.connect(pull.lastEndpoint!)
  for (let i = 0; i < 1000; i++) await push.send([`m${i}`, Buffer.alloc(i % 300)])
  let inOrder = true
  for (let i = 0; i < 1000; i++) {
    const [a, b] = await pull.receive()
    if (a!.toString() !== `m${i}` || b!.length !== i % 300) inOrder = false
  }
  t.ok(inOrder, '1000 messages in order to libzmq')

  const ourPull = new ours.Pull({ ...COMMON, ...asServer })
  await ourPull.bind('tcp://127.0.0.1:*')
  const theirPush = new zmq.Push({ curveServerKey: serverKeys.publicKey, curvePublicKey: theirKeys.publicKey, curveSecretKey: theirKeys.secretKey })
  t.teardown(() => (ourPull.close(), theirPush.close()))
  theirPush.connect(ourPull.lastEndpoint!)
  for (let i = 0; i < 1000; i++) await theirPush.send([`n${i}`, Buffer.alloc(i % 300)])
  inOrder = true
  for (let i = 0; i < 1000; i++) {
    const [a, b] = await ourPull.receive()
    if (a!.toString() !== `n${i}` || b!.length !== i % 300) inOrder = false
  }
  t.ok(inOrder, '1000 messages in order from libzmq')
})

t.test('pyzmq heartbeats (100 ms) under CURVE keep an idle connection of ours alive, our PONGs encrypted', async (t) => {
  await heartbeatsKeepIdleAlive(
    t,
    () => new ours.Dealer({ ...COMMON, ...asServer, routingId: 'mine' }),
    () => py.socket('Router', { ...COMMON, ...asClient(), heartbeatInterval: 100, heartbeatTimeout: 1000, heartbeatTimeToLive: 1000 }),
  )
})

t.test('our heartbeats under CURVE: a pyzmq server answers our encrypted PINGs', async (t) => {
  await heartbeatsKeepIdleAlive(
    t,
    () => new ours.Dealer({ ...COMMON, ...asClient(), routingId: 'mine', heartbeatInterval: 100, heartbeatTimeout: 300 }),
    () => py.socket('Router', { ...COMMON, ...asServer }),
  )
})
