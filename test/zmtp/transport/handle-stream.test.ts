// HandleStream, dialHandle and listenHandle (libuv TCP handles driven directly) against plain net
// peers on loopback: bytes both ways, accept with the peer's address, half-close either way, reset,
// refusal, destroy (also while connecting and from inside the chunk handler), pause and resume,
// writableLength and drain under backpressure, bulk reads into a stream's own buffer with intact
// content, IPv6, bind errors from listenHandle and from transport.ts's listen(), and writev([])
// (libuv would abort the process on a write of no buffers).
import t, { type Test } from 'tap'
import { execFile } from 'node:child_process'
import * as net from 'node:net'
import { fileURLToPath } from 'node:url'
import { ZmtpError } from '../../../zmtp/errors.ts'
import { parseEndpoint } from '../../../zmtp/transport/endpoint.ts'
import { dialHandle, HandleStream, listenHandle } from '../../../zmtp/transport/handle-stream.ts'
import { SHARED_READ_SIZE } from '../../../zmtp/transport/read-buffers.ts'
import { dial, listen } from '../../../zmtp/transport/transport.ts'
import { uv, type UvBinding } from '../../../zmtp/transport/uv-binding.ts'

if (uv === undefined) t.plan(0, 'no libuv handle bindings here (Windows, ZYRE_TS_STREAMS=net, --pending-deprecation)')
/** t.test, or nothing at all where the handle path is unavailable. */
function test(name: string, fn: (t: Test) => Promise<void>, opts: { todo?: string } = {}): void {
  if (uv !== undefined) void t.test(name, opts, fn)
}
const binding = uv as UvBinding
const MiB = 1024 * 1024
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** A periodic byte pattern: byte i of the whole stream is i % 251, so any loss, repeat or swap shows. */
const PATTERN = Buffer.allocUnsafe(2 * MiB + 251)
for (let i = 0; i < PATTERN.length; i++) PATTERN[i] = i % 251
const pattern = (offset: number, len: number): Buffer => PATTERN.subarray(offset % 251, (offset % 251) + len)

/** Checks bytes against the pattern as they arrive; `bad` is the offset of the first mismatch. */
class PatternCheck {
  total = 0
  bad = -1
  add(chunk: Buffer): void {
    for (let o = 0; o < chunk.length && this.bad < 0; o += MiB) {
      const part = chunk.subarray(o, o + MiB)
      if (!part.equals(pattern(this.total + o, part.length))) this.bad = this.total + o
    }
    this.total += chunk.length
  }
}

/** A net.Server on loopback; every accepted socket is destroyed at teardown. */
async function netServer(t: Test, opts: net.ServerOpts = {}): Promise<{ port: number; conn: Promise<net.Socket> }> {
  const server = net.createServer(opts)
  const sockets: net.Socket[] = []
  const conn = new Promise<net.Socket>((resolve) => server.on('connection', (s) => { sockets.push(s); resolve(s) }))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { for (const s of sockets) s.destroy(); server.close() })
  return { port: (server.address() as net.AddressInfo).port, conn }
}

/** Tracks a stream's close: every call, and a promise for the first; destroyed at teardown. */
function track(t: Test, s: HandleStream): { calls: (Error | undefined)[]; closed: Promise<Error | undefined> } {
  t.teardown(() => s.destroy())
  const calls: (Error | undefined)[] = []
  const closed = new Promise<Error | undefined>((resolve) => s.onClose((err) => { calls.push(err); resolve(err) }))
  return { calls, closed }
}

/** Dials `port` and resolves once connected; onConnect must hand over the stream dialHandle returned. */
async function dialed(t: Test, port: number): Promise<{ s: HandleStream; close: ReturnType<typeof track> }> {
  let s: HandleStream | undefined
  const got = await new Promise<HandleStream>((resolve) => { s = dialHandle(binding, '127.0.0.1', port, 4, resolve) })
  t.equal(got, s, 'onConnect gets the stream dialHandle returned')
  return { s: got, close: track(t, got) }
}

/** Everything a net socket reads until its 'end'. */
function readToEnd(sock: net.Socket): Promise<string> {
  let got = ''
  sock.setEncoding('latin1')
  return new Promise((resolve) => { sock.on('data', (d: string) => { got += d }); sock.on('end', () => resolve(got)) })
}

/** Collects a stream's chunks as text; `until` resolves once the text is at least `n` long. */
function textOf(s: HandleStream): { text: () => string; viewMins: Set<number>; until: (n: number) => Promise<string> } {
  let text = ''
  let check = (): void => {}
  const viewMins = new Set<number>()
  s.setChunkHandler((chunk, viewMin) => {
    text += chunk.toString('latin1')
    viewMins.add(viewMin)
    check()
    return false
  })
  const until = (n: number): Promise<string> => new Promise((resolve) => (check = () => text.length >= n && resolve(text))())
  return { text: () => text, viewMins, until }
}

test('dial a net.Server: onConnect, write/writev out, chunks in to copy (viewMin Infinity)', async (t) => {
  const { port, conn } = await netServer(t)
  const { s } = await dialed(t, port)
  const peer = await conn
  peer.write('early')
  await sleep(20)
  const inbound = textOf(s)
  t.equal(await inbound.until(5), 'early', 'bytes that arrived before the handler was set reach it')
  peer.write('pong')
  t.equal(await inbound.until(9), 'earlypong')
  t.same([...inbound.viewMins], [Infinity], 'small reads are in the shared buffer: the handler must copy')
  const got = readToEnd(peer)
  s.write(Buffer.from('one,'))
  s.writev([Buffer.from('two'), Buffer.from(','), Buffer.from('three,')])
  s.writev([Buffer.from('four')])
  s.end()
  t.equal(await got, 'one,two,three,four', 'write, writev of several and of one buffer arrive in order')
})

test('listenHandle accepts a net client with its address and port', async (t) => {
  let accept: (a: [HandleStream, string, number]) => void = () => {}
  const accepted = new Promise<[HandleStream, string, number]>((resolve) => { accept = resolve })
  const l = listenHandle(binding, '127.0.0.1', 0, 10, (s, address, port) => accept([s, address, port]))
  t.teardown(() => l.close())
  t.equal(l.address, '127.0.0.1')
  t.ok(l.port > 0, 'an ephemeral port was bound')
  const client = net.connect(l.port, '127.0.0.1')
  t.teardown(() => client.destroy())
  client.on('connect', () => client.write('hi'))
  const [s, address, port] = await accepted
  track(t, s)
  t.ok(s instanceof HandleStream)
  t.equal(address, '127.0.0.1')
  await new Promise((resolve) => client.localPort === undefined ? client.on('connect', resolve) : resolve(0))
  t.equal(port, client.localPort, 'the peer port is the client socket\'s own')
  t.equal(await textOf(s).until(2), 'hi', 'the accepted stream reads')
})

test('peer FIN: what we wrote still reaches the peer, then our side ends and the stream closes', async (t) => {
  const { port, conn } = await netServer(t)
  const { s, close } = await dialed(t, port)
  textOf(s)
  const peer = await conn
  peer.pause()
  const size = 32 * MiB
  for (let o = 0; o < size; o += MiB) s.write(pattern(o, MiB))
  t.ok(s.writableLength > 0, 'some of it waits for the peer to read')
  const check = new PatternCheck()
  const peerEnded = new Promise<number>((resolve) => peer.on('end', () => resolve(check.total)))
  peer.on('data', (d: Buffer) => check.add(d))
  peer.end()
  await sleep(50)
  t.notOk(s.destroyed, 'not closed while our writes are pending')
  peer.resume()
  t.equal(await peerEnded, size, 'the peer read all we wrote before our FIN')
  t.equal(check.bad, -1, 'intact')
  t.equal(await close.closed, undefined, 'closed without error')
  await sleep(20)
  t.equal(close.calls.length, 1, 'close listener called once')
  t.ok(s.destroyed)
})

test('end(last): the peer gets last then end; reading goes on; we close when the peer closes', async (t) => {
  const { port, conn } = await netServer(t, { allowHalfOpen: true })
  const { s, close } = await dialed(t, port)
  const inbound = textOf(s)
  const peer = await conn
  const peerGot = readToEnd(peer)
  s.end(Buffer.from('bye'))
  t.equal(await peerGot, 'bye', 'the peer read last, then end')
  s.write(Buffer.from('more'))
  s.writev([Buffer.from('a'), Buffer.from('b')])
  s.end(Buffer.from('again'))
  peer.write('late')
  const late = await Promise.race([inbound.until(4), close.closed.then(() => 'closed')])
  t.equal(late, 'late', 'what the peer sends after our end is still read')
  t.notOk(s.destroyed, 'half-closed, still open: writes after end were ignored, not errors')
  peer.end()
  t.equal(await close.closed, undefined, 'closes without error once the peer ends')
  t.equal(close.calls.length, 1)
})

test('destroy(): destroyed at once, close listeners later and once, later calls are no-ops', async (t) => {
  const { port, conn } = await netServer(t)
  const { s, close } = await dialed(t, port)
  const peer = await conn
  peer.pause()
  for (let o = 0; o < 32 * MiB; o += MiB) s.write(pattern(o, MiB))
  t.ok(s.writableLength > 0, 'writes pending')
  let drained = 0
  s.setDrainListener(() => drained++)
  const peerClosed = new Promise((resolve) => peer.on('close', resolve).on('error', () => {}).resume())
  let second = 0
  s.onClose(() => second++)
  let inDestroy = true
  s.destroy()
  inDestroy = false
  t.ok(s.destroyed, 'destroyed at once')
  t.equal(close.calls.length, 0, 'listeners not called from inside destroy()')
  t.doesNotThrow(() => {
    s.write(Buffer.from('x'))
    s.writev([Buffer.from('a'), Buffer.from('b')])
    s.writev([Buffer.from('c')])
    s.end(Buffer.from('z'))
    s.pause()
    s.resume()
    s.destroy()
  })
  t.equal(await close.closed, undefined, 'no error')
  t.notOk(inDestroy)
  await peerClosed
  t.equal(close.calls.length, 1, 'first listener once')
  t.equal(second, 1, 'second listener once')
  t.equal(s.writableLength, 0, 'dropped writes no longer count')
  t.equal(drained, 0, 'and make no drain')
})

test('destroy() while connecting: onConnect never runs, the close listener does', async (t) => {
  const { port } = await netServer(t)
  let connected = 0
  const s = dialHandle(binding, '127.0.0.1', port, 4, () => connected++)
  const close = track(t, s)
  s.destroy()
  t.equal(await close.closed, undefined)
  await sleep(50)
  t.equal(connected, 0, 'onConnect not called')
  t.equal(close.calls.length, 1)
})

test('connection refused: the close listener gets ECONNREFUSED, onConnect never runs', async (t) => {
  const probe = net.createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const port = (probe.address() as net.AddressInfo).port
  await new Promise((resolve) => probe.close(resolve))
  let connected = 0
  const s = dialHandle(binding, '127.0.0.1', port, 4, () => connected++)
  const close = track(t, s)
  const err = (await close.closed) as NodeJS.ErrnoException | undefined
  t.ok(err instanceof Error)
  t.match(err, { code: 'ECONNREFUSED', syscall: 'connect' })
  t.equal(connected, 0)
  t.ok(s.destroyed)
  t.throws(() => dial(parseEndpoint('tcp://127.0.0.1:0'), () => {}), { code: 'EINVAL' }, 'transport dial refuses port 0')
})

test('peer reset: the close listener gets read ECONNRESET', async (t) => {
  const { port, conn } = await netServer(t)
  const { s, close } = await dialed(t, port)
  const inbound = textOf(s)
  const peer = await conn
  peer.write('x')
  await inbound.until(1)
  peer.resetAndDestroy()
  t.match(await close.closed, { code: 'ECONNRESET', syscall: 'read' })
  t.equal(close.calls.length, 1)
})

test('pause/resume: nothing is delivered while paused; afterwards all of it, in order', async (t) => {
  const { port, conn } = await netServer(t)
  const { s } = await dialed(t, port)
  const inbound = textOf(s)
  const peer = await conn
  peer.write('a')
  await inbound.until(1)
  s.pause()
  for (const w of ['b', 'c', 'd']) await new Promise((resolve) => peer.write(w, resolve))
  await sleep(100)
  t.equal(inbound.text(), 'a', 'nothing while paused')
  s.pause()
  s.resume()
  t.equal(await inbound.until(4), 'abcd', 'after resume, everything in order')
})

test('backpressure: writableLength grows while the peer does not read, drain when all has gone', async (t) => {
  const { port, conn } = await netServer(t)
  const { s, close } = await dialed(t, port)
  const peer = await conn
  peer.pause()
  const size = 64 * MiB
  const drained: number[] = []
  const drain = new Promise<void>((resolve) => s.setDrainListener(() => { drained.push(s.writableLength); resolve() }))
  for (let o = 0; o < size; o += MiB) s.write(pattern(o, MiB))
  t.ok(s.writableLength > 0 && s.writableLength <= size, `writableLength ${s.writableLength} is what waits`)
  await sleep(20)
  t.same(drained, [], 'no drain while the peer does not read')
  const check = new PatternCheck()
  const all = new Promise<void>((resolve) => peer.on('data', (d: Buffer) => { check.add(d); if (check.total >= size) resolve() }))
  peer.resume()
  await Promise.all([all, drain])
  t.same(drained, [0], 'drain once, with writableLength back to 0')
  t.equal(s.writableLength, 0)
  t.equal(check.total, size)
  t.equal(check.bad, -1, 'all bytes intact')
  t.equal(close.calls.length, 0)
})

test('writes left to libuv keep their request while other streams write at once in between', async (t) => {
  // Writes completed within the call share one request object (handle-stream.ts); one left to
  // libuv must keep its own until it completes, whichever stream writes next.
  const slow = await netServer(t)
  const fast = await netServer(t)
  const a = await dialed(t, slow.port)
  const b = await dialed(t, fast.port)
  const slowPeer = await slow.conn
  const fastPeer = await fast.conn
  slowPeer.pause()
  const checkA = new PatternCheck()
  const checkB = new PatternCheck()
  const size = 16 * MiB
  const allB = new Promise<void>((resolve) => fastPeer.on('data', (d: Buffer) => { checkB.add(d); if (checkB.total >= 3 * 200 * 100) resolve() }))
  let offB = 0
  for (let round = 0; round < 3; round++) {
    // A's writes wait in libuv (its peer does not read) ...
    for (let o = round * size; o < (round + 1) * size; o += MiB) a.s.write(pattern(o, MiB))
    // ... while B's small ones complete at once, single and gathered.
    for (let i = 0; i < 100; i++, offB += 200) {
      if (i % 2 === 0) b.s.write(pattern(offB, 200))
      else b.s.writev([pattern(offB, 50), pattern(offB + 50, 150)])
    }
  }
  t.ok(a.s.writableLength > 0, `A has ${a.s.writableLength} bytes left to libuv`)
  await allB
  t.equal(checkB.bad, -1, "B's bytes intact and in order")
  const drained = new Promise<void>((resolve) => a.s.setDrainListener(resolve))
  const allA = new Promise<void>((resolve) => slowPeer.on('data', (d: Buffer) => { checkA.add(d); if (checkA.total >= 3 * size) resolve() }))
  slowPeer.resume()
  await Promise.all([allA, drained])
  t.equal(checkA.total, 3 * size)
  t.equal(checkA.bad, -1, "A's bytes intact and in order")
  t.equal(a.s.writableLength, 0, 'every write left to libuv completed on its own stream')
  t.equal(b.s.writableLength, 0)
  t.same([a.close.calls.length, b.close.calls.length], [0, 0])
})

test('listen on a port in use: listenHandle throws EADDRINUSE, listen() rejects with ZmtpError', async (t) => {
  const { port } = await netServer(t)
  t.throws(() => listenHandle(binding, '127.0.0.1', port, 10, () => {}), { code: 'EADDRINUSE', syscall: 'listen' })
  const rejected = await listen(parseEndpoint(`tcp://127.0.0.1:${port}`), () => {}).then(() => undefined, (e: unknown) => e)
  t.ok(rejected instanceof ZmtpError, 'a ZmtpError')
  t.match(rejected, { code: 'EADDRINUSE', cause: { code: 'EADDRINUSE' } })
})

test('IPv6: listen on ::1 and dial it', async (t) => {
  const accepted = new Promise<[HandleStream, string]>((resolve) => {
    void listen(parseEndpoint('tcp://[::1]:0'), (s, address) => resolve([s as HandleStream, address])).then((l) => {
      t.teardown(() => l.close())
      t.match(l.endpoint, /^tcp:\/\/\[::1\]:\d+$/)
      const out = dialHandle(binding, '::1', Number(l.endpoint.split(':').pop()), 6, (c) => c.write(Buffer.from('six')))
      track(t, out)
    })
  })
  const [s, address] = await accepted
  track(t, s)
  t.ok(s instanceof HandleStream)
  t.match(address, /^\[::1\]:\d+$/)
  t.equal(await textOf(s).until(3), 'six')
})

for (const keep of [false, true]) {
  test(`bulk reads into the stream's own buffer, content intact (handler ${keep ? 'keeps views' : 'copies'})`, async (t) => {
    const { port, conn } = await netServer(t)
    const { s } = await dialed(t, port)
    const size = 24 * MiB
    const parts: Buffer[] = []
    let bulk = 0
    let views = 0
    let total = 0
    const done = new Promise<void>((resolve) => s.setChunkHandler((chunk, viewMin) => {
      if (chunk.length >= SHARED_READ_SIZE / 2 && viewMin === SHARED_READ_SIZE / 8) bulk++
      const view = keep && chunk.length >= viewMin
      if (view) views++
      parts.push(view ? chunk : Buffer.from(chunk))
      total += chunk.length
      if (total >= size) resolve()
      return view
    }))
    const peer = await conn
    for (let o = 0; o < size; o += MiB) peer.write(pattern(o, MiB))
    await done
    t.ok(bulk > 0, `${bulk} reads of at least 256 KiB into the stream's own buffer (viewMin 64 KiB)`)
    if (keep) t.ok(views > 0, `${views} chunks kept as views`)
    const check = new PatternCheck()
    for (const p of parts) check.add(p)
    t.equal(check.total, size)
    t.equal(check.bad, -1, 'every byte intact after the last read')
  })
}

for (const when of ['first chunk', 'first bulk chunk']) {
  test(`destroy() from inside the chunk handler (${when}): no further chunks, closes cleanly`, async (t) => {
    const { port, conn } = await netServer(t)
    const { s, close } = await dialed(t, port)
    let chunks = 0
    let after = 0
    s.setChunkHandler((_chunk, viewMin) => {
      if (s.destroyed) after++
      chunks++
      if (when === 'first chunk' || viewMin !== Infinity) s.destroy()
      return false
    })
    const peer = await conn
    peer.on('error', () => {})
    for (let o = 0; o < 16 * MiB; o += MiB) peer.write(pattern(o, MiB))
    t.equal(await close.closed, undefined)
    await sleep(50)
    t.equal(after, 0, `no chunk after destroy (${chunks} in all)`)
    t.equal(close.calls.length, 1)
  })
}

// In a child process: libuv asserts nbufs > 0 (an abort, not an exception) if writev() passes an
// empty list through, so HandleStream writes nothing then, as SocketStream does. No caller does
// this today (StreamWriter.flush returns when empty), but the interface does not forbid it.
test('writev([]) writes nothing and does not abort the process', async (t) => {
  const root = fileURLToPath(new URL('../../../', import.meta.url))
  const child = `import * as net from 'node:net'
    import { dialHandle } from './zmtp/transport/handle-stream.ts'
    import { uv } from './zmtp/transport/uv-binding.ts'
    const server = net.createServer((s) => s.resume()).listen(0, '127.0.0.1', () => dialHandle(uv, '127.0.0.1',
      server.address().port, 4, (s) => { s.writev([]); s.destroy(); server.close(); console.log('survived') }))`
  const result = await new Promise((resolve) => execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child],
    { cwd: root }, (err, out) => resolve({ code: err ? err.code ?? null : 0, signal: err?.signal ?? null, out })))
  t.same(result, { code: 0, signal: null, out: 'survived\n' })
})
