// Stream (ZMQ_STREAM): raw TCP with non-ZMTP peers. Plain Node sockets and Node's HTTP client as
// the peers, both directions; connect notifications, close by an empty frame (data first, no
// redial), reconnects keeping the id, connect routing ids, back-pressure, the errors; then libzmq's
// own Stream (zeromq.js) at the other end, and one script run against both ours and zeromq.js'.
import t from 'tap'
import * as net from 'node:net'
import * as http from 'node:http'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as zmq from 'zeromq'
import { Stream, ZmtpErrorCode, type StreamOptions } from '../../../zmtp/index.ts'
import { recv, strs, waitFor } from '../../helpers/zmtp.ts'

const ANY = 'tcp://127.0.0.1:*'
const EMPTY = Buffer.alloc(0)

function portOf(endpoint: string): number {
  return Number(endpoint.slice(endpoint.lastIndexOf(':') + 1))
}

/** A raw TCP client, collecting what it reads until the server ends the connection. */
async function rawClient(endpoint: string): Promise<{ sock: net.Socket; received: () => Buffer; ended: Promise<void> }> {
  const sock = net.connect(portOf(endpoint), '127.0.0.1')
  await once(sock, 'connect')
  const chunks: Buffer[] = []
  sock.on('data', (c: Buffer) => chunks.push(c))
  const ended = once(sock, 'end').then(() => undefined)
  return { sock, received: () => Buffer.concat(chunks), ended }
}

/** A Stream bound on loopback (closed when `t` ends), a raw client connected to it, and the client's id. */
async function boundWithClient(t: { teardown(fn: () => void): void }, options: StreamOptions = {}) {
  const s = new Stream({ linger: 0, ...options })
  t.teardown(() => s.close())
  await s.bind(ANY)
  const c = await rawClient(s.lastEndpoint!)
  const [id] = await recv(s)
  return { s, c, id: id! }
}

/** Receive until `n` bytes of data from `id` have come (chunking is the kernel's business). */
async function recvBytes(s: Stream, id: Buffer, n: number): Promise<Buffer> {
  const parts: Buffer[] = []
  let got = 0
  while (got < n) {
    const [from, data] = await recv(s)
    if (!from!.equals(id)) throw new Error('data from another connection')
    parts.push(data!)
    got += data!.length
  }
  return Buffer.concat(parts)
}

t.test('server: a raw client connects, talks, and is closed by an empty frame after the data', async (t) => {
  const s = new Stream({ linger: 0 })
  t.teardown(() => s.close())
  const events: string[] = []
  s.events.on('accept', () => events.push('accept'))
  s.events.on('handshake', () => events.push('handshake'))
  s.events.on('disconnect', () => events.push('disconnect'))
  await s.bind(ANY)
  const c = await rawClient(s.lastEndpoint!)
  const [id, hello] = await recv(s)
  t.equal(id!.length, 5, 'a generated 5-byte id')
  t.equal(id![0], 0, 'starting with a zero byte, as libzmq')
  t.same(hello, EMPTY, 'notify: an empty frame announces the connection')
  c.sock.write('GET / HTTP/1.0\r\n\r\n')
  const request = await recvBytes(s, id, 18)
  t.equal(request.toString(), 'GET / HTTP/1.0\r\n\r\n', 'raw bytes in, no ZMTP greeting or framing')
  const body = Buffer.alloc(300_000, 0x61)
  await s.send([id, 'HTTP/1.0 200 OK\r\n\r\n'])
  await s.send([id, body])
  await s.send([id, EMPTY])
  await c.ended
  t.equal(c.received().length, 19 + body.length, 'everything sent before the empty frame arrived, then the FIN')
  t.ok(c.received().subarray(19).equals(body), 'byte for byte')
  await t.rejects(s.send([id, 'late']), { code: ZmtpErrorCode.EHOSTUNREACH }, 'the closed id is gone at once')
  c.sock.end()
  await waitFor(() => events.includes('disconnect'), 5000, 'disconnect event')
  s.receiveTimeout = 100
  await t.rejects(s.receive(), { code: ZmtpErrorCode.EAGAIN }, 'no notification for a connection the application closed')
  t.same(events, ['accept', 'disconnect'], 'accept and disconnect events; no handshake on raw TCP')
})

t.test('server: a client that hangs up is announced, and its id then refused', async (t) => {
  const s = new Stream({ linger: 0 })
  t.teardown(() => s.close())
  await s.bind(ANY)
  const a = await rawClient(s.lastEndpoint!)
  const [idA] = await recv(s)
  const b = await rawClient(s.lastEndpoint!)
  const [idB] = await recv(s)
  t.not(idA!.toString('hex'), idB!.toString('hex'), 'each connection has its own id')
  b.sock.write('from b')
  a.sock.write('from a')
  const got = new Map<string, string>()
  while (got.size < 2) {
    const [id, data] = await recv(s)
    got.set(id!.toString('hex'), (got.get(id!.toString('hex')) ?? '') + String(data))
  }
  t.equal(got.get(idA!.toString('hex')), 'from a')
  t.equal(got.get(idB!.toString('hex')), 'from b')
  a.sock.end()
  const [gone, empty] = await recv(s)
  t.same([gone, empty], [idA, EMPTY], 'an empty frame announces the lost connection')
  await t.rejects(s.send([idA!, 'x']), { code: ZmtpErrorCode.EHOSTUNREACH })
  await s.send([idB!, 'still here'])
  await waitFor(() => b.received().length === 10)
  t.equal(b.received().toString(), 'still here', 'the other connection goes on')
  b.sock.destroy()
})

t.test('notify: false delivers data only', async (t) => {
  const s = new Stream({ linger: 0, notify: false })
  t.teardown(() => s.close())
  await s.bind(ANY)
  const c = await rawClient(s.lastEndpoint!)
  c.sock.write('x')
  const [, data] = await recv(s)
  t.equal(String(data), 'x', 'the first message is data')
  c.sock.destroy()
  s.receiveTimeout = 150
  await t.rejects(s.receive(), { code: ZmtpErrorCode.EAGAIN }, 'no empty frame when it goes')
})

t.test("Node's HTTP client against a Stream socket serving HTTP/1.0", async (t) => {
  const s = new Stream({ linger: 0 })
  t.teardown(() => s.close())
  await s.bind(ANY)
  const serve = (async () => {
    const buffered = new Map<string, string>()
    for (;;) {
      const [id, data] = await s.receive()
      if (data!.length === 0) continue
      const key = id!.toString('hex')
      const text = (buffered.get(key) ?? '') + String(data)
      buffered.set(key, text)
      if (!text.includes('\r\n\r\n')) continue
      const path = text.split(' ')[1]
      const body = `you asked for ${path}`
      await s.send([id, `HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`])
      await s.send([id, EMPTY])
      return
    }
  })()
  const answer = await new Promise<string>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: portOf(s.lastEndpoint!), path: '/hello', agent: false }, (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (d: string) => (text += d))
        res.on('end', () => resolve(`${res.statusCode} ${text}`))
      })
      .on('error', reject)
  })
  await serve
  t.equal(answer, '200 you asked for /hello')
})

t.test('client: connect with a routing id, send before the connection is up, reconnect keeps the id', async (t) => {
  const accepted: net.Socket[] = []
  const server = net.createServer((sock) => accepted.push(sock))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => server.close())
  const endpoint = `tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`
  const s = new Stream({ linger: 0, reconnectInterval: 20 })
  t.teardown(() => s.close())
  s.connect(endpoint, { routingId: 'conn-1' })
  await s.send(['conn-1', 'queued before the connection'])
  const [id, hello] = await recv(s)
  t.same([String(id), hello], ['conn-1', EMPTY], 'notify with the id given to connect()')
  await waitFor(() => accepted.length === 1)
  const first = accepted[0]!
  let firstData = ''
  first.on('data', (d) => (firstData += d))
  await waitFor(() => firstData === 'queued before the connection', 5000, 'queued data')
  t.pass('what was sent while connecting arrives once connected')
  first.write('pong')
  t.same(strs(await recv(s)), ['conn-1', 'pong'])
  first.destroy()
  t.same(strs(await recv(s)), ['conn-1', ''], 'the loss is announced')
  t.same(strs(await recv(s)), ['conn-1', ''], 'and the reconnection, under the same id')
  await waitFor(() => accepted.length === 2)
  await s.send(['conn-1', 'again'])
  let secondData = ''
  accepted[1]!.on('data', (d) => (secondData += d))
  await waitFor(() => secondData === 'again')
  t.pass('the id reaches the new connection')
  const closed = once(accepted[1]!, 'end')
  await s.send(['conn-1', EMPTY])
  await closed
  await new Promise((r) => setTimeout(r, 150))
  t.equal(accepted.length, 2, 'closed by an empty frame: never redialled')
  await t.rejects(s.send(['conn-1', 'x']), { code: ZmtpErrorCode.EHOSTUNREACH })
  accepted.forEach((a) => a.destroy())
})

t.test('bad sends and bad endpoints fail with typed errors', async (t) => {
  const { s, c, id } = await boundWithClient(t)
  await t.rejects(s.send([id, 'a', 'b']), { code: ZmtpErrorCode.EINVAL }, 'three frames')
  await t.rejects(s.send([id!]), { code: ZmtpErrorCode.EINVAL }, 'one frame')
  await t.rejects(s.send([Buffer.from([0, 1, 2, 3, 4]), 'x']), { code: ZmtpErrorCode.EHOSTUNREACH }, 'unknown id')
  await t.rejects(s.bind('inproc://raw'), { code: ZmtpErrorCode.ENOCOMPATPROTO })
  t.throws(() => s.connect('inproc://raw'), { code: ZmtpErrorCode.ENOCOMPATPROTO })
  t.throws(() => s.connect('tcp://127.0.0.1:1', { routingId: Buffer.from([0, 1]) }), { code: ZmtpErrorCode.EINVAL }, 'id starting with zero')
  t.throws(() => s.connect('tcp://127.0.0.1:1', { routingId: '' }), { code: ZmtpErrorCode.EINVAL }, 'empty id')
  t.throws(() => s.connect('tcp://127.0.0.1:1', { routingId: 'x'.repeat(256) }), { code: ZmtpErrorCode.EINVAL }, 'id over 255 bytes')
  t.throws(() => s.connect('tcp://127.0.0.1:2', { routingId: id! }), { code: ZmtpErrorCode.EINVAL }, 'id in use')
  t.throws(() => new Stream({ mandatory: true } as never), { code: ZmtpErrorCode.EINVAL }, 'ROUTER options are not STREAM options')
  await s.send([id, 'fine'])
  await waitFor(() => c.received().toString() === 'fine')
  t.pass('the socket works after the refusals')
  c.sock.destroy()
})

t.test('back-pressure: a peer that does not read fills the queue, sends time out, then recover', async (t) => {
  const { s, c, id } = await boundWithClient(t, { sendHighWaterMark: 4, sendTimeout: 100 })
  c.sock.pause()
  const chunk = Buffer.alloc(256 * 1024, 1)
  let sent = 0
  let refused: unknown
  while (sent < 400) {
    try {
      await s.send([id, chunk])
      sent++
    } catch (err) {
      refused = err
      break
    }
  }
  t.match(refused, { code: ZmtpErrorCode.EAGAIN }, `refused after ${sent} chunks of 256 KiB: the kernel, the write mark and the pipe are full`)
  t.ok(sent < 400, 'bounded')
  c.sock.resume()
  await s.send([id, chunk])
  t.pass('sending resumes once the peer reads')
  await waitFor(() => c.received().length === (sent + 1) * chunk.length, 10_000, 'all bytes')
  t.pass('every accepted chunk arrived')
  c.sock.destroy()
})

t.test('close() ends a connection the application closed that a peer never reads, with linger 0', async (t) => {
  const { s, c, id } = await boundWithClient(t)
  c.sock.pause()
  for (let i = 0; i < 64; i++) await s.send([id, Buffer.alloc(256 * 1024)])
  await s.send([id, EMPTY])
  const gone = once(c.sock, 'close')
  s.close()
  c.sock.resume()
  await gone
  t.ok(c.received().length < 64 * 256 * 1024, 'cut off: the 16 MiB the peer never read were dropped, as linger 0 says')
})

t.test('over ipc:// too', async (t) => {
  const path = join(tmpdir(), `zyre-ts-stream-${process.pid}.sock`)
  const s = new Stream({ linger: 0 })
  t.teardown(() => s.close())
  await s.bind(`ipc://${path}`)
  const sock = net.connect(path)
  await once(sock, 'connect')
  const [id] = await recv(s)
  sock.write('over a unix socket')
  t.equal(String((await recv(s))[1]), 'over a unix socket')
  await s.send([id, 'and back'])
  const [answer] = (await once(sock, 'data')) as [Buffer]
  t.equal(String(answer), 'and back')
  sock.destroy()
})

t.test('a 1 MiB upload arrives whole, in order', async (t) => {
  const { s, c, id } = await boundWithClient(t)
  const upload = Buffer.alloc(1 << 20)
  for (let i = 0; i < upload.length; i++) upload[i] = (i * 7) & 0xff
  c.sock.write(upload)
  t.ok((await recvBytes(s, id, upload.length)).equals(upload))
  c.sock.destroy()
})

t.test("libzmq's Stream (zeromq.js) at the other end, both directions", async (t) => {
  for (const ourSideBinds of [true, false]) {
    const ours = new Stream({ linger: 0 })
    const theirs = new zmq.Stream({ linger: 0 })
    let ourId: Buffer
    let theirId: Buffer
    if (ourSideBinds) {
      await ours.bind(ANY)
      theirs.connect(ours.lastEndpoint!)
      ;[theirId] = await recv(ours)
      ;[ourId] = (await theirs.receive()) as Buffer[]
    } else {
      await theirs.bind(ANY)
      ours.connect(theirs.lastEndpoint!, { routingId: 'to-libzmq' })
      ;[ourId] = (await theirs.receive()) as Buffer[]
      ;[theirId] = await recv(ours)
      t.equal(String(theirId), 'to-libzmq')
    }
    await ours.send([theirId!, 'hello libzmq'])
    const [, a] = (await theirs.receive()) as Buffer[]
    t.equal(String(a), 'hello libzmq', `ours ${ourSideBinds ? 'binds' : 'connects'}: raw bytes reach libzmq`)
    await theirs.send([ourId!, 'hello zyre-ts'])
    const [, b] = await recv(ours)
    t.equal(String(b), 'hello zyre-ts', 'and back')
    // The binding side closes with an empty frame.
    if (ourSideBinds) {
      await ours.send([theirId!, EMPTY])
      t.same((await theirs.receive()) as Buffer[], [ourId!, EMPTY], 'our close by empty frame is announced by libzmq')
    } else {
      // libzmq closes the connection only once its socket handles commands again, as a pending
      // receive makes it do.
      const pending = theirs.receive().catch(() => undefined)
      await theirs.send([ourId!, EMPTY])
      t.same(await recv(ours), [theirId!, EMPTY], "libzmq's close by empty frame is announced to us")
      t.same(await recv(ours), [theirId!, EMPTY], 'and our redial')
      t.equal(((await pending) as Buffer[])[1]!.length, 0, 'which libzmq announces')
    }
    ours.close()
    theirs.close()
  }
})

/** The same steps on either implementation; returns what the application saw. */
async function script(make: () => { bind(ep: string): Promise<void>; lastEndpoint: string | null; send(m: (string | Buffer)[]): Promise<void>; receive(): Promise<Buffer[]>; close(): void }): Promise<string[]> {
  const s = make()
  const seen: string[] = []
  try {
    await s.bind(ANY)
    const c = await rawClient(s.lastEndpoint!)
    const [id, first] = await s.receive()
    seen.push(`connected:${first!.length}`)
    c.sock.write('abc')
    seen.push(`data:${String((await s.receive())[1])}`)
    await s.send([id, 'reply'])
    // A receive in progress (its message is the next client's arrival) keeps libzmq's socket
    // handling commands, which its close by empty frame needs.
    const next = s.receive()
    await s.send([id, EMPTY])
    await c.ended
    seen.push(`client got:${c.received().toString()}`)
    const c2 = await rawClient(s.lastEndpoint!)
    const [id2] = await next
    seen.push(`second id differs:${!id2!.equals(id)}`)
    c2.sock.end()
    const [gone, empty] = await s.receive()
    seen.push(`lost:${gone!.equals(id2!)}:${empty!.length}`)
    // Refused: libzmq says EAGAIN while its pipe winds down, then EHOSTUNREACH; ours at once.
    const refused = await s.send([id2!, 'x']).then(() => 'no', (err: { code: string }) => ['EAGAIN', 'EHOSTUNREACH'].includes(err.code))
    seen.push(`send to lost refused: ${refused}`)
  } finally {
    s.close()
  }
  return seen
}

t.test('one script, ours and zeromq.js: the application sees the same', async (t) => {
  const theirs = await script(() => new zmq.Stream({ linger: 0 }) as never)
  const ours = await script(() => new Stream({ linger: 0 }))
  t.same(ours, theirs, theirs.join(' | '))
})
