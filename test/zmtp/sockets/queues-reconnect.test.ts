// High-water marks (block vs drop), immediate, sendTimeout, reconnect with backoff,
// subscriptions re-sent on reconnect, linger on close.
import t from 'tap'
import * as net from 'node:net'
import { Dealer, Publisher, Router, Subscriber, type Socket } from '../../../zmtp/index.ts'
import { nextEvent, recv, sleep, strs, waitFor } from '../../helpers/zmtp.ts'

async function freePort(): Promise<number> {
  const s = net.createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as net.AddressInfo).port
  await new Promise<void>((r) => s.close(() => r()))
  return port
}

/** Bind, retrying while the port of a just-closed socket is still being released. */
async function bindRetry(s: Socket, ep: string): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      return await s.bind(ep)
    } catch (e) {
      if ((e as { code: string }).code !== 'EADDRINUSE' || i > 100) throw e
      await sleep(20)
    }
  }
}

t.test('DEALER queues to a connecting peer up to the HWM, then send waits; queued messages arrive', async (t) => {
  const port = await freePort()
  const ep = `tcp://127.0.0.1:${port}`
  const d = new Dealer({ linger: 0, sendHighWaterMark: 3, sendTimeout: 50, reconnectInterval: 20 })
  t.teardown(() => d.close())
  d.connect(ep)
  for (let i = 0; i < 3; i++) await d.send(`m${i}`)
  await t.rejects(d.send('too many'), { code: 'EAGAIN', message: 'Send timed out after 50 ms' })
  d.sendTimeout = 0
  await t.rejects(d.send('too many'), { code: 'EAGAIN' })
  d.sendTimeout = -1
  const waiting = d.send('m3') // blocks until the peer is there
  await t.rejects(d.send('concurrent'), { code: 'EBUSY' })
  const r = new Router({ linger: 0 })
  t.teardown(() => r.close())
  await bindRetry(r, ep)
  await waiting
  const got: string[] = []
  for (let i = 0; i < 4; i++) got.push(strs(await recv(r))[1]!)
  t.same(got, ['m0', 'm1', 'm2', 'm3'])
})

t.test('immediate: nothing is queued to a peer whose handshake has not completed', async (t) => {
  const port = await freePort()
  const ep = `tcp://127.0.0.1:${port}`
  const d = new Dealer({ linger: 0, immediate: true, sendTimeout: 0, reconnectInterval: 20 })
  t.teardown(() => d.close())
  d.connect(ep)
  await t.rejects(d.send('x'), { code: 'EAGAIN' })
  t.equal(d.writable, false)
  const r = new Router({ linger: 0 })
  t.teardown(() => r.close())
  await bindRetry(r, ep)
  await nextEvent(d, 'handshake')
  t.equal(d.writable, true)
  await d.send('y')
  t.same(strs(await recv(r)).slice(1), ['y'])
})

t.test('a blocking sender against a peer that does not read: waits, then EAGAIN; nothing lost', async (t) => {
  const r = new Router({ linger: 0, receiveHighWaterMark: 4 })
  await r.bind('tcp://127.0.0.1:*')
  const d = new Dealer({ linger: 0, sendHighWaterMark: 4, sendTimeout: 300 })
  t.teardown(() => (d.close(), r.close()))
  d.connect(r.lastEndpoint!)
  await nextEvent(d, 'handshake')
  const payload = Buffer.alloc(64 * 1024)
  let sent = 0
  let code = ''
  while (sent < 5000) {
    try {
      await d.send([payload, Buffer.from(String(sent))])
      sent++
    } catch (e) {
      code = (e as { code: string }).code
      break
    }
  }
  t.equal(code, 'EAGAIN', `send gave up after ${sent} queued messages`)
  t.ok(sent < 5000, 'the queue is bounded')
  r.receiveTimeout = 2000
  for (let i = 0; i < sent; i++) {
    const m = await r.receive()
    if (m[2]!.toString() !== String(i)) {
      t.fail(`message ${i} out of order or lost (${m[2]})`)
      break
    }
  }
  t.pass(`all ${sent} messages received in order`)
})

t.test('queuedSends counts what waits for a connection; sendQueueBelow waits for the peer to read', async (t) => {
  const port = await freePort()
  const ep = `tcp://127.0.0.1:${port}`
  const d = new Dealer({ linger: 0, sendHighWaterMark: 8, sendTimeout: 0, reconnectInterval: 20 })
  t.teardown(() => d.close())
  d.connect(ep)
  // Queued to a peer that is not there yet.
  for (let i = 0; i < 3; i++) await d.send(`early ${i}`)
  t.equal(d.queuedSends, 3, 'three messages wait for the connection')
  await d.sendQueueBelow(4) // already below: resolves at once

  const r = new Router({ linger: 0, receiveHighWaterMark: 4 })
  t.teardown(() => r.close())
  await bindRetry(r, ep)
  await nextEvent(d, 'handshake')
  await waitFor(() => d.queuedSends === 0)
  t.pass('handed to the connection once it is up')

  // A peer that does not read: the connection backs up, then the queue fills to the mark.
  const payload = Buffer.alloc(64 * 1024)
  let sent = 3
  for (; sent < 5000; sent++) {
    try {
      await d.send([payload, Buffer.from(String(sent))])
    } catch (e) {
      t.equal((e as { code: string }).code, 'EAGAIN', `the queue filled after ${sent} messages`)
      break
    }
  }
  t.equal(d.queuedSends, 8, 'the whole high-water mark waits')
  let below = false
  const waiting = d.sendQueueBelow(4).then(() => (below = true))
  await sleep(50)
  t.equal(below, false, 'sendQueueBelow waits while the peer reads nothing')

  // The peer reads: the queue drains and the wait ends with fewer than 4 messages queued.
  r.receiveTimeout = 2000
  let queuedWhenReleased = -1
  void waiting.then(() => (queuedWhenReleased = d.queuedSends))
  for (let i = 0; i < sent; i++) {
    const m = await r.receive()
    const want = i < 3 ? `early ${i}` : String(i)
    if (m[m.length - 1]!.toString() !== want) {
      t.fail(`message ${i} out of order or lost`)
      break
    }
  }
  await waiting
  t.ok(queuedWhenReleased >= 0 && queuedWhenReleased < 4, `released with ${queuedWhenReleased} queued`)
  t.equal(d.queuedSends, 0)
})

t.test('close() releases whoever waits in sendQueueBelow', async (t) => {
  const d = new Dealer({ linger: 0, sendHighWaterMark: 4, sendTimeout: 0 })
  d.connect(`tcp://127.0.0.1:${await freePort()}`)
  for (let i = 0; i < 4; i++) await d.send(String(i))
  const waiting = d.sendQueueBelow(1)
  d.close()
  await waiting
  t.pass('released on close')
  await d.sendQueueBelow(1)
  t.pass('a closed socket never waits')
  await t.rejects(d.sendQueueBelow(0), { code: 'EINVAL' }, 'a mark below 1 could never be reached')
})

t.test('reconnect: peer killed and restarted on the same port, messages flow again', async (t) => {
  const port = await freePort()
  const ep = `tcp://127.0.0.1:${port}`
  let r = new Router({ linger: 0 })
  await bindRetry(r, ep)
  const d = new Dealer({ linger: 0, routingId: 'd', reconnectInterval: 20 })
  t.teardown(() => (d.close(), r.close()))
  d.connect(ep)
  await d.send('before')
  t.same(strs(await recv(r)), ['d', 'before'])
  const gone = nextEvent(d, 'disconnect')
  r.close()
  await gone
  await d.send('while away') // queued on the connect-side pipe
  r = new Router({ linger: 0 })
  await bindRetry(r, ep)
  t.same(strs(await recv(r)), ['d', 'while away'])
  await r.send(['d', 'after'])
  t.same(strs(await recv(d)), ['after'])
})

t.test('reconnect backoff doubles up to reconnectMaxInterval', async (t) => {
  const port = await freePort()
  const d = new Dealer({ linger: 0, reconnectInterval: 10, reconnectMaxInterval: 80 })
  t.teardown(() => d.close())
  const intervals: number[] = []
  d.events.on('connect:retry', (e) => intervals.push(e.interval))
  d.connect(`tcp://127.0.0.1:${port}`)
  await waitFor(() => intervals.length >= 6, 5000, '6 retries')
  t.same(intervals.slice(0, 6), [10, 20, 40, 80, 80, 80])
})

t.test('subscriptions are sent again when the subscriber reconnects', async (t) => {
  const port = await freePort()
  const ep = `tcp://127.0.0.1:${port}`
  let pub = new Publisher({ linger: 0 })
  await bindRetry(pub, ep)
  const sub = new Subscriber({ linger: 0, reconnectInterval: 20 })
  t.teardown(() => (sub.close(), pub.close()))
  sub.subscribe('a')
  sub.connect(ep)
  const subscribed = (p: Publisher) => (p as unknown as { pipes: { subs?: { size: number } }[] }).pipes[0]?.subs?.size === 1
  await waitFor(() => subscribed(pub), 5000, 'subscription')
  await pub.send(['a', '1'])
  t.same(strs(await recv(sub)), ['a', '1'])
  pub.close()
  pub = new Publisher({ linger: 0 })
  await bindRetry(pub, ep)
  const p = pub
  await waitFor(() => subscribed(p), 5000, 'subscription after reconnect')
  await pub.send(['b', 'no'])
  await pub.send(['a', '2'])
  t.same(strs(await recv(sub)), ['a', '2'])
})

t.test('linger -1: close() still delivers what was queued, also before the handshake', async (t) => {
  const r = new Router({ linger: 0 })
  await r.bind('tcp://127.0.0.1:*')
  t.teardown(() => r.close())
  const d = new Dealer({ routingId: 'L' })
  d.connect(r.lastEndpoint!)
  for (let i = 0; i < 100; i++) await d.send(String(i))
  const ended = nextEvent(d, 'end')
  d.close()
  for (let i = 0; i < 100; i++) t.equal(strs(await recv(r))[1], String(i))
  await ended
})

t.test('linger 0: close() drops queued messages and ends at once', async (t) => {
  const port = await freePort()
  const d = new Dealer({ linger: 0 })
  d.connect(`tcp://127.0.0.1:${port}`)
  for (let i = 0; i < 5; i++) await d.send(String(i))
  const ended = nextEvent(d, 'end', 1000)
  d.close()
  await ended
  t.equal(d.closed, true)
})

t.test('linger n: a peer that never completes the handshake is given up after n ms', async (t) => {
  // A TCP server that accepts and says nothing: the handshake cannot finish.
  const mute = net.createServer((s) => s.on('error', () => {}))
  await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r))
  const sockets: net.Socket[] = []
  mute.on('connection', (s) => sockets.push(s))
  t.teardown(() => (sockets.forEach((s) => s.destroy()), mute.close()))
  const d = new Dealer({ linger: 50 })
  d.connect(`tcp://127.0.0.1:${(mute.address() as net.AddressInfo).port}`)
  await nextEvent(d, 'connect')
  await d.send('never delivered')
  const ended = nextEvent(d, 'end', 3000)
  d.close()
  await ended
  t.pass('closed')
})
