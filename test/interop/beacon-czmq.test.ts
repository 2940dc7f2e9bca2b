// Beacons against the C reference: czmq's zbeacon actor (libczmq4), which the C Zyre uses for
// discovery, in one network namespace, and our Beacon / a Zyre node in another, joined by a veth
// pair (both created and removed by this test). zbeacon, run as the C Zyre runs it, broadcasts
// over IPv4 and never on loopback (czmq's interface list skips it), hence the namespaces. Each
// side sees the other's exact payload and real address, both ways, including the port-0 beacon
// of a leaving node; and zbeacon shares its UDP port with our Beacon on one host, as the C and
// TypeScript nodes of one machine must.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { createTwoHosts, jsonLines, type TestHost, type TwoHosts } from '../helpers/netns.ts'
import { CzmqBeacon, czmqBeaconAvailable, type CzmqReceived } from '../helpers/czmq-beacon.ts'
import { startPeer, stopPeers, until, type Peer } from '../lib/beacon/fixtures/peers.ts'
import { decodeBeacon, encodeBeacon } from '../../lib/beacon/payload.ts'

const PORT = 47291
const SHARED_PORT = 47292
const ZRE = Buffer.from('ZRE')
const avail = czmqBeaconAvailable()

if (!avail.ok) {
  t.test('czmq zbeacon interop', { skip: avail.why }, async () => {})
} else {
  let hosts: TwoHosts
  const drivers = new Set<CzmqBeacon>()
  t.before(() => {
    hosts = createTwoHosts()
  })
  // zbeacon's process holds the namespace's veth: it goes before the namespaces do.
  t.teardown(async () => {
    await Promise.all([...drivers].map((d) => d.close()))
    hosts?.destroy()
  })

  const czmqAt = async (host: TestHost, port: number): Promise<CzmqBeacon> => {
    const d = await CzmqBeacon.start(host, port)
    drivers.add(d)
    return d
  }
  const closeCzmq = async (d: CzmqBeacon): Promise<void> => {
    await d.close()
    drivers.delete(d)
  }
  /** Our Beacon (test/lib/beacon/fixtures/beacon-peer.ts) broadcasting on the host's veth. */
  const ours = (host: TestHost, port: number, routerPort = 5000): Peer =>
    startPeer(hosts.net, host, { port, interface: host.ifname, mode: 'broadcast', routerPort })
  const heard = (d: CzmqBeacon, match: (b: CzmqReceived) => boolean): CzmqReceived | undefined => d.beacons.find(match)
  const waitHeard = async (d: CzmqBeacon, match: (b: CzmqReceived) => boolean, what: string, peers: Peer[] = []): Promise<CzmqReceived> => {
    await until(() => d.running() && heard(d, match) !== undefined, what, peers)
    return heard(d, match)!
  }

  t.test('zbeacon takes the pinned namespace interface, and refuses loopback', async (t) => {
    const d = await czmqAt(hosts.b, PORT)
    t.match(d.ready, { interface: hosts.b.ifname, ipv6: false }, `czmq ${d.ready?.version}: ZSYS_INTERFACE pinned, IPv4`)
    // The facts behind this file's set-up: no beacon on lo, whether named or by address.
    t.equal(await d.configure(PORT), hosts.b.address, 'CONFIGURE answers with the interface address')
    await closeCzmq(d)
    for (const lo of ['lo', '127.0.0.1']) {
      const l = await CzmqBeacon.start(hosts.b, PORT, lo).then(
        (x) => (drivers.add(x), 'started'),
        (err: Error) => err.message,
      )
      t.match(l, /^zbeacon took '', not/, `ZSYS_INTERFACE=${lo}: no broadcast interface found`)
    }
  })

  t.test('czmq publishes a ZRE beacon: our Beacon decodes it, from its real address; then its port-0 beacon', async (t) => {
    const d = await czmqAt(hosts.b, PORT)
    const peer = ours(hosts.a, PORT)
    const uuid = randomBytes(16)
    const fromCzmq = (port: number): boolean =>
      peer.lines.some((l) => l.type === 'beacon' && l.uuid === uuid.toString('hex') && l.port === port)
    try {
      await d.publish(encodeBeacon({ uuid, port: 4321 }), 100)
      await until(() => d.running() && fromCzmq(4321), 'our Beacon hears zbeacon', [peer])
      const seen = peer.lines.filter((l) => l.type === 'beacon' && l.uuid === uuid.toString('hex'))
      t.ok(seen.every((l) => l.address === hosts.b.address), `sender address ${hosts.b.address} (zbeacon's interface)`)
      t.ok(seen.some((l) => l.version === 1 && l.port === 4321), 'decoded as version 1, the UUID zbeacon published, port 4321')
      await d.publish(encodeBeacon({ uuid, port: 0 }), 100)
      await until(() => d.running() && fromCzmq(0), 'zbeacon port-0 beacon', [peer])
      t.ok(fromCzmq(0), 'the port-0 beacon arrives as port 0')
      await d.silence()
    } finally {
      await stopPeers(peer)
      await closeCzmq(d)
    }
  })

  t.test('our Beacon publishes: zbeacon subscribed to "ZRE" gets our exact payload from our address, port-0 beacon too', async (t) => {
    const d = await czmqAt(hosts.b, PORT)
    await d.subscribe(ZRE)
    const live = ours(hosts.a, PORT)
    const leaving = ours(hosts.a, PORT, 0)
    try {
      for (const [peer, port] of [[live, 5000], [leaving, 0]] as const) {
        const expected = encodeBeacon({ uuid: Buffer.from(peer.uuid, 'hex'), port })
        const got = await waitHeard(d, (b) => b.payload.equals(expected), `zbeacon hears our port-${port} beacon`, [peer])
        t.equal(got.address, hosts.a.address, `port ${port}: from ${hosts.a.address}`)
        t.same(decodeBeacon(got.payload), { version: 1, uuid: Buffer.from(peer.uuid, 'hex'), port }, `port ${port}: byte for byte ours`)
      }
      const wrong = d.beacons.filter((b) => b.address !== hosts.a.address)
      t.same(wrong, [], 'nothing from any other address')
    } finally {
      await stopPeers(live, leaving)
      await closeCzmq(d)
    }
  })

  t.test('a Zyre node and zbeacon: each discovers the other; the node connects to the advertised port; its leaving beacon reaches zbeacon', async (t) => {
    const d = await czmqAt(hosts.b, PORT)
    const tcpPort = await d.listen(hosts.b.address)
    await d.subscribe(ZRE)
    const czmqUuid = randomBytes(16)
    const node = hosts.net.spawn(hosts.a, 'bin/zyre.ts', ['ping', '--interface', hosts.a.ifname, '--port', String(PORT), '--interval', '100', '--json'])
    const events: { type: string }[] = []
    jsonLines(node, (e: { type: string }) => events.push(e))
    const exited = new Promise((resolve) => node.once('exit', resolve))
    try {
      const fromNode = (b: CzmqReceived): boolean => b.address === hosts.a.address && decodeBeacon(b.payload)?.version === 1
      const first = await waitHeard(d, fromNode, "zbeacon hears the node's beacon")
      const { uuid, port } = decodeBeacon(first.payload)!
      t.not(port, 0, `the node advertises its ROUTER port (${port})`)
      t.ok(d.beacons.filter(fromNode).every((b) => decodeBeacon(b.payload)!.uuid.equals(uuid)), 'one UUID throughout')

      await d.publish(encodeBeacon({ uuid: czmqUuid, port: tcpPort }), 100)
      const accepted = (): { address?: string; greeting?: string } | undefined => d.events.find((e) => e.event === 'accepted')
      await until(() => d.running() && accepted() !== undefined, `the node connects to ${hosts.b.address}:${tcpPort}`)
      t.equal(accepted()!.address, hosts.a.address, 'the connection comes from the node')
      // ZMTP 3 signature: 0xFF, 8 bytes, 0x7F.
      t.match(accepted()!.greeting, /^ff[0-9a-f]{16}7f/, 'and starts with a ZMTP greeting')
      await d.silence()

      node.kill('SIGINT')
      const bye = await waitHeard(d, (b) => b.address === hosts.a.address && decodeBeacon(b.payload)?.uuid.equals(uuid) === true && decodeBeacon(b.payload)?.port === 0, "the node's port-0 beacon")
      await exited
      t.same(decodeBeacon(bye.payload), { version: 1, uuid, port: 0 }, 'the stopping node said goodbye with a port-0 beacon')
      t.notOk(events.some((e) => e.type === 'ENTER'), 'no ENTER: the listener never answered HELLO')
    } finally {
      if (node.exitCode === null && node.signalCode === null) node.kill('SIGKILL')
      await closeCzmq(d)
    }
  })

  t.test('one host, one port: zbeacon and our Beacon share it (SO_REUSEADDR) and hear each other', async (t) => {
    const d = await czmqAt(hosts.b, SHARED_PORT)
    await d.subscribe(ZRE)
    const peer = ours(hosts.b, SHARED_PORT)
    const uuid = randomBytes(16)
    try {
      await d.publish(encodeBeacon({ uuid, port: 4322 }), 100)
      const expected = encodeBeacon({ uuid: Buffer.from(peer.uuid, 'hex'), port: 5000 })
      const got = await waitHeard(d, (b) => b.payload.equals(expected), 'zbeacon hears our Beacon on its own host', [peer])
      t.equal(got.address, hosts.b.address, 'zbeacon sees our Beacon at the shared address')
      const heardCzmq = (): boolean => peer.lines.some((l) => l.type === 'beacon' && l.uuid === uuid.toString('hex'))
      await until(() => heardCzmq(), 'our Beacon hears zbeacon on its own host', [peer])
      t.ok(
        peer.lines.filter((l) => l.type === 'beacon' && l.uuid === uuid.toString('hex')).every((l) => l.address === hosts.b.address && l.port === 4322),
        'our Beacon sees zbeacon at the shared address, port 4322',
      )
      t.notOk(peer.lines.some((l) => l.type === 'error'), 'our Beacon bound and sent without errors')
      await d.silence()
    } finally {
      await stopPeers(peer)
      await closeCzmq(d)
    }
  })
}
