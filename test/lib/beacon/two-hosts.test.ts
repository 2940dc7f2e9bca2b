// Discovery across two hosts: two network namespaces joined by a veth pair (created and removed
// by this test). Broadcast, IPv4 multicast, IPv6 multicast and unicast beacons each reach the
// other side, which reports the sender's real address; an address change is followed.
import t from 'tap'
import { createTwoHosts, netnsAvailable, type TestHost, type TwoHosts } from '../../helpers/netns.ts'
import { startPeer, stopPeers, until, sawFrom, beaconsFrom, started, type Peer } from './fixtures/peers.ts'

const PORT = 47041
const avail = netnsAvailable()
if (!avail.ok) {
  t.test('two-host beacon tests', { skip: avail.why }, async () => {})
} else {
  let hosts: TwoHosts
  t.before(() => {
    hosts = createTwoHosts()
  })
  t.teardown(() => hosts?.destroy())
  const peer = (host: TestHost, opts: object): Peer => startPeer(hosts.net, host, opts)
  /** Moves A's address on its link from `from` to `to` (the same /24), as DHCP might. */
  const moveAddress = (from: string, to: string): void => {
    hosts.exec(hosts.a, ['ip', 'addr', 'del', `${from}/24`, 'dev', hosts.a.ifname])
    hosts.exec(hosts.a, ['ip', 'addr', 'add', `${to}/24`, 'brd', '+', 'dev', hosts.a.ifname])
  }
  const moveAddressBack = (moved: string): void => {
    try {
      moveAddress(moved, hosts.a.address)
    } catch {
      // namespace removed at teardown anyway
    }
  }

  const modes: [string, (self: TestHost, other: TestHost) => object][] = [
    ['broadcast', (self) => ({ interface: self.ifname, mode: 'broadcast' })],
    ['multicast', (self) => ({ interface: self.ifname, mode: 'multicast' })],
    ['unicast', (self, other) => ({ interface: self.address, mode: 'unicast', targets: [other.address] })],
  ]
  for (const [i, [name, opts]] of modes.entries()) {
    t.test(`${name} discovery across hosts`, async (t) => {
      const port = PORT + i
      const pa = peer(hosts.a, { port, ...opts(hosts.a, hosts.b) })
      const pb = peer(hosts.b, { port, ...opts(hosts.b, hosts.a) })
      try {
        await until(() => sawFrom(pa, pb, hosts.b.address) && sawFrom(pb, pa, hosts.a.address), `${name} both ways`, [pa, pb])
        t.pass(`A saw B at ${hosts.b.address} and B saw A at ${hosts.a.address}`)
        t.notOk(pa.lines.some((l) => l.uuid === pa.uuid), 'own beacons filtered')
        t.notOk(pb.lines.some((l) => l.type === 'beacon' && l.address !== hosts.a.address), 'B saw no other source address')
      } finally {
        await stopPeers(pa, pb)
      }
    })
  }

  t.test('IPv6 multicast (ff02::1) across hosts', async (t) => {
    t.ok(hosts.a.address6 && hosts.b.address6, 'both hosts have IPv6 link-local addresses')
    const port = PORT + 5
    const pa = peer(hosts.a, { port, interface: hosts.a.ifname, mode: 'ipv6' })
    const pb = peer(hosts.b, { port, interface: hosts.b.ifname, mode: 'ipv6' })
    try {
      const from = (p: Peer, o: Peer): string | undefined => p.lines.find((l) => l.type === 'beacon' && l.uuid === o.uuid)?.address
      await until(() => from(pa, pb) !== undefined && from(pb, pa) !== undefined, 'IPv6 both ways', [pa, pb])
      // rinfo carries the scope (fe80::x%eth0): the address is usable as it is.
      t.match(from(pa, pb), new RegExp(`^${hosts.b.address6}(%|$)`), 'A reports B link-local address')
      t.match(from(pb, pa), new RegExp(`^${hosts.a.address6}(%|$)`), 'B reports A link-local address')
    } finally {
      await stopPeers(pa, pb)
    }
  })

  t.test('IPv6 mode also reaches IPv4 unicast targets, literal or by name', async (t) => {
    // B listens (IPv4, its own port) for A's targeted beacons; so does a listener on A's own
    // loopback, named 'localhost' (resolves to IPv4 only here), through A's dual-stack socket.
    const pb = peer(hosts.b, { port: PORT + 8, interface: hosts.b.ifname, mode: 'unicast' })
    const pl = peer(hosts.a, { port: PORT + 9, interface: 'lo', mode: 'unicast' })
    await until(() => started(pb) && started(pl), 'listeners up', [pb, pl])
    const pa = peer(hosts.a, { port: PORT + 7, interface: hosts.a.ifname, mode: 'ipv6', targets: [`${hosts.b.address}:${PORT + 8}`, `localhost:${PORT + 9}`] })
    try {
      await until(() => sawFrom(pb, pa) && sawFrom(pl, pa), 'targets reached', [pa, pb, pl])
      t.ok(beaconsFrom(pb, pa).every((l) => l.address === hosts.a.address), `B sees A at ${hosts.a.address}`)
      t.ok(beaconsFrom(pl, pa).every((l) => l.address === '127.0.0.1'), 'the localhost listener sees A at 127.0.0.1')
    } finally {
      await stopPeers(pa, pb, pl)
    }
  })

  for (const [k, mode] of (['broadcast', 'multicast'] as const).entries()) {
    t.test(`follows an interface address change without restart (${mode})`, async (t) => {
      const port = PORT + 6 + k * 5
      const pa = peer(hosts.a, { port, mode, interface: hosts.a.ifname, interfacePollInterval: 100 })
      const pb = peer(hosts.b, { port, mode, interface: hosts.b.ifname })
      const newAddress = hosts.a.address.replace(/\.1$/, '.11')
      try {
        await until(() => sawFrom(pb, pa, hosts.a.address) && sawFrom(pa, pb), 'initial discovery', [pa, pb])
        moveAddress(hosts.a.address, newAddress)
        await until(() => pa.lines.some((l) => l.type === 'address' && l.address === newAddress), 'address event', [pa, pb])
        const heardBefore = beaconsFrom(pa, pb).length
        await until(() => sawFrom(pb, pa, newAddress), 'beacons from the new address', [pa, pb])
        // Receiving goes on too (for multicast: the group was re-joined on the new address).
        await until(() => beaconsFrom(pa, pb).length >= heardBefore + 3, 'A still hears B', [pa, pb])
        t.pass(`A moved to ${newAddress}, announced it, B sees it there and A still hears B`)
        // A send in the moment between the old address going and the poll noticing it may fail
        // (the source address no longer exists); once the new address is taken, none may.
        const moved = pa.lines.findIndex((l) => l.type === 'address' && l.address === newAddress)
        t.notOk(pa.lines.slice(moved).some((l) => l.type === 'error'), 'no errors after the move')
        t.notOk(pb.lines.some((l) => l.type === 'error'), 'no errors at the other side')
      } finally {
        await stopPeers(pa, pb)
        moveAddressBack(newAddress)
      }
    })
  }

  t.test('a send failing from the old address follows the new one at once', async (t) => {
    // Polling once an hour: only the failed sends (ENETUNREACH from the socket bound to the
    // address that went) can make A look at its interface again during this test.
    const port = PORT + 3
    const pa = peer(hosts.a, { port, interface: hosts.a.ifname, interfacePollInterval: 3_600_000 })
    const pb = peer(hosts.b, { port, interface: hosts.b.ifname })
    const newAddress = hosts.a.address.replace(/\.1$/, '.12')
    try {
      await until(() => sawFrom(pb, pa, hosts.a.address) && sawFrom(pa, pb), 'initial discovery', [pa, pb])
      moveAddress(hosts.a.address, newAddress)
      await until(() => pa.lines.some((l) => l.type === 'address' && l.address === newAddress), 'address event', [pa, pb])
      await until(() => sawFrom(pb, pa, newAddress), 'beacons from the new address', [pa, pb])
      const failed = pa.lines.findIndex((l) => l.type === 'error')
      const moved = pa.lines.findIndex((l) => l.type === 'address')
      t.ok(failed >= 0 && failed < moved, `the failed send was reported before the move: ${pa.lines[failed]?.message}`)
      t.notOk(pa.lines.slice(moved).some((l) => l.type === 'error'), 'no errors after the move')
    } finally {
      await stopPeers(pa, pb)
      moveAddressBack(newAddress)
    }
  })
}
