// Many beacon services on one host share one UDP port on loopback (broadcast 127.255.255.255):
// all discover each other, own beacons are filtered, the exit beacon is delivered.
import t, { type Test } from 'tap'
import dgram from 'node:dgram'
import { randomBytes } from 'node:crypto'
import type { NetworkInterfaceInfo } from 'node:os'
import { Beacon } from '../../../lib/beacon/beacon.ts'
import { hasMulticastFlag } from '../../../lib/beacon/interfaces.ts'
import { decodeBeacon, encodeBeacon, beaconHasUuid } from '../../../lib/beacon/payload.ts'

const PORT = 47021
const INTERVAL = 200
const N = 20

interface Node {
  beacon: Beacon
  uuid: Buffer
  seen: Map<string, number>
  sentAtCompletion?: number
}

async function startNode(port = PORT, mode: 'broadcast' | 'multicast' = 'broadcast'): Promise<Node> {
  const uuid = randomBytes(16)
  const beacon = new Beacon({ port, interface: 'lo', mode, interval: INTERVAL, interfacePollInterval: 0 })
  await beacon.start()
  beacon.subscribe(Buffer.from('ZRE'))
  beacon.ignore((p) => beaconHasUuid(p, uuid))
  const node: Node = { beacon, uuid, seen: new Map() }
  beacon.on('beacon', ({ payload }) => {
    const p = decodeBeacon(payload)!
    node.seen.set(p.uuid.toString('hex'), p.port)
  })
  return node
}

function waitFor(cond: () => boolean, what: string, timeout = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const tick = setInterval(() => {
      if (cond()) {
        clearInterval(tick)
        resolve()
      } else if (Date.now() - started > timeout) {
        clearInterval(tick)
        reject(new Error(`timed out waiting for ${what}`))
      }
    }, 5)
  })
}

t.test(`${N} services on one port discover each other`, async (t) => {
  const nodes: Node[] = []
  t.teardown(() => Promise.all(nodes.map((n) => n.beacon.close())))
  for (let i = 0; i < N; i++) nodes.push(await startNode())
  t.equal(nodes[0]!.beacon.address, '127.0.0.1')
  t.same(nodes[0]!.beacon.destinationList, [{ host: '127.255.255.255', port: PORT }])
  for (const [i, n] of nodes.entries()) n.beacon.publish(encodeBeacon({ uuid: n.uuid, port: 40000 + i }))
  await waitFor(() => nodes.every((n) => {
    const done = n.seen.size === N - 1
    if (done && n.sentAtCompletion === undefined) n.sentAtCompletion = n.beacon.stats.sent
    return done
  }), 'full discovery')
  for (const [i, n] of nodes.entries()) {
    t.notOk(n.seen.has(n.uuid.toString('hex')), `node ${i} never delivers its own beacon`)
    t.ok(n.beacon.stats.ignored > 0, `node ${i} filtered its own beacons`)
    for (const [j, m] of nodes.entries()) if (i !== j) t.equal(n.seen.get(m.uuid.toString('hex')), 40000 + j, `node ${i} saw node ${j}'s port`)
  }
  // Discovery completes within 1.5 intervals: each node's first beacon goes out at once, so by
  // the time a node has seen everyone it has sent at most its first beacon and maybe a second.
  // Counted in beacons sent, not wall-clock time (the bound of 2 leaves a whole interval of slack).
  const sentCounts = nodes.map((n) => n.sentAtCompletion!)
  t.ok(sentCounts.every((c) => c <= 2), `beacons each node had sent when it had seen all others: ${sentCounts.join(' ')}`)

  // A late joiner: the others see it with its first beacon, and it sees each of them with their
  // next one, so each old node sends at most two more beacons before the joiner knows everyone.
  const late = await startNode()
  nodes.push(late)
  const sentBefore = nodes.slice(0, N).map((n) => n.beacon.stats.sent)
  late.beacon.publish(encodeBeacon({ uuid: late.uuid, port: 40000 + N }))
  const lateId = late.uuid.toString('hex')
  let sentSinceJoin: number[] = []
  let lateSentWhenKnown: number | undefined
  await waitFor(() => {
    const known = nodes.slice(0, N).every((n) => n.seen.has(lateId))
    if (known && lateSentWhenKnown === undefined) lateSentWhenKnown = late.beacon.stats.sent
    if (late.seen.size < N || !known) return false
    sentSinceJoin = nodes.slice(0, N).map((n, i) => n.beacon.stats.sent - sentBefore[i]!)
    return true
  }, 'late joiner discovered both ways')
  t.ok(sentSinceJoin.every((c) => c <= 2), `beacons the old nodes sent until the joiner was known both ways: ${sentSinceJoin.join(' ')}`)
  t.equal(lateSentWhenKnown, 1, 'the old nodes knew the joiner from its first beacon')

  // The leaving beacon: port 0 from node 0 reaches everyone.
  nodes[0]!.beacon.silence()
  await nodes[0]!.beacon.sendOnce(encodeBeacon({ uuid: nodes[0]!.uuid, port: 0 }))
  const id0 = nodes[0]!.uuid.toString('hex')
  await waitFor(() => nodes.slice(1).every((n) => n.seen.get(id0) === 0), 'exit beacon')
  t.pass('exit beacon delivered to all others')
})

t.test('IPv4 multicast on loopback (simulation without broadcast)', async (t) => {
  const port = PORT + 3
  const nodes: Node[] = []
  t.teardown(() => Promise.all(nodes.map((n) => n.beacon.close())))
  for (let i = 0; i < 5; i++) nodes.push(await startNode(port, 'multicast'))
  t.same(nodes[0]!.beacon.destinationList, [{ host: '239.192.0.36', port }], 'sent to the default group')
  for (const [i, n] of nodes.entries()) n.beacon.publish(encodeBeacon({ uuid: n.uuid, port: 41000 + i }))
  await waitFor(() => nodes.every((n) => n.seen.size === nodes.length - 1), 'multicast discovery')
  t.ok(nodes.every((n) => !n.seen.has(n.uuid.toString('hex'))), 'own beacons filtered')
  t.ok(nodes.every((n) => n.beacon.stats.sendErrors === 0), 'no send errors')
})

t.test('prefix filter and validation', async (t) => {
  const a = await startNode(PORT + 1)
  const b = await startNode(PORT + 1)
  t.teardown(() => Promise.all([a.beacon.close(), b.beacon.close()]))
  await a.beacon.sendOnce(Buffer.from('XYZ-not-a-beacon'))
  await a.beacon.sendOnce(Buffer.from('ZRE\x01short'))
  await a.beacon.sendOnce(encodeBeacon({ uuid: a.uuid, port: 1 }))
  await waitFor(() => b.seen.size === 1, 'valid beacon')
  await waitFor(() => b.beacon.stats.filtered >= 1 && b.beacon.stats.malformed >= 1, 'counters')
  t.equal(b.beacon.stats.delivered, 1, 'only the valid beacon was delivered')
  b.beacon.unsubscribe()
  await a.beacon.sendOnce(Buffer.from('XYZ-not-a-beacon'))
  await waitFor(() => b.beacon.stats.malformed >= 2, 'unsubscribed: now seen but invalid')
  t.equal(b.beacon.stats.delivered, 1)
})

t.test('unicast targets by host name, with their own port', async (t) => {
  // Unicast to a shared port reaches one socket only, so the receiver has a port to itself.
  const rx = await startNode(PORT + 5)
  const uuid = randomBytes(16)
  const tx = new Beacon({ port: PORT + 4, interface: 'lo', mode: 'unicast', targets: [`localhost:${PORT + 5}`], interval: INTERVAL, interfacePollInterval: 0 })
  await tx.start()
  t.teardown(() => Promise.all([rx.beacon.close(), tx.close()]))
  t.same(tx.destinationList, [{ host: 'localhost', port: PORT + 5 }], 'only the target, no broadcast')
  tx.publish(encodeBeacon({ uuid, port: 7 }))
  await waitFor(() => rx.seen.get(uuid.toString('hex')) === 7, 'unicast beacon')
  t.equal(tx.stats.sendErrors, 0)
})

t.test('errors are typed', async (t) => {
  await t.rejects(new Beacon({ port: PORT + 2, interface: 'no-such-if0' }).start(), { code: 'BEACON_NO_INTERFACE' })
  t.throws(() => new Beacon({ port: 0 }), { code: 'BEACON_BAD_OPTION' })
  t.throws(() => new Beacon({ interval: 0 }), { code: 'BEACON_BAD_OPTION' })
  t.throws(() => new Beacon({ mode: 'anycast' as 'broadcast' }), { code: 'BEACON_BAD_OPTION' })
  t.throws(() => new Beacon({ multicastTtl: 256 }), { code: 'BEACON_BAD_OPTION' })
  t.throws(() => new Beacon({ targets: ['::1'] }), { code: 'BEACON_BAD_OPTION', message: /IPv6/ }, 'IPv6 target on the IPv4 socket')
  t.throws(() => new Beacon({ targets: ['host:0'] }), { code: 'BEACON_BAD_OPTION' })
  if (hasMulticastFlag('lo') === false) {
    await t.rejects(new Beacon({ port: PORT + 2, interface: 'lo', mode: 'ipv6' }).start(), { code: 'BEACON_NO_INTERFACE', message: /no multicast/ }, 'IPv6 on lo without the multicast flag')
  }
  const b = new Beacon({ port: PORT + 2, interface: 'lo' })
  t.throws(() => b.publish(Buffer.alloc(22)), { code: 'BEACON_NOT_STARTED' })
  t.throws(() => b.address, { code: 'BEACON_NOT_STARTED' })
  await b.start()
  await b.close()
  t.throws(() => b.publish(Buffer.alloc(22)), { code: 'BEACON_CLOSED' })
  await t.rejects(b.start(), { code: 'BEACON_CLOSED' })
})

// A send that fails as if our address had gone makes the beacon look at its interface at once,
// not at the next poll (which here never comes). The interface table is the test's own ('lo' at
// 127.0.0.1, then at 127.0.0.2: both are ours on Linux), and the failure is injected, so what
// is checked is exactly whether the interface was read again after the failure.
function loTable(address: string): NodeJS.Dict<NetworkInterfaceInfo[]> {
  return { lo: [{ address, netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: `${address}/8` }] }
}

/** The next `count` dgram sends fail in their callback with `code`, as the kernel would say it. */
function failNextSends(t: Test, code: string, count: number): void {
  const real = dgram.Socket.prototype.send
  let left = count
  const restore = (): void => void (dgram.Socket.prototype.send = real)
  t.teardown(restore)
  dgram.Socket.prototype.send = function (this: dgram.Socket, ...args: unknown[]) {
    if (--left === 0) restore()
    const callback = args.at(-1) as (err: Error) => void
    process.nextTick(callback, Object.assign(new Error(`send ${code}`), { code, syscall: 'send' }))
  } as typeof real
}

async function addressFollower(t: Test, port: number, opts: { interfacePollInterval: number; targets?: string[] }) {
  let table = loTable('127.0.0.1')
  let reads = 0
  const beacon = new Beacon({ port, interface: 'lo', interval: INTERVAL, ...opts, interfaces: () => (reads++, table) })
  t.teardown(() => beacon.close())
  const errors: Error[] = []
  const moves: string[] = []
  beacon.on('error', (err) => errors.push(err))
  beacon.on('address', (i) => moves.push(i.address))
  await beacon.start()
  table = loTable('127.0.0.2')
  return { beacon, errors, moves, reads: () => reads }
}

const NEVER = 2 ** 31 - 1 // the longest setInterval: no poll tick during the test

t.test('a send failing with EADDRNOTAVAIL polls the interface at once', async (t) => {
  const f = await addressFollower(t, PORT + 6, { interfacePollInterval: NEVER })
  t.equal(f.reads(), 1, 'interface read once, at start')
  const moved = new Promise((resolve) => f.beacon.once('address', resolve))
  failNextSends(t, 'EADDRNOTAVAIL', 1)
  await f.beacon.sendOnce(encodeBeacon({ uuid: randomBytes(16), port: 1 }))
  if (!t.equal(f.reads(), 2, 'the failure read the interface again')) return
  await moved
  t.same(f.moves, ['127.0.0.2'], 'and the beacon moved to its new address')
  t.equal(f.beacon.address, '127.0.0.2')
  t.equal(f.beacon.stats.sendErrors, 1, 'the failed send is counted')
  t.match(f.errors, [{ code: 'BEACON_SOCKET', message: /EADDRNOTAVAIL/ }], 'and reported as before')
})

t.test('several failures during one poll start no second poll', async (t) => {
  // Two destinations, both failing: the second failure comes while the first poll is opening
  // the new sender socket.
  const f = await addressFollower(t, PORT + 7, { interfacePollInterval: NEVER, targets: [`127.0.0.1:${PORT + 7}`] })
  const moved = new Promise((resolve) => f.beacon.once('address', resolve))
  failNextSends(t, 'ENETUNREACH', 2)
  await f.beacon.sendOnce(encodeBeacon({ uuid: randomBytes(16), port: 1 }))
  t.equal(f.beacon.stats.sendErrors, 2, 'both sends failed')
  if (!t.equal(f.reads(), 2, 'one poll')) return
  await moved
  t.same(f.moves, ['127.0.0.2'])
})

t.test('no immediate poll for other send errors, or with polling off', async (t) => {
  const other = await addressFollower(t, PORT + 6, { interfacePollInterval: NEVER })
  failNextSends(t, 'EMSGSIZE', 1)
  await other.beacon.sendOnce(encodeBeacon({ uuid: randomBytes(16), port: 1 }))
  t.equal(other.beacon.stats.sendErrors, 1)
  t.equal(other.reads(), 1, 'EMSGSIZE says nothing about our address: no poll')

  const off = await addressFollower(t, PORT + 7, { interfacePollInterval: 0 })
  failNextSends(t, 'EADDRNOTAVAIL', 1)
  await off.beacon.sendOnce(encodeBeacon({ uuid: randomBytes(16), port: 1 }))
  t.equal(off.beacon.stats.sendErrors, 1)
  t.equal(off.reads(), 1, 'interfacePollInterval 0: no poll')
  t.same([...other.moves, ...off.moves], [], 'nobody moved')
})

t.test("an 'address' listener that throws is reported as an error, never an unhandled rejection", async (t) => {
  const f = await addressFollower(t, PORT + 6, { interfacePollInterval: NEVER })
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason)
  process.on('unhandledRejection', onUnhandled)
  t.teardown(() => void process.off('unhandledRejection', onUnhandled))
  f.beacon.once('address', () => {
    throw new Error('listener bug')
  })
  const reported = new Promise<Error>((resolve) => f.beacon.on('error', (err) => /interface check/.test(err.message) && resolve(err)))
  failNextSends(t, 'EADDRNOTAVAIL', 1)
  await f.beacon.sendOnce(encodeBeacon({ uuid: randomBytes(16), port: 1 }))
  const err = await reported
  t.match(err, { code: 'BEACON_SOCKET', message: /listener bug/ })
  await new Promise((r) => setImmediate(r))
  t.same(unhandled, [], 'no unhandled rejection')
  t.equal(f.beacon.address, '127.0.0.2', 'the move itself happened before the listener ran')
})
