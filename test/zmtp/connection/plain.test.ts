// PLAIN (RFC 24) in both roles against real libzmq: zeromq.js v6 (libzmq 4.3.5) as PLAIN client,
// pyzmq (libzmq 4.3.4) with a ZAP authenticator as PLAIN server that accepts and rejects; and our
// client against our server.
import t from 'tap'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import * as zmq from 'zeromq'
import { connectTcp, connection, listen } from './helpers.ts'

const portOf = (endpoint: string): number => Number(endpoint.split(':').pop())

t.test('libzmq 4.3.5 as PLAIN server without a ZAP handler refuses every client', async (t) => {
  // zeromq.js v6 has no ZAP API; libzmq then drops PLAIN clients after HELLO (the accepted case
  // is covered with pyzmq and its ZAP authenticator below)
  const router = new zmq.Router({ plainServer: true })
  t.teardown(() => router.close())
  await router.bind('tcp://127.0.0.1:*')
  const { conn, rec } = connection(await connectTcp(portOf(router.lastEndpoint!)), { mechanism: 'PLAIN', plainUsername: 'alice', plainPassword: 'secret' })
  t.teardown(() => conn.destroy())
  await rec.closed
  t.equal(rec.peer, undefined, 'never ready')
  t.equal(rec.closes, 1)
})

t.test('a libzmq PLAIN client against our PLAIN server (accepted, async authenticate)', async (t) => {
  const l = await listen()
  t.teardown(() => l.close())
  const dealer = new zmq.Dealer({ plainUsername: 'bob', plainPassword: 'pw', routingId: 'bob-dealer' })
  t.teardown(() => dealer.close())
  dealer.connect(`tcp://127.0.0.1:${l.port}`)
  const seen: unknown[] = []
  const { conn, rec } = connection(await l.accept(), {
    socketType: 'ROUTER', mechanism: 'PLAIN', plainServer: true, address: '127.0.0.1:1234',
    authenticate: async (req) => {
      seen.push(req)
      await new Promise((r) => setTimeout(r, 20))
      return req.password === 'pw'
    },
  })
  t.teardown(() => conn.destroy())
  const peer = await rec.ready
  t.same(seen, [{ username: 'bob', password: 'pw', address: '127.0.0.1:1234' }], 'authenticate got the credentials and address')
  t.equal(peer.userId, 'bob')
  t.equal(peer.routingId?.toString(), 'bob-dealer', 'Identity from INITIATE')
  await dealer.send('ping')
  t.equal((await rec.messagesAtLeast(1))[0]![0]!.toString(), 'ping')
  conn.send([Buffer.from('pong')])
  t.equal((await dealer.receive())[0]!.toString(), 'pong')
})

t.test('our PLAIN server rejects a libzmq client: ERROR sent, AUTH_FAILED, libzmq fails its handshake', async (t) => {
  const l = await listen()
  t.teardown(() => l.close())
  const dealer = new zmq.Dealer({ plainUsername: 'eve', plainPassword: 'guess' })
  t.teardown(() => dealer.close())
  const handshakeEvent = (async () => {
    for await (const ev of dealer.events) if (ev.type.startsWith('handshake')) return ev.type
    return undefined
  })()
  dealer.connect(`tcp://127.0.0.1:${l.port}`)
  const { conn, rec } = connection(await l.accept(), { socketType: 'ROUTER', mechanism: 'PLAIN', plainServer: true, authenticate: () => false })
  t.teardown(() => conn.destroy())
  const err = await rec.closed
  t.equal(err?.code, 'ZMTP_AUTH_FAILED')
  t.equal(rec.errors.length, 1)
  t.notOk(rec.peer, 'never ready')
  // libzmq 4.3 only recognises its own misspelt "^RROR" command, so it reports a protocol error rather than an auth error
  const type = await handshakeEvent
  t.match(type, /^handshake:error:/, `libzmq handshake failed (${type})`)
})

t.test('our PLAIN client against our PLAIN server: accepted and rejected with a reason', async (t) => {
  const l = await listen()
  t.teardown(() => l.close())
  for (const ok of [true, false]) {
    const client = connection(await connectTcp(l.port), { mechanism: 'PLAIN', plainUsername: 'u', plainPassword: ok ? 'good' : 'bad' })
    const server = connection(await l.accept(), { socketType: 'ROUTER', mechanism: 'PLAIN', plainServer: true, authenticate: (r) => r.password === 'good' })
    if (ok) {
      const [cp, sp] = await Promise.all([client.rec.ready, server.rec.ready])
      t.equal(cp.socketType, 'ROUTER')
      t.equal(sp.userId, 'u')
      client.conn.destroy()
      server.conn.destroy()
    } else {
      const [ce, se] = await Promise.all([client.rec.closed, server.rec.closed])
      t.equal(se?.code, 'ZMTP_AUTH_FAILED', 'server side')
      t.equal(ce?.code, 'ZMTP_AUTH_FAILED', 'client side')
      t.match(ce?.message, /Invalid username or password/, 'client sees the reason')
    }
  }
})

t.test('a throwing authenticate rejects instead of crashing', async (t) => {
  const l = await listen()
  t.teardown(() => l.close())
  const client = connection(await connectTcp(l.port), { mechanism: 'PLAIN', plainUsername: 'u', plainPassword: 'p' })
  const server = connection(await l.accept(), {
    socketType: 'ROUTER', mechanism: 'PLAIN', plainServer: true, authenticate: () => { throw new Error('db down') },
  })
  const [ce, se] = await Promise.all([client.rec.closed, server.rec.closed])
  t.equal(se?.code, 'ZMTP_AUTH_FAILED')
  t.equal(ce?.code, 'ZMTP_AUTH_FAILED')
})

t.test('mechanism mismatch: NULL against a libzmq PLAIN server', async (t) => {
  const router = new zmq.Router({ plainServer: true })
  t.teardown(() => router.close())
  await router.bind('tcp://127.0.0.1:*')
  const { conn, rec } = connection(await connectTcp(portOf(router.lastEndpoint!)), { mechanism: 'NULL' })
  t.teardown(() => conn.destroy())
  const err = await rec.closed
  // libzmq may hang up as soon as it has read our greeting, before we have read all of its own
  t.equal(rec.peer, undefined, 'never ready')
  if (err !== undefined) t.equal(err.code, 'ZMTP_MECHANISM_MISMATCH')
})

t.test('mechanism mismatch between two of our connections is reported on both sides', async (t) => {
  const l = await listen()
  t.teardown(() => l.close())
  const client = connection(await connectTcp(l.port), { mechanism: 'NULL' })
  const server = connection(await l.accept(), { socketType: 'ROUTER', mechanism: 'PLAIN', plainServer: true })
  const [ce, se] = await Promise.all([client.rec.closed, server.rec.closed])
  t.equal(ce?.code, 'ZMTP_MECHANISM_MISMATCH')
  t.equal(se?.code, 'ZMTP_MECHANISM_MISMATCH')
})

const PY_SERVER = `
import sys, zmq
from zmq.auth.thread import ThreadAuthenticator
ctx = zmq.Context.instance()
auth = ThreadAuthenticator(ctx)
auth.start()
auth.configure_plain(domain='*', passwords={'alice': 'secret'})
s = ctx.socket(zmq.ROUTER)
s.plain_server = True
port = s.bind_to_random_port('tcp://127.0.0.1')
print(port, flush=True)
s.RCVTIMEO = 20000
try:
    while True:
        m = s.recv_multipart()
        s.send_multipart(m)
        if m[-1] == b'bye':
            break
except zmq.Again:
    pass
auth.stop()
s.close(linger=100)
ctx.term()
`

t.test('pyzmq PLAIN server with a ZAP authenticator: good and bad passwords', async (t) => {
  const py = spawn('/usr/bin/python3', ['-c', PY_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] })
  t.teardown(() => py.kill())
  const [line] = (await once(py.stdout, 'data')) as [Buffer]
  const port = Number(line.toString().trim())
  t.ok(port > 0, 'python server up')

  const bad = connection(await connectTcp(port), { mechanism: 'PLAIN', plainUsername: 'alice', plainPassword: 'wrong' })
  const err = await bad.rec.closed
  t.equal(err?.code, 'ZMTP_AUTH_FAILED', 'rejected by ZAP')
  t.match(err?.message, /400/, 'libzmq status code as the reason')

  const good = connection(await connectTcp(port), { mechanism: 'PLAIN', plainUsername: 'alice', plainPassword: 'secret' })
  t.teardown(() => good.conn.destroy())
  const peer = await good.rec.ready
  t.equal(peer.socketType, 'ROUTER')
  t.equal(peer.version.major, 3)
  good.conn.send([Buffer.from('echo'), Buffer.alloc(300, 7)])
  const [m] = await good.rec.messagesAtLeast(1)
  t.same(m!.map((f) => f.length), [4, 300])
  good.conn.send([Buffer.from('bye')])
  await good.rec.messagesAtLeast(2)
  await once(py, 'exit')
})


t.test('an authenticate() that never settles is cut off by the handshake timeout; a late verdict is ignored', async (t) => {
  const l = await listen()
  t.teardown(() => l.close())
  let settle: ((ok: boolean) => void) | undefined
  const client = connection(await connectTcp(l.port), { mechanism: 'PLAIN', plainUsername: 'u', plainPassword: 'p' })
  const server = connection(await l.accept(), {
    socketType: 'ROUTER', mechanism: 'PLAIN', plainServer: true, handshakeTimeout: 150,
    authenticate: () => new Promise<boolean>((r) => { settle = r }),
  })
  const se = await server.rec.closed
  t.equal(se?.code, 'ZMTP_HANDSHAKE_TIMEOUT')
  t.ok(settle, 'authenticate was called')
  settle!(true)
  await new Promise((r) => setTimeout(r, 20))
  t.equal(server.rec.closes, 1, 'no second close')
  t.equal(server.rec.peer, undefined, 'never ready')
  await client.rec.closed
  t.equal(client.rec.peer, undefined, 'client never ready either')
})
