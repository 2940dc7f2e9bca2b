// Connection against real libzmq (zeromq.js v6): NULL handshake both directions, multipart
// messages of every size class both ways, ordering, routing ids, pub/sub subscriptions.
import t from 'tap'
import * as zmq from 'zeromq'
import { connectTcp, connection, listen, delay } from './helpers.ts'

const portOf = (endpoint: string): number => Number(endpoint.split(':').pop())

const payloads = (): Buffer[] => [Buffer.alloc(0), Buffer.alloc(255, 0xab), Buffer.alloc(256, 0xcd), Buffer.alloc(1 << 20, 0xef), Buffer.from('x')]

t.test('our DEALER connects to a libzmq ROUTER', async (t) => {
  const router = new zmq.Router()
  t.teardown(() => router.close())
  await router.bind('tcp://127.0.0.1:*')
  const { conn, rec } = connection(await connectTcp(portOf(router.lastEndpoint!)), { socketType: 'DEALER', routingId: Buffer.from('dealer-1') })
  t.teardown(() => conn.destroy())
  const peer = await rec.ready
  t.equal(peer.socketType, 'ROUTER')
  t.same(peer.version, { major: 3, minor: 1 })
  t.equal(peer.routingId, undefined, 'libzmq ROUTER sends an empty Identity')
  t.equal(peer.metadata.get('socket-type')!.toString(), 'ROUTER')
  t.ok(conn.isReady)

  t.ok(conn.send(payloads()), 'send accepted')
  const [id, ...frames] = await router.receive()
  t.equal(id!.toString(), 'dealer-1', 'libzmq saw our Identity as routing id')
  t.same(frames.map((f) => f.length), [0, 255, 256, 1 << 20, 1])
  t.ok(frames[3]!.every((b) => b === 0xef), '1 MiB frame intact')

  await router.send([id!, ...payloads()])
  const [got] = await rec.messagesAtLeast(1)
  t.same(got!.map((f) => f.length), [0, 255, 256, 1 << 20, 1])
  t.ok(got![3]!.every((b) => b === 0xef))
  t.equal(got![4]!.toString(), 'x')

  // many small messages keep their order through batching
  for (let i = 0; i < 5000; i++) conn.send([Buffer.from(String(i))])
  for (let i = 0; i < 5000; i++) {
    const [, body] = await router.receive()
    if (body!.toString() !== String(i)) {
      t.fail(`message ${i} out of order: ${body}`)
      break
    }
  }
  t.pass('5000 messages in order')
  t.equal(rec.errors.length, 0)
})

t.test('a libzmq DEALER connects to our ROUTER-side Connection', async (t) => {
  const l = await listen()
  t.teardown(() => l.close())
  const dealer = new zmq.Dealer({ routingId: 'their-id' })
  t.teardown(() => dealer.close())
  dealer.connect(`tcp://127.0.0.1:${l.port}`)
  const { conn, rec } = connection(await l.accept(), { socketType: 'ROUTER' })
  t.teardown(() => conn.destroy())
  const peer = await rec.ready
  t.equal(peer.socketType, 'DEALER')
  t.equal(peer.routingId?.toString(), 'their-id')

  await dealer.send([Buffer.from('a'), Buffer.alloc(0), Buffer.alloc(70000, 1)])
  const [m] = await rec.messagesAtLeast(1)
  t.same(m!.map((f) => f.length), [1, 0, 70000])
  conn.send([Buffer.from('reply'), Buffer.alloc(256)])
  const back = await dealer.receive()
  t.same(back.map((f) => f.length), [5, 256])
})

t.test('libzmq refuses an incompatible socket type and so do we', async (t) => {
  const pull = new zmq.Pull()
  t.teardown(() => pull.close())
  await pull.bind('tcp://127.0.0.1:*')
  const { conn, rec } = connection(await connectTcp(portOf(pull.lastEndpoint!)), { socketType: 'DEALER' })
  t.teardown(() => conn.destroy())
  const err = await rec.closed
  t.equal(err?.code, 'ZMTP_INCOMPATIBLE_SOCKET')
  t.equal(rec.errors.length, 1, 'one error event')
  t.equal(rec.closes, 1, 'one close event')
  t.notOk(conn.isReady)
})

t.test('PUB side: libzmq SUB subscriptions arrive as subscribe events; messages flow', async (t) => {
  const l = await listen()
  t.teardown(() => l.close())
  const sub = new zmq.Subscriber()
  t.teardown(() => sub.close())
  sub.subscribe('weather')
  sub.connect(`tcp://127.0.0.1:${l.port}`)
  const { conn, rec } = connection(await l.accept(), { socketType: 'PUB' })
  t.teardown(() => conn.destroy())
  await rec.ready
  const subs = await rec.subscriptionsAtLeast(1)
  t.same(subs[0], ['weather', true])
  sub.unsubscribe('weather')
  t.same((await rec.subscriptionsAtLeast(2))[1], ['weather', false])
  sub.subscribe('')
  await rec.subscriptionsAtLeast(3)
  conn.send([Buffer.from('weather'), Buffer.from('sunny')])
  const m = await sub.receive()
  t.same(m.map(String), ['weather', 'sunny'])
  t.equal(rec.messages.length, 0, 'subscriptions are not delivered as messages')
})

t.test('SUB side: sendSubscribe reaches a libzmq PUB (3.1 SUBSCRIBE/CANCEL commands)', async (t) => {
  const pub = new zmq.Publisher()
  t.teardown(() => pub.close())
  await pub.bind('tcp://127.0.0.1:*')
  const { conn, rec } = connection(await connectTcp(portOf(pub.lastEndpoint!)), { socketType: 'SUB' })
  t.teardown(() => conn.destroy())
  await rec.ready
  conn.sendSubscribe(Buffer.from('a'), true)
  // libzmq applies the subscription asynchronously: publish until one gets through
  for (let i = 0; i < 200 && rec.messages.length === 0; i++) {
    await pub.send([Buffer.from('b-topic'), Buffer.from('no')])
    await pub.send([Buffer.from('a-topic'), Buffer.from('yes')])
    await delay(20)
  }
  t.ok(rec.messages.length > 0, 'subscribed messages arrive')
  t.ok(rec.messages.every((m) => m[0]!.toString() === 'a-topic'), 'only the subscribed topic')
  conn.sendSubscribe(Buffer.from('a'), false)
  conn.sendSubscribe(Buffer.from('z'), true)
  // Subscriptions are applied in order, so once 'z' gets through the CANCEL is in force too
  let seenZ = false
  for (let i = 0; i < 200 && !seenZ; i++) {
    await pub.send([Buffer.from('z-topic'), Buffer.from('probe')])
    await delay(20)
    seenZ = rec.messages.some((m) => m[0]!.toString() === 'z-topic')
  }
  t.ok(seenZ, 'second subscription applied')
  const before = rec.messages.length
  await pub.send([Buffer.from('a-topic'), Buffer.from('after cancel')])
  await pub.send([Buffer.from('z-topic'), Buffer.from('marker')])
  await rec.messagesAtLeast(before + 1)
  await delay(50)
  t.notOk(rec.messages.slice(before).some((m) => m[1]!.toString() === 'after cancel'), 'CANCEL applied')
  t.equal(rec.messages[rec.messages.length - 1]![1]!.toString(), 'marker')
})

t.test('IPv6 loopback: our DEALER to a libzmq ROUTER on [::1]', async (t) => {
  const router = new zmq.Router({ ipv6: true })
  t.teardown(() => router.close())
  await router.bind('tcp://[::1]:*')
  const { conn, rec } = connection(await connectTcp(portOf(router.lastEndpoint!), '::1'), { routingId: Buffer.from('v6'), address: '[::1]:1' })
  t.teardown(() => conn.destroy())
  const peer = await rec.ready
  t.equal(peer.address, '[::1]:1')
  conn.send([Buffer.from('over v6')])
  const [id, body] = await router.receive()
  t.equal(id!.toString(), 'v6')
  t.equal(body!.toString(), 'over v6')
})
