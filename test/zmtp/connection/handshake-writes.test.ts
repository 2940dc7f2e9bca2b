// How the handshake is written: an accepted connection answers a peer whose whole greeting is
// already there with its greeting and READY in one write; a dialled one sends its READY with the
// first queued message when the peer's greeting and READY came together; and a peer that waits
// for our greeting before sending its own still gets it. Raw sockets on loopback as peers; our
// writes are counted where they enter the stream (one write or writev call per system call).
import t, { type Test } from 'tap'
import * as net from 'node:net'
import { once } from 'node:events'
import { Dealer, Router } from '../../../zmtp/index.ts'
import { FrameDecoder } from '../../../zmtp/codec/frame-decoder.ts'
import { encodeGreeting } from '../../../zmtp/codec/greeting.ts'
import { encodeReady, parseCommand } from '../../../zmtp/codec/commands.ts'
import { encodeMessage } from '../../../zmtp/codec/frame.ts'
import { HandleStream } from '../../../zmtp/transport/handle-stream.ts'
import { SocketStream } from '../../../zmtp/transport/socket-stream.ts'

const GREETING = 64

/** A READY with this socket type and, if given, an Identity. */
const ready = (type: string, id?: Buffer): Buffer =>
  encodeReady([['Socket-Type', Buffer.from(type)], ...(id ? [['Identity', id] as [string, Buffer]] : [])])

/** What one chunk holds once parsed: commands by name and data messages as strings. */
function parse(chunk: Buffer): string[] {
  const out: string[] = []
  const d = new FrameDecoder({
    onMessage: (f) => out.push(`message ${f.map((b) => b.toString()).join('|')}`),
    onCommand: (b) => out.push(`command ${parseCommand(b).name}`),
  })
  d.push(chunk)
  return out
}

/** Collects every chunk a raw socket reads. */
function chunks(s: net.Socket): { list: Buffer[]; next(): Promise<Buffer> } {
  const list: Buffer[] = []
  const waiting: ((b: Buffer) => void)[] = []
  let read = 0
  s.on('data', (d: Buffer) => {
    list.push(d)
    waiting.shift()?.(d)
  })
  return {
    list,
    next: () => {
      const i = read++
      return list[i] !== undefined ? Promise.resolve(list[i]!) : new Promise((r) => waiting.push(r))
    },
  }
}

const ourGreeting = (asServer = false): Buffer => encodeGreeting({ mechanism: 'NULL', asServer })

type Writes = { write(b: Buffer): void; writev(bs: Buffer[]): void }

/**
 * Every write our streams make, one entry per write call (one system call each): the raw peers
 * here are plain net.Sockets, so every ByteStream in the process is ours.
 */
function spyWrites(t: Test): Buffer[] {
  const writes: Buffer[] = []
  for (const proto of [HandleStream.prototype, SocketStream.prototype] as unknown as Writes[]) {
    const { write, writev } = proto
    proto.write = function (this: Writes, b) {
      writes.push(Buffer.from(b))
      return write.call(this, b)
    }
    proto.writev = function (this: Writes, bs) {
      writes.push(Buffer.concat(bs))
      return writev.call(this, bs)
    }
    t.teardown(() => Object.assign(proto, { write, writev }))
  }
  return writes
}

t.test('accepted: a peer greeting that is all there gets our greeting and READY in one write', async (t) => {
  const router = new Router({ linger: 0 })
  await router.bind('tcp://127.0.0.1:*')
  t.teardown(() => router.close())
  const port = Number(router.lastEndpoint!.split(':').pop())
  const writes = spyWrites(t)
  const raw = net.connect(port, '127.0.0.1')
  t.teardown(() => raw.destroy())
  const got = chunks(raw)
  await once(raw, 'connect')
  raw.write(ourGreeting())
  await got.next()
  const first = writes[0]!
  t.ok(first.length > GREETING, `our first write, ${first.length} bytes, is more than the greeting`)
  t.equal(first[0], 0xff, 'it starts with our greeting')
  t.same(parse(first.subarray(GREETING)), ['command READY'], 'and holds our READY')
  // The peer finishes the handshake and the connection works.
  raw.write(Buffer.concat([ready('DEALER', Buffer.from('raw')), encodeMessage([Buffer.from('hi')])]))
  const [id, body] = await router.receive()
  t.equal(id!.toString(), 'raw')
  t.equal(body!.toString(), 'hi')
})

t.test('accepted: a peer that waits for our greeting first still gets it, and the handshake completes', async (t) => {
  const router = new Router({ linger: 0 })
  await router.bind('tcp://127.0.0.1:*')
  t.teardown(() => router.close())
  const port = Number(router.lastEndpoint!.split(':').pop())
  const raw = net.connect(port, '127.0.0.1')
  t.teardown(() => raw.destroy())
  const got = chunks(raw)
  await once(raw, 'connect')
  const first = await got.next()
  t.equal(first.length, GREETING, 'our greeting alone, sent without any bytes from the peer')
  raw.write(Buffer.concat([ourGreeting(), ready('DEALER', Buffer.from('late')), encodeMessage([Buffer.from('x')])]))
  t.same(parse(await got.next()), ['command READY'], 'then our READY')
  const [id] = await router.receive()
  t.equal(id!.toString(), 'late')
})

t.test('dialled: our READY leaves with the first queued message when the peer greeting and READY come together', async (t) => {
  const server = net.createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => server.close())
  const accepted = once(server, 'connection') as Promise<[net.Socket]>
  const dealer = new Dealer({ linger: 0 })
  t.teardown(() => dealer.close())
  dealer.connect(`tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`)
  void dealer.send('queued before the handshake')
  const [raw] = await accepted
  t.teardown(() => raw.destroy())
  const got = chunks(raw)
  const greeting = await got.next()
  t.equal(greeting.length, GREETING, 'our greeting first, alone')
  // Counted from here: the peer's greeting and READY arrive in one chunk.
  const writes = spyWrites(t)
  raw.write(Buffer.concat([ourGreeting(true), ready('ROUTER')]))
  let seen = 0
  while (seen < 2) seen += parse(await got.next()).length
  t.equal(writes.length, 1, 'one write')
  t.same(parse(writes[0]!), ['command READY', 'message queued before the handshake'], 'READY and the message in it')
})
