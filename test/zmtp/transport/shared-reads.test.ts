// Shared reads: dialled and accepted streams (TCP through libuv handles and through net.Socket,
// IPC) read into the one shared buffer, so a Node version that stops allowing it is noticed here
// rather than as a silent slowdown; and several connections reading through that one buffer at
// once, with messages of every size straddling reads, each get exactly their own bytes, from our
// sockets and from libzmq's.
import t, { type Test } from 'tap'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as zmq from 'zeromq'
import { Pull, Push } from '../../../zmtp/index.ts'
import { parseEndpoint } from '../../../zmtp/transport/endpoint.ts'
import { dial, listen } from '../../../zmtp/transport/transport.ts'
import * as net from 'node:net'
import type { ByteStream } from '../../../zmtp/transport/byte-stream.ts'
import { HandleStream } from '../../../zmtp/transport/handle-stream.ts'
import { SHARED_READS, SHARED_READ_SIZE } from '../../../zmtp/transport/read-buffers.ts'
import { SocketStream, adoptAccepted, connectSocket } from '../../../zmtp/transport/socket-stream.ts'
import { uv } from '../../../zmtp/transport/uv-binding.ts'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zmtp-shared-'))
t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }))

/** Resolves with what `stream` reads once it adds up to `want`; checks each chunk's viewMin. */
function readAll(t: Test, stream: ByteStream, want: string): Promise<string> {
  let got = ''
  return new Promise((resolve) => stream.setChunkHandler((chunk, viewMin) => {
    t.equal(viewMin, Infinity, 'a small read is in the shared buffer: copy all that is kept')
    got += chunk.toString()
    if (got.length >= want.length) resolve(got)
    return false
  }))
}

t.test('the libuv handle path is available on this platform (else TCP would silently go through net)', { skip: !SHARED_READS }, async (t) => {
  t.ok(uv, 'process.binding tcp_wrap/stream_wrap have the expected shape')
})

// Windows reads the default way (see read-buffers.ts): nothing to check there.
for (const ep of SHARED_READS ? ['tcp://127.0.0.1:0', 'tcp://[::1]:0', `ipc://${path.join(tmp, 'a.sock')}`] : []) {
  t.test(`${ep.split('/')[2]}: dialled and accepted streams read into the shared buffer, both ways`, async (t) => {
    const gotAccepted = new Promise<[ByteStream, string]>((resolve) => {
      void listen(parseEndpoint(ep), (s, address) => resolve([s, address])).then((l) => {
        t.teardown(() => l.close())
        const out = dial(parseEndpoint(l.endpoint), (connected) => connected.write(Buffer.from('ping')))
        t.teardown(() => out.destroy())
        void readAll(t, out, 'pong').then((got) => t.equal(got, 'pong', 'the dialled stream reads'))
      })
    })
    const [s, address] = await gotAccepted
    t.teardown(() => s.destroy())
    const kind = ep.startsWith('tcp') ? HandleStream : SocketStream
    t.ok(s instanceof kind, `accepted as a ${kind.name}`)
    if (ep.startsWith('tcp://127')) t.match(address, /^127\.0\.0\.1:\d+$/, 'the accepted stream knows its peer')
    if (ep.startsWith('tcp://[')) t.match(address, /^\[::1\]:\d+$/, 'IPv6 peer address')
    t.equal(await readAll(t, s, 'ping'), 'ping')
    s.write(Buffer.from('pong'))
  })
}

t.test('tcp through net.Socket (hostnames, or no handle path): dialled and accepted streams read shared', { skip: !SHARED_READS }, async (t) => {
  const server = net.createServer({ pauseOnConnect: true })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())
  const accepted = new Promise<SocketStream>((resolve) => server.once('connection', (s) => resolve(adoptAccepted(s))))
  const out = connectSocket({ host: 'localhost', port: (server.address() as net.AddressInfo).port, family: 4 }, (c) => c.write(Buffer.from('ping')))
  t.teardown(() => out.destroy())
  const s = await accepted
  t.teardown(() => s.destroy())
  t.equal(await readAll(t, s, 'ping'), 'ping')
  s.writev([Buffer.from('po'), Buffer.from('ng')])
  t.equal(await readAll(t, out, 'pong'), 'pong')
})

/** Message i of sender k: its length and every byte follow from (k, i), so any mix-up shows. */
function message(k: number, i: number): Buffer {
  const sizes = [0, 1, 255, 256, 4096, 65_535, 65_536, 200_000, SHARED_READ_SIZE + 17]
  const b = Buffer.alloc(sizes[(i + k) % sizes.length]! + 8)
  b.writeUInt32BE(k, 0)
  b.writeUInt32BE(i, 4)
  for (let j = 8; j < b.length; j++) b[j] = (k * 31 + i * 7 + j) & 0xff
  return b
}

function check(t: Test, frames: Buffer[], next: Map<number, number>): void {
  const f = frames[0]!
  const k = f.readUInt32BE(0)
  const i = f.readUInt32BE(4)
  const want = next.get(k) ?? 0
  if (i !== want) t.fail(`sender ${k}: message ${i}, expected ${want}`)
  next.set(k, i + 1)
  if (!f.equals(message(k, i))) t.fail(`sender ${k} message ${i}: content differs`)
  if (frames.length !== 2 || frames[1]!.toString() !== `tail ${k}.${i}`) t.fail(`sender ${k} message ${i}: second frame differs`)
}

const SENDERS = 4
const PER_SENDER = 60

t.test('four of our senders at once into one Pull: every message intact and in order per sender', async (t) => {
  const pull = new Pull({ linger: 0 })
  await pull.bind('tcp://127.0.0.1:*')
  const pushes = Array.from({ length: SENDERS }, () => new Push({ linger: 0 }))
  t.teardown(() => { pull.close(); for (const p of pushes) p.close() })
  for (const p of pushes) p.connect(pull.lastEndpoint!)
  const sending = pushes.map(async (p, k) => {
    for (let i = 0; i < PER_SENDER; i++) await p.send([message(k, i), Buffer.from(`tail ${k}.${i}`)])
  })
  const next = new Map<number, number>()
  for (let n = 0; n < SENDERS * PER_SENDER; n++) check(t, await pull.receive(), next)
  await Promise.all(sending)
  t.same([...next.values()], Array(SENDERS).fill(PER_SENDER), 'all messages of every sender')
})

t.test('libzmq senders at once into our Pull, and our Push into libzmq: intact both ways', async (t) => {
  const pull = new Pull({ linger: 0 })
  await pull.bind('tcp://127.0.0.1:*')
  const pushes = Array.from({ length: SENDERS }, () => new zmq.Push({ linger: 0 }))
  const zpull = new zmq.Pull({ linger: 0 })
  await zpull.bind('tcp://127.0.0.1:*')
  const push = new Push({ linger: 0 })
  push.connect(zpull.lastEndpoint!)
  t.teardown(() => { pull.close(); zpull.close(); push.close(); for (const p of pushes) p.close() })
  for (const p of pushes) p.connect(pull.lastEndpoint!)
  const sending = [
    ...pushes.map(async (p, k) => {
      for (let i = 0; i < PER_SENDER; i++) await p.send([message(k, i), Buffer.from(`tail ${k}.${i}`)])
    }),
    (async () => {
      for (let i = 0; i < PER_SENDER; i++) await push.send([message(9, i), Buffer.from(`tail 9.${i}`)])
    })(),
  ]
  const ours = new Map<number, number>()
  const theirs = new Map<number, number>()
  await Promise.all([
    (async () => { for (let n = 0; n < SENDERS * PER_SENDER; n++) check(t, await pull.receive(), ours) })(),
    (async () => { for (let n = 0; n < PER_SENDER; n++) check(t, await zpull.receive(), theirs) })(),
  ])
  await Promise.all(sending)
  t.same([...ours.values()], Array(SENDERS).fill(PER_SENDER), 'all libzmq messages arrived intact')
  t.same([...theirs.values()], [PER_SENDER], 'libzmq received all of ours intact')
})

t.test('bulk stream: large frames are views of its own buffers, all kept to the end and still intact', async (t) => {
  const pull = new Pull({ linger: 0 })
  await pull.bind('tcp://127.0.0.1:*')
  const push = new Push({ linger: 0 })
  t.teardown(() => { pull.close(); push.close() })
  push.connect(pull.lastEndpoint!)
  const count = 400
  const frame = (i: number): Buffer => Buffer.alloc(SHARED_READ_SIZE / 4, i & 0xff)
  const sending = (async () => { for (let i = 0; i < count; i++) await push.send([frame(i), Buffer.from(`small ${i}`)]) })()
  const kept: Buffer[][] = []
  for (let i = 0; i < count; i++) kept.push(await pull.receive())
  await sending
  let views = 0
  kept.forEach((m, i) => {
    if (!m[0]!.equals(frame(i)) || m[1]!.toString() !== `small ${i}`) t.fail(`message ${i} changed after it was received`)
    if (m[0]!.buffer.byteLength === SHARED_READ_SIZE) views++
  })
  t.ok(views > 0, `some large frames were views of a bulk buffer (${views} of ${count})`)
  t.ok(kept.every((m) => m[1]!.buffer.byteLength < SHARED_READ_SIZE), 'small frames never pin a read buffer')
})

t.test('a stream whose handle cannot be moved is kept, resumed, and delivers through data events', async (t) => {
  const server = net.createServer({ pauseOnConnect: true })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve))
  const out = net.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1' })
  t.teardown(() => out.destroy())
  const s = await accepted
  t.teardown(() => s.destroy())
  // As if a Node version kept the handle elsewhere: adoptAccepted finds none to move.
  const inner = s as unknown as { _handle: unknown }
  const handle = inner._handle
  inner._handle = null
  const used = adoptAccepted(s)
  inner._handle = handle
  t.equal(used.socket, s, 'the original socket is kept')
  const got = new Promise<[string, number]>((resolve) => used.setChunkHandler((chunk, viewMin) => {
    resolve([chunk.toString(), viewMin])
    return false
  }))
  out.write('x')
  t.same(await got, ['x', 0], 'resumed: bytes arrive through data events, each chunk its own memory')
})

t.test('bulk stream: a read buffer is kept by views only when they fill at least half of it', async (t) => {
  const pull = new Pull({ linger: 0, receiveHighWaterMark: 0 })
  await pull.bind('tcp://127.0.0.1:*')
  const push = new Push({ linger: 0, sendHighWaterMark: 0 })
  t.teardown(() => { pull.close(); push.close() })
  push.connect(pull.lastEndpoint!)
  const large = Buffer.alloc(SHARED_READ_SIZE / 8, 7)
  const small = Buffer.alloc(100, 3)
  // Rounds of one large frame among ~300 KiB of small messages, then rounds of large frames only.
  const plan: Buffer[] = []
  for (let r = 0; r < 20; r++) {
    plan.push(large)
    for (let i = 0; i < 3000; i++) plan.push(small)
  }
  for (let r = 0; r < 60; r++) plan.push(large)
  const sending = (async () => { for (const m of plan) await push.send(m) })()
  const kept: Buffer[] = []
  for (let i = 0; i < plan.length; i++) {
    const [f] = await pull.receive()
    if (f!.length !== plan[i]!.length || f![0] !== plan[i]![0]) t.fail(`message ${i} differs`)
    if (f!.length === large.length) kept.push(f!)
  }
  await sending
  const byBuffer = new Map<ArrayBufferLike, number>()
  for (const f of kept) if (f.buffer.byteLength === SHARED_READ_SIZE) byBuffer.set(f.buffer, (byBuffer.get(f.buffer) ?? 0) + f.length)
  t.ok(byBuffer.size > 0, `large frames alone were delivered as views (${byBuffer.size} buffers)`)
  const thin = [...byBuffer.values()].filter((bytes) => bytes < SHARED_READ_SIZE / 2)
  t.same(thin, [], 'no read buffer is held by views filling less than half of it')
})

t.test('chunks read before a handler is set are kept (copied) and handed over when it is', { skip: !SHARED_READS }, async (t) => {
  const server = net.createServer((s) => s.end('early bytes'))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())
  const out = connectSocket({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port }, () => {})
  t.teardown(() => out.destroy())
  // Read with no handler yet: the stream ends once the bytes are in.
  await new Promise<void>((resolve) => out.socket.once('end', () => resolve()))
  const got: [string, number][] = []
  out.setChunkHandler((chunk, viewMin) => {
    got.push([chunk.toString(), viewMin])
    return false
  })
  t.same(got, [['early bytes', 0]], 'handed over as a copy the handler may keep')
})
