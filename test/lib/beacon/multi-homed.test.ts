// A host on two networks: A is linked to B (eth0) and to C (eth1), and its default route goes
// through C. Beacons must leave by the interface the application chose, carrying that
// interface's address, also for the limited broadcast 255.255.255.255 (which Linux would
// otherwise route by the default route). Plus: three hosts on one bridged segment all find each
// other, and a unicast target with its own port. All inside namespaces this test creates.
import t, { type Test } from 'tap'
import { netnsAvailable, TestNet, type TestHost } from '../../helpers/netns.ts'
import { startPeer, stopPeers, until, sawFrom, beaconsFrom, started, type Peer } from './fixtures/peers.ts'

const PORT = 47061
const avail = netnsAvailable()
if (!avail.ok) {
  t.test('multi-homed beacon tests', { skip: avail.why }, async () => {})
} else {
  let net: TestNet
  let a: TestHost, b: TestHost, c: TestHost
  t.before(() => {
    net = new TestNet()
    a = net.host('a')
    b = net.host('b')
    c = net.host('c')
    net.link(a, b) // a eth0 10.231.1.1 <-> b eth0 10.231.1.2
    net.link(a, c) // a eth1 10.231.2.1 <-> c eth0 10.231.2.2
    net.exec(a, ['ip', 'route', 'add', 'default', 'via', '10.231.2.2'])
  })
  t.teardown(() => net?.destroy())

  // B and C listen first; then A beacons on one of its interfaces. Once the right side has had
  // several beacons from A, the wrong side would have had at least one if any went astray.
  const oneSided = async (t: Test, right: { peer: Peer; address: string }, wrong: Peer, pa: () => Peer): Promise<void> => {
    await until(() => started(right.peer) && started(wrong), 'listeners up', [right.peer, wrong])
    const sender = pa()
    try {
      await until(() => beaconsFrom(right.peer, sender).length >= 5, 'five beacons on the chosen side', [sender, right.peer, wrong])
      t.ok(beaconsFrom(right.peer, sender).every((l) => l.address === right.address), `every beacon came from ${right.address}`)
      t.equal(beaconsFrom(wrong, sender).length, 0, 'nothing leaked to the other network')
      t.notOk(sender.lines.some((l) => l.type === 'error'), 'no send errors')
    } finally {
      await stopPeers(sender)
    }
  }

  t.test('255.255.255.255 leaves by the chosen interface, not the default route', async (t) => {
    const port = PORT
    const pb = startPeer(net, b, { port, interface: 'eth0' })
    const pc = startPeer(net, c, { port, interface: 'eth0' })
    try {
      const opts = { port, interface: 'eth0', broadcastAddress: '255.255.255.255' }
      await oneSided(t, { peer: pb, address: '10.231.1.1' }, pc, () => startPeer(net, a, opts))
    } finally {
      await stopPeers(pb, pc)
    }
  })

  t.test('interface chosen by address: directed broadcast from that address', async (t) => {
    const port = PORT + 1
    const pb = startPeer(net, b, { port, interface: 'eth0' })
    const pc = startPeer(net, c, { port, interface: 'eth0' })
    try {
      const opts = { port, interface: '10.231.2.1' }
      await oneSided(t, { peer: pc, address: '10.231.2.1' }, pb, () => startPeer(net, a, opts))
    } finally {
      await stopPeers(pb, pc)
    }
  })

  t.test('multicast leaves by the chosen interface', async (t) => {
    const port = PORT + 2
    const pb = startPeer(net, b, { port, interface: 'eth0', mode: 'multicast' })
    const pc = startPeer(net, c, { port, interface: 'eth0', mode: 'multicast' })
    try {
      const opts = { port, interface: 'eth0', mode: 'multicast' }
      await oneSided(t, { peer: pb, address: '10.231.1.1' }, pc, () => startPeer(net, a, opts))
    } finally {
      await stopPeers(pb, pc)
    }
  })

  t.test('unicast target with its own port, combined with broadcast', async (t) => {
    // C listens on another port and only gets A's beacons because A names it as a target.
    const pc = startPeer(net, c, { port: PORT + 4, interface: 'eth0', mode: 'unicast' })
    const pb = startPeer(net, b, { port: PORT + 3, interface: 'eth0' })
    await until(() => started(pc) && started(pb), 'listeners up', [pc, pb])
    const pa = startPeer(net, a, { port: PORT + 3, interface: 'eth0', targets: [`10.231.2.2:${PORT + 4}`] })
    try {
      await until(() => sawFrom(pb, pa) && sawFrom(pc, pa), 'B by broadcast, C by unicast', [pa, pb, pc])
      t.ok(beaconsFrom(pb, pa).every((l) => l.address === '10.231.1.1'), 'B sees A at 10.231.1.1')
      // Sent from the socket bound to eth0's address; Linux routes it out of eth1 (weak host model),
      // and the source is the address A advertises.
      t.ok(beaconsFrom(pc, pa).every((l) => l.address === '10.231.1.1'), 'C sees A at its advertised address')
    } finally {
      await stopPeers(pa, pb, pc)
    }
  })

  t.test('default interface: the first one up; when it goes down the beacon moves on', async (t) => {
    const port = PORT + 6
    const pc = startPeer(net, c, { port, interface: 'eth0' })
    await until(() => started(pc), 'listener up', [pc])
    const pa = startPeer(net, a, { port, interfacePollInterval: 100 })
    try {
      await until(() => started(pa), 'A started', [pa, pc])
      t.match(pa.lines.find((l) => l.type === 'started'), { address: '10.231.1.1' }, 'A picked eth0 (the first LAN interface)')
      net.exec(a, ['ip', 'link', 'set', 'eth0', 'down'])
      await until(() => pa.lines.some((l) => l.type === 'address' && l.address === '10.231.2.1'), 'A moved to eth1', [pa, pc])
      await until(() => sawFrom(pc, pa, '10.231.2.1'), 'C hears A on eth1', [pa, pc])
      t.pass('A follows the default interface to eth1 and C hears it there')
    } finally {
      await stopPeers(pa, pc)
      net.exec(a, ['ip', 'link', 'set', 'eth0', 'up'])
    }
  })

  t.test('three hosts on one segment find each other', async (t) => {
    const seg = new TestNet()
    t.teardown(() => seg.destroy())
    const hosts = [seg.host('x'), seg.host('y'), seg.host('z')]
    const ifaces = seg.segment(hosts)
    const peers = hosts.map((h) => startPeer(seg, h, { port: PORT + 5, interface: 'eth0' }))
    try {
      await until(() => peers.every((p) => peers.every((o) => o === p || sawFrom(p, o))), 'everyone sees everyone', peers)
      for (const [i, p] of peers.entries()) {
        for (const [j, o] of peers.entries()) {
          if (i !== j) t.ok(beaconsFrom(p, o).every((l) => l.address === ifaces[j]!.address), `${hosts[i]!.label} sees ${hosts[j]!.label} at ${ifaces[j]!.address}`)
        }
      }
    } finally {
      await stopPeers(...peers)
    }
  })
}
