// Heartbeats (RFC 37) against libzmq in both directions and against hand-driven peers.
// No timing assertions: tests wait for counted events (PINGs seen, PONGs received) and check state.
import t from 'tap'
import * as zmq from 'zeromq'
import { connectTcp, connection, listen, RawPeer } from './helpers.ts'
import { encodePing } from '../../../zmtp/codec/commands.ts'

const portOf = (endpoint: string): number => Number(endpoint.split(':').pop())

async function until(pred: () => boolean): Promise<void> {
  while (!pred()) await new Promise((r) => setTimeout(r, 10))
}

t.test('libzmq pings our idle connection (heartbeats off on our side): we answer and stay up', async (t) => {
  const router = new zmq.Router({ heartbeatInterval: 30, heartbeatTimeout: 150, heartbeatTimeToLive: 300 })
  t.teardown(() => router.close())
  let disconnects = 0
  void (async () => {
    for await (const ev of router.events) if (ev.type === 'disconnect') disconnects++
  })()
  await router.bind('tcp://127.0.0.1:*')
  const { conn, rec } = connection(await connectTcp(portOf(router.lastEndpoint!)), { routingId: Buffer.from('idle') })
  t.teardown(() => conn.destroy())
  await rec.ready
  const rx0 = conn.rx
  // 12 PINGs at 30 ms span several of libzmq's 150 ms timeouts: an unanswered PING would have cut us off
  await until(() => conn.rx - rx0 >= 12 || rec.closes > 0)
  t.equal(rec.closes, 0, 'still open')
  t.equal(disconnects, 0, 'libzmq did not drop us')
  conn.send([Buffer.from('alive')])
  const [id, body] = await router.receive()
  t.equal(id!.toString(), 'idle')
  t.equal(body!.toString(), 'alive')
})

t.test('our connection pings libzmq: PONGs come back, no timeout', async (t) => {
  const router = new zmq.Router()
  t.teardown(() => router.close())
  await router.bind('tcp://127.0.0.1:*')
  const { conn, rec } = connection(await connectTcp(portOf(router.lastEndpoint!)), { heartbeatInterval: 20, heartbeatTimeout: 100, routingId: Buffer.from('p') })
  t.teardown(() => conn.destroy())
  await rec.ready
  const rx0 = conn.rx
  await until(() => conn.rx - rx0 >= 10 || rec.closes > 0)
  t.equal(rec.closes, 0, 'still open after 10 PONGs')
  t.equal(rec.messages.length, 0, 'PONGs are not messages')
  conn.send([Buffer.from('x')])
  t.equal((await router.receive())[1]!.toString(), 'x')
})

t.test('a peer that stops answering is dropped with ZMTP_HEARTBEAT_TIMEOUT', async (t) => {
  const l = await listen()
  t.teardown(() => l.close())
  const { conn, rec } = connection(await connectTcp(l.port), { heartbeatInterval: 30, heartbeatTimeout: 60, heartbeatTimeToLive: 1000 })
  const peer = new RawPeer(await l.accept())
  peer.handshake('ROUTER')
  await rec.ready
  const err = await rec.closed
  t.equal(err?.code, 'ZMTP_HEARTBEAT_TIMEOUT')
  const ping = peer.commands.find((c) => c.name === 'PING')
  t.ok(ping, 'the peer saw our PING')
  t.equal(ping!.data.readUInt16BE(0), 10, 'TTL 1000 ms advertised as 10 deciseconds')
  t.equal(conn.isReady, false)
})

t.test('PING is answered with PONG echoing the context; the peer TTL closes a silent peer', async (t) => {
  const l = await listen()
  t.teardown(() => l.close())
  const { rec } = connection(await connectTcp(l.port)) // heartbeats off
  const peer = new RawPeer(await l.accept())
  peer.handshake('ROUTER')
  await rec.ready
  peer.write(encodePing(0, Buffer.from('ctx-1')))
  await peer.until(() => peer.commands.some((c) => c.name === 'PONG'))
  t.equal(peer.commands.find((c) => c.name === 'PONG')!.data.toString(), 'ctx-1')
  t.equal(rec.closes, 0, 'a PING without TTL sets no deadline')
  peer.write(encodePing(1, Buffer.from('ctx-2'))) // TTL 100 ms, then silence
  const err = await rec.closed
  t.equal(err?.code, 'ZMTP_HEARTBEAT_TIMEOUT')
  t.equal(peer.commands.filter((c) => c.name === 'PONG').length, 2)
})

t.test('ZMTP 3.0 peer: version reported, subscriptions sent as messages, PING still answered', async (t) => {
  const l = await listen()
  t.teardown(() => l.close())
  const { conn, rec } = connection(await connectTcp(l.port), { socketType: 'SUB' })
  t.teardown(() => conn.destroy())
  const peer = new RawPeer(await l.accept())
  peer.handshake('PUB', 0)
  const info = await rec.ready
  t.same(info.version, { major: 3, minor: 0 })
  conn.sendSubscribe(Buffer.from('abc'), true)
  conn.sendSubscribe(Buffer.from('abc'), false)
  await peer.until(() => peer.messages.length >= 2)
  t.same(peer.messages.map((m) => m.map((f) => f.toString('hex'))), [['01616263'], ['00616263']])
  t.notOk(peer.commands.some((c) => c.name === 'SUBSCRIBE'), 'no SUBSCRIBE command to a 3.0 peer')
  peer.write(encodePing(0))
  await peer.until(() => peer.commands.some((c) => c.name === 'PONG'))
  t.pass('PONG')
})

t.test('3.1 peer: subscriptions sent as SUBSCRIBE/CANCEL commands', async (t) => {
  const l = await listen()
  t.teardown(() => l.close())
  const { conn, rec } = connection(await connectTcp(l.port), { socketType: 'XSUB' })
  t.teardown(() => conn.destroy())
  const peer = new RawPeer(await l.accept())
  peer.handshake('XPUB', 1)
  await rec.ready
  conn.sendSubscribe(Buffer.from('t'), true)
  conn.sendSubscribe(Buffer.from('t'), false)
  await peer.until(() => peer.commands.filter((c) => c.name === 'SUBSCRIBE' || c.name === 'CANCEL').length >= 2)
  t.same(peer.commands.filter((c) => c.name !== 'READY').map((c) => [c.name, c.data.toString()]), [['SUBSCRIBE', 't'], ['CANCEL', 't']])
  t.equal(peer.messages.length, 0)
})
