// Bad input from the network closes one connection (typed event), never the socket or the
// process; maxMessageSize; the events observer as an async iterable.
import t from 'tap'
import * as net from 'node:net'
import { Dealer, Router } from '../../../zmtp/index.ts'
import type { SocketEvent } from '../../../zmtp/index.ts'
import { nextEvent, recv, strs } from '../../helpers/zmtp.ts'

function rawConnect(endpoint: string): net.Socket {
  const port = Number(/:(\d+)$/.exec(endpoint)![1])
  const s = net.connect(port, '127.0.0.1')
  s.on('error', () => {})
  s.on('data', () => {}) // flowing, so the server's FIN is read and 'close' follows
  return s
}

t.test('garbage instead of a greeting: handshake:error:protocol, other peers unaffected', async (t) => {
  const r = new Router({ linger: 0 })
  await r.bind('tcp://127.0.0.1:*')
  const d = new Dealer({ linger: 0, routingId: 'good' })
  t.teardown(() => (r.close(), d.close()))
  d.connect(r.lastEndpoint!)
  await d.send('before')
  t.same(strs(await recv(r)), ['good', 'before'])
  const failed = nextEvent(r, 'handshake:error:protocol')
  const raw = rawConnect(r.lastEndpoint!)
  t.teardown(() => raw.destroy())
  const rawClosed = new Promise<void>((resolve) => raw.once('close', () => resolve()))
  raw.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(4)))
  const e = await failed
  t.match(e.error.code, /^ZMTP_/)
  await rawClosed
  t.pass('the bad peer was disconnected')
  await d.send('after')
  t.same(strs(await recv(r)), ['good', 'after'])
})

t.test('a frame claiming 2^63 bytes closes that connection without allocating it', async (t) => {
  const r = new Router({ linger: 0, maxMessageSize: 1024 })
  await r.bind('tcp://127.0.0.1:*')
  t.teardown(() => r.close())
  // A valid NULL handshake as a DEALER, then a frame header with an absurd size.
  const raw = rawConnect(r.lastEndpoint!)
  t.teardown(() => raw.destroy())
  const g = Buffer.alloc(64)
  g[0] = 0xff
  g[9] = 0x7f
  g[10] = 3
  g[11] = 1
  g.write('NULL', 12)
  const props = Buffer.concat([Buffer.from([11]), Buffer.from('Socket-Type'), Buffer.from([0, 0, 0, 6]), Buffer.from('DEALER')])
  const ready = Buffer.concat([Buffer.from([5]), Buffer.from('READY'), props])
  const hs = nextEvent(r, 'handshake')
  raw.write(Buffer.concat([g, Buffer.from([0x04, ready.length]), ready]))
  await hs
  const gone = nextEvent(r, 'disconnect')
  const huge = Buffer.from([0x02, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
  raw.write(huge)
  const e = await gone
  t.ok(e.error, 'disconnect carries the error')
  t.match(e.error?.code, /^ZMTP_(FRAME|MESSAGE)_TOO_LARGE$/)
})

t.test('maxMessageSize: a peer sending a bigger message is disconnected, smaller ones pass', async (t) => {
  const r = new Router({ linger: 0, maxMessageSize: 1000 })
  await r.bind('tcp://127.0.0.1:*')
  const d = new Dealer({ linger: 0, routingId: 'd', reconnectInterval: -1 })
  t.teardown(() => (r.close(), d.close()))
  d.connect(r.lastEndpoint!)
  await d.send(Buffer.alloc(900))
  t.equal((await recv(r))[1]!.length, 900)
  const gone = nextEvent(r, 'disconnect')
  await d.send(Buffer.alloc(2000))
  t.equal((await gone).error?.code, 'ZMTP_FRAME_TOO_LARGE', 'a single frame over the limit is refused from its header')
})

t.test('events observer as an async iterable (zeromq.js style)', async (t) => {
  const r = new Router({ linger: 0 })
  const seen: SocketEvent['type'][] = []
  const done = (async () => {
    for await (const e of r.events) seen.push(e.type)
  })()
  await r.bind('tcp://127.0.0.1:*')
  const d = new Dealer({ linger: 0 })
  d.connect(r.lastEndpoint!)
  await d.send('x')
  await recv(r)
  r.close()
  d.close()
  await done
  t.same(seen, ['bind', 'accept', 'handshake', 'close', 'disconnect', 'end'])
})
