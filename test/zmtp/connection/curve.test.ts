// CURVE (RFC 26) at the connection level: our server and client against libzmq (zeromq.js v6,
// libzmq 4.3.5) in both roles, the server's key check, wrong keys, and hostile input from a
// hand-driven client that completes a real handshake and then breaks the rules.
import t from 'tap'
import * as zmq from 'zeromq'
import { connectTcp, connection, listen, RawPeer } from './helpers.ts'
import { curveKeyPair, z85Decode } from '../../../zmtp/curve/index.ts'
import { CurveClient } from '../../../zmtp/curve/client.ts'
import type { CurveMessageCodec } from '../../../zmtp/curve/message-codec.ts'
import { encodeGreeting } from '../../../zmtp/codec/greeting.ts'
import { encodeMetadata } from '../../../zmtp/codec/metadata.ts'
import { encodeCommand, writeFrameHeader } from '../../../zmtp/codec/frame.ts'
import { encodePing } from '../../../zmtp/codec/commands.ts'

const portOf = (endpoint: string): number => Number(endpoint.split(':').pop())
const raw = (z85: string): Buffer => z85Decode(z85)

const server = curveKeyPair()
const client = curveKeyPair()

function serverOptions(extra: object = {}) {
  return { socketType: 'ROUTER' as const, mechanism: 'CURVE' as const, curveServer: true, curvePublicKey: raw(server.publicKey), curveSecretKey: raw(server.secretKey), ...extra }
}
function clientOptions(serverKey = server.publicKey, keys = client) {
  return { mechanism: 'CURVE' as const, curvePublicKey: raw(keys.publicKey), curveSecretKey: raw(keys.secretKey), curveServerKey: raw(serverKey) }
}

const sizes = [0, 1, 255, 256, 70_000, 1 << 20]
const payload = (n: number, seed: number): Buffer => Buffer.alloc(n, seed)

t.test('our CURVE client against a libzmq CURVE server (zeromq.js Router): frames of every size both ways', async (t) => {
  const keys = zmq.curveKeyPair()
  const router = new zmq.Router({ curveServer: true, curveSecretKey: keys.secretKey, curvePublicKey: keys.publicKey })
  t.teardown(() => router.close())
  await router.bind('tcp://127.0.0.1:*')
  const { conn, rec } = connection(await connectTcp(portOf(router.lastEndpoint!)), { ...clientOptions(keys.publicKey), routingId: Buffer.from('ours') })
  t.teardown(() => conn.destroy())
  const peer = await rec.ready
  t.equal(peer.socketType, 'ROUTER')
  const frames = sizes.map((n, i) => payload(n, i))
  conn.send(frames)
  const [id, ...got] = await router.receive()
  t.equal(id!.toString(), 'ours', 'our Identity reached libzmq inside INITIATE')
  t.same(got.map((f) => f.length), sizes)
  t.ok(got.every((f, i) => f.equals(frames[i]!)), 'every frame intact')
  await router.send([id!, ...frames.slice().reverse()])
  const [back] = await rec.messagesAtLeast(1)
  t.same(back!.map((f) => f.length), sizes.slice().reverse())
  t.ok(back!.every((f, i) => f.equals(frames[frames.length - 1 - i]!)))
  for (let i = 0; i < 200; i++) conn.send([Buffer.from(`m${i}`)])
  for (let i = 0; i < 200; i++) t.equal((await router.receive())[1]!.toString(), `m${i}`)
})

t.test('a libzmq CURVE client (zeromq.js Dealer) against our CURVE server, checked by curveAuthenticate', async (t) => {
  const l = await listen()
  t.teardown(() => l.close())
  const dealer = new zmq.Dealer({ curveServerKey: server.publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey, routingId: 'theirs' })
  t.teardown(() => dealer.close())
  dealer.connect(`tcp://127.0.0.1:${l.port}`)
  const seen: unknown[] = []
  const { conn, rec } = connection(await l.accept(), serverOptions({
    address: '127.0.0.1:999',
    curveAuthenticate: async (req: { publicKey: string; address: string }) => {
      seen.push(req)
      await new Promise((r) => setTimeout(r, 10))
      return req.publicKey === client.publicKey
    },
  }))
  t.teardown(() => conn.destroy())
  const peer = await rec.ready
  t.same(seen, [{ publicKey: client.publicKey, address: '127.0.0.1:999' }])
  t.equal(peer.userId, client.publicKey, 'userId is the client key in Z85')
  t.equal(peer.routingId?.toString(), 'theirs')
  const frames = sizes.map((n, i) => payload(n, 40 + i))
  await dealer.send(frames)
  const [got] = await rec.messagesAtLeast(1)
  t.ok(got!.length === frames.length && got!.every((f, i) => f.equals(frames[i]!)), 'multipart from libzmq opened')
  conn.send([Buffer.from('a'), Buffer.alloc(0), Buffer.from('c')])
  t.same((await dealer.receive()).map(String), ['a', '', 'c'])
})

t.test('our server refuses a key curveAuthenticate rejects: ERROR, AUTH_FAILED; libzmq fails its handshake', async (t) => {
  const l = await listen()
  t.teardown(() => l.close())
  const stranger = zmq.curveKeyPair()
  const dealer = new zmq.Dealer({ curveServerKey: server.publicKey, curvePublicKey: stranger.publicKey, curveSecretKey: stranger.secretKey })
  t.teardown(() => dealer.close())
  const handshakeEvent = (async () => {
    for await (const ev of dealer.events) if (ev.type.startsWith('handshake')) return ev.type
    return undefined
  })()
  dealer.connect(`tcp://127.0.0.1:${l.port}`)
  const { conn, rec } = connection(await l.accept(), serverOptions({ curveAuthenticate: () => false }))
  t.teardown(() => conn.destroy())
  t.equal((await rec.closed)?.code, 'ZMTP_AUTH_FAILED')
  t.notOk(rec.peer)
  t.equal(await handshakeEvent, 'handshake:error:auth', 'libzmq reads our ZAP status code 400 as an authentication failure')
})

t.test('wrong server key: libzmq cannot open our HELLO, and we cannot open libzmq\'s', async (t) => {
  const keys = zmq.curveKeyPair()
  const router = new zmq.Router({ curveServer: true, curveSecretKey: keys.secretKey })
  t.teardown(() => router.close())
  await router.bind('tcp://127.0.0.1:*')
  const { conn, rec } = connection(await connectTcp(portOf(router.lastEndpoint!)), clientOptions(server.publicKey))
  t.teardown(() => conn.destroy())
  await rec.closed
  t.notOk(rec.peer, 'libzmq dropped our HELLO made for another server')

  const l = await listen()
  t.teardown(() => l.close())
  const dealer = new zmq.Dealer({ curveServerKey: keys.publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey })
  t.teardown(() => dealer.close())
  dealer.connect(`tcp://127.0.0.1:${l.port}`)
  const ours = connection(await l.accept(), serverOptions())
  t.teardown(() => ours.conn.destroy())
  t.equal((await ours.rec.closed)?.code, 'ZMTP_CRYPTOGRAPHIC')
})

t.test('our client and our server: metadata, multipart, maxMessageSize counted on the opened message', async (t) => {
  const l = await listen()
  t.teardown(() => l.close())
  const c = connection(await connectTcp(l.port), clientOptions())
  const s = connection(await l.accept(), serverOptions({ maxMessageSize: 1000 }))
  t.teardown(() => { c.conn.destroy(); s.conn.destroy() })
  const [cp, sp] = await Promise.all([c.rec.ready, s.rec.ready])
  t.equal(cp.socketType, 'ROUTER')
  t.equal(sp.socketType, 'DEALER')
  t.equal(sp.userId, client.publicKey)
  c.conn.send([Buffer.alloc(500), Buffer.alloc(500)])
  t.same((await s.rec.messagesAtLeast(1))[0]!.map((f) => f.length), [500, 500], '1000 bytes in two frames pass')
  c.conn.send([Buffer.alloc(600), Buffer.alloc(600)])
  t.equal((await s.rec.closed)?.code, 'ZMTP_MESSAGE_TOO_LARGE', 'the limit holds across frames')
})

/** A client that completes a real CURVE handshake with our server, then writes what it likes. */
async function handshakenRawClient(port: number): Promise<{ peer: RawPeer; messages: CurveMessageCodec }> {
  const peer = new RawPeer(await connectTcp(port))
  const cc = new CurveClient({ publicKey: raw(client.publicKey), secretKey: raw(client.secretKey), serverKey: raw(server.publicKey) })
  peer.write(encodeGreeting({ mechanism: 'CURVE', asServer: false }))
  peer.write(cc.hello())
  await peer.until(() => peer.commands.length >= 1)
  cc.welcome(peer.commands[0]!.data)
  peer.write(cc.initiate(encodeMetadata([['Socket-Type', Buffer.from('DEALER')]])))
  await peer.until(() => peer.commands.length >= 2)
  const { messages } = cc.ready(peer.commands[1]!.data)
  return { peer, messages }
}

t.test('hostile CURVE input closes that connection with a typed error; a good client still works', async (t) => {
  const l = await listen()
  t.teardown(() => l.close())
  const mutate = (frame: Buffer, at: number): Buffer => {
    const f = Buffer.from(frame)
    f[at] = f[at]! ^ 0x40
    return f
  }
  const cases: [string, (m: CurveMessageCodec) => Buffer[], string][] = [
    ['a flipped ciphertext bit', (m) => [mutate(m.encodeFrame(0, Buffer.from('hello')), 30)], 'ZMTP_CRYPTOGRAPHIC'],
    ['a flipped MAC bit', (m) => [mutate(m.encodeFrame(0, Buffer.from('hello')), 20)], 'ZMTP_CRYPTOGRAPHIC'],
    ['a replayed MESSAGE', (m) => { const f = m.encodeFrame(0, Buffer.from('x')); return [f, f] }, 'ZMTP_INVALID_SEQUENCE'],
    ['a plaintext PING after the handshake', () => [encodePing(0)], 'ZMTP_UNEXPECTED_COMMAND'],
    ['a MESSAGE too short to hold a box', () => [shortMessage()], 'ZMTP_BAD_COMMAND'],
    ['a data frame that is not a MESSAGE', () => [Buffer.from([0, 3, 1, 2, 3])], 'ZMTP_UNEXPECTED_COMMAND'],
  ]
  for (const [what, frames, code] of cases) {
    const good = connection(await connectTcp(l.port), clientOptions())
    const goodServer = connection(await l.accept(), serverOptions())
    const rawClient = handshakenRawClient(l.port)
    const victim = connection(await l.accept(), serverOptions())
    const { peer, messages } = await rawClient
    await Promise.all([good.rec.ready, goodServer.rec.ready])
    for (const f of frames(messages)) peer.write(f)
    t.equal((await victim.rec.closed)?.code, code, what)
    good.conn.send([Buffer.from('still fine')])
    t.equal((await goodServer.rec.messagesAtLeast(1))[0]![0]!.toString(), 'still fine', `${what}: the other connection works`)
    good.conn.destroy()
    goodServer.conn.destroy()
    peer.socket.destroy()
  }
})

t.test('hostile CURVE handshakes: wrong sizes, version, cookie', async (t) => {
  const l = await listen()
  t.teardown(() => l.close())
  const cc = () => new CurveClient({ publicKey: raw(client.publicKey), secretKey: raw(client.secretKey), serverKey: raw(server.publicKey) })
  const greeting = encodeGreeting({ mechanism: 'CURVE', asServer: false })
  const hello = cc().hello()
  const badVersion = Buffer.from(hello)
  badVersion[2 + 6] = 2
  const cases: [string, Buffer[], string][] = [
    ['a HELLO one byte short', [encodeCommand('HELLO', hello.subarray(8, hello.length - 1))], 'ZMTP_BAD_COMMAND'],
    ['a HELLO of CurveZMQ 2.0', [badVersion], 'ZMTP_BAD_COMMAND'],
    ['a HELLO whose signature was not made for us', [encodeCommand('HELLO', Buffer.alloc(194, 1).fill(0, 0, 74).fill(1, 0, 1))], 'ZMTP_CRYPTOGRAPHIC'],
  ]
  for (const [what, frames, code] of cases) {
    const peer = new RawPeer(await connectTcp(l.port))
    const victim = connection(await l.accept(), serverOptions())
    peer.write(greeting)
    for (const f of frames) peer.write(f)
    t.equal((await victim.rec.closed)?.code, code, what)
    peer.socket.destroy()
  }
  // An INITIATE whose cookie is not the one our WELCOME gave
  const peer = new RawPeer(await connectTcp(l.port))
  const victim = connection(await l.accept(), serverOptions())
  const c = cc()
  peer.write(greeting)
  peer.write(c.hello())
  await peer.until(() => peer.commands.length >= 1)
  c.welcome(peer.commands[0]!.data)
  const initiate = c.initiate(encodeMetadata([['Socket-Type', Buffer.from('DEALER')]]))
  const header = (initiate[0]! & 2) !== 0 ? 9 : 2
  initiate[header + 9 + 20]! ^= 1
  peer.write(initiate)
  t.equal((await victim.rec.closed)?.code, 'ZMTP_CRYPTOGRAPHIC', 'a forged cookie')
  peer.socket.destroy()
})

function shortMessage(): Buffer {
  const body = Buffer.concat([Buffer.from('\x07MESSAGE', 'latin1'), Buffer.alloc(8, 0xff), Buffer.alloc(10)])
  const out = Buffer.alloc(2 + body.length)
  writeFrameHeader(out, 0, 0, body.length)
  body.copy(out, 2)
  return out
}
