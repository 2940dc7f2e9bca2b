// Discovery across two hosts: two network namespaces joined by a veth pair (created and removed
// by this test). Broadcast, IPv4 multicast, IPv6 multicast and unicast beacons each reach the
// other side, which reports the sender's real address; an address change is followed.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import type { ChildProcess } from 'node:child_process'
import { createTwoHosts, jsonLines, netnsAvailable, spawnInNamespace, type TestHost, type TwoHosts } from '../../helpers/netns.ts'

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

  interface Line { type: string; address?: string; uuid?: string; port?: number }
  interface Peer { child: ChildProcess; uuid: string; lines: Line[] }

  const peer = (host: TestHost, opts: object): Peer => {
    const uuid = randomBytes(16).toString('hex')
    const child = spawnInNamespace(host, 'test/lib/beacon/fixtures/beacon-peer.ts', [
      JSON.stringify({ interval: 100, uuid, routerPort: 5000, ...opts }),
    ])
    const p: Peer = { child, uuid, lines: [] }
    jsonLines<Line>(child, (l) => p.lines.push(l))
    return p
  }
  const stop = (...peers: Peer[]): Promise<unknown> =>
    Promise.all(peers.map((p) => new Promise((r) => { p.child.once('exit', r); p.child.stdin!.end() })))
  const until = async (cond: () => boolean, what: string): Promise<void> => {
    const deadline = Date.now() + 15_000
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out: ${what}`)
      await new Promise((r) => setTimeout(r, 20))
    }
  }
  const sawFrom = (p: Peer, other: Peer, address: string): boolean =>
    p.lines.some((l) => l.type === 'beacon' && l.uuid === other.uuid && l.address === address)

  const modes: [string, (self: TestHost, other: TestHost) => object][] = [
    ['broadcast', (self) => ({ interface: self.ifname, mode: 'broadcast' })],
    ['multicast', (self) => ({ interface: self.ifname, mode: 'multicast' })],
    ['unicast', (self, other) => ({ interface: self.address, mode: 'unicast', targets: [other.address] })],
  ]
  for (const [name, opts] of modes) {
    t.test(`${name} discovery across hosts`, async (t) => {
      const port = PORT + modes.findIndex((m) => m[0] === name)
      const pa = peer(hosts.a, { port, ...opts(hosts.a, hosts.b) })
      const pb = peer(hosts.b, { port, ...opts(hosts.b, hosts.a) })
      try {
        await until(() => sawFrom(pa, pb, hosts.b.address) && sawFrom(pb, pa, hosts.a.address), `${name} both ways`)
        t.pass(`A saw B at ${hosts.b.address} and B saw A at ${hosts.a.address}`)
        t.notOk(pa.lines.some((l) => l.uuid === pa.uuid), 'own beacons filtered')
      } finally {
        await stop(pa, pb)
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
      await until(() => from(pa, pb) !== undefined && from(pb, pa) !== undefined, 'IPv6 both ways')
      t.match(from(pa, pb), new RegExp(`^${hosts.b.address6}`), 'A reports B link-local address')
      t.match(from(pb, pa), new RegExp(`^${hosts.a.address6}`), 'B reports A link-local address')
    } finally {
      await stop(pa, pb)
    }
  })

  t.test('follows an interface address change without restart', async (t) => {
    const port = PORT + 6
    const pa = peer(hosts.a, { port, interface: hosts.a.ifname, interfacePollInterval: 100 })
    const pb = peer(hosts.b, { port, interface: hosts.b.ifname })
    const newAddress = hosts.a.address.replace(/\.1$/, '.11')
    try {
      await until(() => sawFrom(pb, pa, hosts.a.address), 'initial discovery')
      hosts.exec(hosts.a, ['ip', 'addr', 'del', `${hosts.a.address}/24`, 'dev', hosts.a.ifname])
      hosts.exec(hosts.a, ['ip', 'addr', 'add', `${newAddress}/24`, 'brd', '+', 'dev', hosts.a.ifname])
      await until(() => pa.lines.some((l) => l.type === 'address' && l.address === newAddress), 'address event')
      await until(() => sawFrom(pb, pa, newAddress), 'beacons from the new address')
      t.pass(`A moved to ${newAddress}, announced it, and B sees it there`)
    } finally {
      await stop(pa, pb)
      try {
        hosts.exec(hosts.a, ['ip', 'addr', 'del', `${newAddress}/24`, 'dev', hosts.a.ifname])
        hosts.exec(hosts.a, ['ip', 'addr', 'add', `${hosts.a.address}/24`, 'brd', '+', 'dev', hosts.a.ifname])
      } catch {
        // namespace removed at teardown anyway
      }
    }
  })
}
