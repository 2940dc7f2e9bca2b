// Endpoints and transports: ephemeral ports and lastEndpoint, IPv6 loopback, ipc:// (stale
// socket file removed on bind, unlinked on unbind/close), interop over ipc with libzmq.
import t from 'tap'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as zmq from 'zeromq'
import * as ours from '../../../zmtp/index.ts'
import { capability, Dealer, Pair, Router, version } from '../../../zmtp/index.ts'
import { parseEndpoint } from '../../../zmtp/transport/endpoint.ts'
import { nextEvent, recv, strs, waitFor } from '../../helpers/zmtp.ts'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zmtp-ipc-'))
t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }))

t.test('endpoint parsing', async (t) => {
  t.same(parseEndpoint('tcp://127.0.0.1:5555'), { transport: 'tcp', host: '127.0.0.1', port: 5555, family: 4 })
  t.same(parseEndpoint('tcp://*:*'), { transport: 'tcp', host: '*', port: 0, family: 0 })
  t.same(parseEndpoint('tcp://[::1]:0'), { transport: 'tcp', host: '::1', port: 0, family: 6 })
  t.same(parseEndpoint('ipc:///tmp/x.sock'), { transport: 'ipc', path: '/tmp/x.sock' })
  t.same(parseEndpoint('ipc://@abstract'), { transport: 'ipc', path: '\0abstract' })
  for (const bad of ['tcp://127.0.0.1', 'tcp://:5', 'tcp://h:99999', 'tcp://h:x', 'nope', 'tcp://[::1:5']) {
    t.throws(() => parseEndpoint(bad), { code: 'EINVAL' }, bad)
  }
  t.throws(() => parseEndpoint('udp://h:1'), { code: 'EPROTONOSUPPORT' })
  const d = new Dealer()
  t.teardown(() => d.close())
  t.throws(() => d.connect('tcp://127.0.0.1:*'), { code: 'EINVAL' })
  await t.rejects(d.bind('bogus'), { code: 'EINVAL' })
})

t.test('capability: the keys zeromq.js has, true for what works here', async (t) => {
  t.same(Object.keys(capability).sort(), ['curve', 'draft', 'gssapi', 'ipc', 'norm', 'pgm', 'tipc'])
  t.same(Object.keys(capability).filter((k) => capability[k as keyof typeof capability]).sort(), ['curve', 'ipc'])
  for (const k of Object.keys(zmq.capability)) t.ok(k in capability, `zeromq.js key ${k} is answered`)
  t.ok(Object.isFrozen(capability))
})

t.test('version: the libzmq release whose behaviour this stack follows, in zeromq.js\' format', async (t) => {
  t.match(version, /^\d+\.\d+\.\d+$/)
  t.equal(version, zmq.version, 'the release zeromq.js 6.8.0 is built with, which the interop tests run against')
})

t.test('every export of zeromq.js has a counterpart of the same kind', async (t) => {
  // `__esModule` is CommonJS' marker, not an export.
  for (const [name, value] of Object.entries(zmq).filter(([name]) => name !== '__esModule')) {
    t.ok(name in ours, `${name} is exported`)
    t.equal(typeof (ours as Record<string, unknown>)[name], typeof value, `${name} is a ${typeof value}`)
  }
  // `import zmq from` gives zeromq.js' exports; ours gives the same members.
  for (const name of Object.keys(ours).filter((n) => n !== 'default')) {
    t.equal((ours.default as Record<string, unknown>)[name], (ours as Record<string, unknown>)[name], `default.${name}`)
  }
})

t.test('ephemeral ports: * and 0 both report the real port in lastEndpoint', async (t) => {
  const a = new Router({ linger: 0 })
  const b = new Router({ linger: 0 })
  t.teardown(() => (a.close(), b.close()))
  await a.bind('tcp://127.0.0.1:*')
  await b.bind('tcp://127.0.0.1:0')
  for (const s of [a, b]) {
    const m = /^tcp:\/\/127\.0\.0\.1:(\d+)$/.exec(s.lastEndpoint!)
    t.ok(m && Number(m[1]) > 0, s.lastEndpoint!)
  }
  // Binding a port in use fails with EADDRINUSE.
  const c = new Router({ linger: 0 })
  t.teardown(() => c.close())
  await t.rejects(c.bind(a.lastEndpoint!), { code: 'EADDRINUSE' })
  // unbind by the reported endpoint frees the port.
  const ep = a.lastEndpoint!
  await a.unbind(ep)
  await c.bind(ep)
  t.equal(c.lastEndpoint, ep)
})

t.test('IPv6 loopback', async (t) => {
  const r = new Router({ linger: 0 })
  t.teardown(() => r.close())
  try {
    await r.bind('tcp://[::1]:*')
  } catch (e) {
    t.pass(`skipped: no IPv6 loopback here: ${(e as Error).message}`)
    return
  }
  t.match(r.lastEndpoint!, /^tcp:\/\/\[::1\]:\d+$/)
  const d = new Dealer({ linger: 0, routingId: 'v6' })
  t.teardown(() => d.close())
  d.connect(r.lastEndpoint!)
  const hs = await nextEvent(r, 'handshake')
  t.match(hs.address, /^\[::1\]:\d+$/)
  await d.send('over v6')
  t.same(strs(await recv(r)), ['v6', 'over v6'])
  // and against libzmq over IPv6
  const z = new zmq.Dealer({ linger: 0, ipv6: true, routingId: 'z6' })
  t.teardown(() => z.close())
  z.connect(r.lastEndpoint!)
  await z.send('libzmq v6')
  t.same(strs(await recv(r)), ['z6', 'libzmq v6'])
})

t.test('ipc: bind removes a stale socket file, never a regular file; unbind and close unlink', async (t) => {
  const p = path.join(tmp, 'stale.sock')
  // A stale socket file, as a crashed process leaves it: bound, never unlinked.
  execFileSync('/usr/bin/python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', p])
  t.ok(fs.lstatSync(p).isSocket(), 'stale socket file exists')
  const a = new Pair({ linger: 0 })
  t.teardown(() => a.close())
  await a.bind(`ipc://${p}`)
  t.equal(a.lastEndpoint, `ipc://${p}`)
  const b = new Pair({ linger: 0 })
  t.teardown(() => b.close())
  b.connect(`ipc://${p}`)
  await b.send('via ipc')
  t.same(strs(await recv(a)), ['via ipc'])
  await a.unbind(`ipc://${p}`)
  t.notOk(fs.existsSync(p), 'unlinked on unbind')

  const q = path.join(tmp, 'closed.sock')
  const c = new Pair({ linger: 0 })
  await c.bind(`ipc://${q}`)
  t.ok(fs.existsSync(q))
  c.close()
  await waitFor(() => !fs.existsSync(q), 2000, 'unlink on close')
  t.pass('unlinked on close')

  const regular = path.join(tmp, 'regular-file')
  fs.writeFileSync(regular, 'keep me')
  const d = new Pair({ linger: 0 })
  t.teardown(() => d.close())
  await t.rejects(d.bind(`ipc://${regular}`), { code: 'EADDRINUSE' })
  t.equal(fs.readFileSync(regular, 'utf8'), 'keep me', 'a regular file is never removed')
})

t.test('ipc interop with libzmq, both directions', async (t) => {
  const p1 = path.join(tmp, 'ours.sock')
  const r = new Router({ linger: 0 })
  await r.bind(`ipc://${p1}`)
  const z = new zmq.Dealer({ linger: 0, routingId: 'z' })
  t.teardown(() => (r.close(), z.close()))
  z.connect(`ipc://${p1}`)
  await z.send('hello ours')
  t.same(strs(await recv(r)), ['z', 'hello ours'])

  const p2 = path.join(tmp, 'theirs.sock')
  const zr = new zmq.Router({ linger: 0 })
  await zr.bind(`ipc://${p2}`)
  const d = new Dealer({ linger: 0, routingId: 'd' })
  t.teardown(() => (zr.close(), d.close()))
  d.connect(`ipc://${p2}`)
  await d.send('hello theirs')
  const [id, body] = await zr.receive()
  t.same([String(id), String(body)], ['d', 'hello theirs'])
})
