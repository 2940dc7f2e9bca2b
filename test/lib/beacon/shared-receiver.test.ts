// One receiving socket per port for the process's broadcast/unicast beacons: shared while any
// beacon holds it, closed with the last; every beacon gets every datagram (also a unicast one, and
// also when another's handler throws), read from one buffer, and its 'beacon' events carry a copy
// of their own unless sharedPayloads is set; a failed bind is reported to all waiting and leaves
// nothing behind. Loopback only, ports 47301-47305.
import t from 'tap'
import dgram from 'node:dgram'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { acquireReceiver } from '../../../lib/beacon/shared-receiver.ts'
import { Beacon } from '../../../lib/beacon/index.ts'

/** UDP sockets of this machine bound to the wildcard address on `port` (Linux /proc/net/udp). */
function boundTo(port: number): number {
  const local = `00000000:${port.toString(16).toUpperCase().padStart(4, '0')}`
  return readFileSync('/proc/net/udp', 'utf8').split('\n').filter((l) => l.trim().split(/\s+/)[1] === local).length
}

const sendTo = async (port: number, payload: Buffer, address = '127.0.0.1'): Promise<void> => {
  const s = dgram.createSocket('udp4')
  await new Promise<void>((resolve, reject) => s.send(payload, port, address, (err) => (err ? reject(err) : resolve())))
  s.close()
}

t.test('two acquisitions share one socket, which closes with the last release', async (t) => {
  const got: string[] = []
  const a = await acquireReceiver(47301, (m) => got.push(`a ${m}`), () => {})
  const b = await acquireReceiver(47301, (m) => got.push(`b ${m}`), () => {})
  t.equal(a.socket, b.socket, 'one socket')
  await sendTo(47301, Buffer.from('one'))
  await once(a.socket, 'message')
  t.same(got.sort(), ['a one', 'b one'], 'a unicast datagram reaches both')
  await a.release()
  await a.release() // twice is harmless
  got.length = 0
  await sendTo(47301, Buffer.from('two'))
  await once(b.socket, 'message')
  t.same(got, ['b two'], 'the one left still receives')
  const closed = once(b.socket, 'close')
  await b.release()
  await closed
  t.pass('closed with the last release')
  const c = await acquireReceiver(47301, () => {}, () => {})
  t.not(c.socket, a.socket, 'a later acquisition opens a new socket')
  await c.release()
})

t.test('every beacon gets the datagram, one buffer for all, even when one handler throws', async (t) => {
  const payloads: Buffer[] = []
  const a = await acquireReceiver(47302, (m) => { payloads.push(m); throw new Error('boom') }, () => {})
  const b = await acquireReceiver(47302, (m) => { payloads.push(m) }, () => {})
  t.teardown(async () => { await a.release(); await b.release() })
  const msg = Buffer.from('x')
  // The socket's own listener, called as Node calls it: the first error comes out after all ran.
  t.throws(() => a.socket.emit('message', msg, { address: '127.0.0.1', family: 'IPv4', port: 1, size: 1 }), /boom/)
  t.equal(payloads.length, 2, 'both handlers ran')
  t.equal(payloads[0], msg, 'the datagram itself, not copied')
  t.equal(payloads[1], msg)
})

t.test("beacon events carry a copy of their own, or with sharedPayloads the one shared buffer", async (t) => {
  const copying = [0, 1].map(() => new Beacon({ port: 47305, interface: 'lo', interval: 1000, interfacePollInterval: 0, validate: null }))
  const sharing = [0, 1].map(() => new Beacon({ port: 47305, interface: 'lo', interval: 1000, interfacePollInterval: 0, validate: null, sharedPayloads: true }))
  const all = [...copying, ...sharing]
  t.teardown(() => Promise.all(all.map((b) => b.close())))
  const got = all.map(() => [] as Buffer[])
  all.forEach((b, i) => b.on('beacon', (r) => {
    got[i]!.push(r.payload)
    // A listener that scribbles on its payload must not change what the others see.
    if (i === 0) r.payload.fill(0x21)
  }))
  for (const b of all) await b.start()
  await sendTo(47305, Buffer.from('hello'))
  for (const deadline = Date.now() + 5000; got.some((g) => g.length === 0) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20))
  const [c0, c1, s0, s1] = got.map((g) => g[0]!)
  t.equal(c0!.toString(), '!!!!!', 'the first listener changed its own copy')
  t.equal(c1!.toString(), 'hello', 'the second copying beacon has an intact copy of its own')
  t.not(c0, c1)
  t.equal(s0, s1, 'sharing beacons are handed one buffer')
  t.not(s0, c1, 'not a copying beacon\'s copy')
  t.equal(s0!.toString(), 'hello', 'untouched by the copying listener')
})

t.test('a port that cannot be bound fails every waiting acquisition and leaves nothing behind', async (t) => {
  const blocker = dgram.createSocket({ type: 'udp4', reuseAddr: false })
  await new Promise<void>((resolve) => blocker.bind({ port: 47303, address: '0.0.0.0', exclusive: true }, resolve))
  const results = await Promise.allSettled([acquireReceiver(47303, () => {}, () => {}), acquireReceiver(47303, () => {}, () => {})])
  t.same(results.map((r) => r.status), ['rejected', 'rejected'])
  await new Promise<void>((resolve) => blocker.close(() => resolve()))
  const ok = await acquireReceiver(47303, () => {}, () => {})
  t.ok(ok.socket.address().port === 47303, 'bound once the port is free')
  await ok.release()
})

t.test('beacons in one process on one port: one receiving socket in the kernel, and all hear each other and an outside sender', async (t) => {
  // validate: null, so that plain text payloads are not dropped as malformed ZRE beacons.
  const beacons = [0, 1, 2].map(() => new Beacon({ port: 47304, interface: 'lo', interval: 50, interfacePollInterval: 0, validate: null }))
  const heard = beacons.map(() => new Set<string>())
  beacons.forEach((b, i) => b.on('beacon', (r) => heard[i]!.add(r.payload.toString())))
  t.teardown(() => Promise.all(beacons.map((b) => b.close())))
  for (const [i, b] of beacons.entries()) {
    await b.start()
    b.publish(Buffer.from(`node ${i}`))
  }
  await sendTo(47304, Buffer.from('outside'))
  const want = ['node 0', 'node 1', 'node 2', 'outside']
  const all = (): boolean => heard.every((h) => want.every((w) => h.has(w)))
  for (const deadline = Date.now() + 5000; !all() && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20))
  // With a socket each, the kernel would give the outside (unicast) datagram to one of them only.
  t.same(heard.map((h) => [...h].sort()), [want, want, want], 'every beacon heard all three and the outside datagram')
  t.equal(boundTo(47304), 1, 'one socket bound to the beacon port (each beacon also has a sender on an ephemeral port)')
})
