// Two Zyre nodes on two "machines": network namespaces joined by a veth pair (created and removed
// by this test). Each runs `zyre ping` on its eth0; they discover each other by broadcast,
// advertise their real addresses, whisper Hello both ways, and see each other leave.
import t from 'tap'
import type { ChildProcess } from 'node:child_process'
import { createTwoHosts, jsonLines, netnsAvailable, type TestHost, type TwoHosts } from '../../helpers/netns.ts'

const PORT = 47271
const avail = netnsAvailable()

interface Ev { type: string; peer?: string; name?: string; address?: string; content?: string; group?: string }

if (!avail.ok) {
  t.test('two-host Zyre tests', { skip: avail.why }, async () => {})
} else {
  let hosts: TwoHosts
  t.before(() => {
    hosts = createTwoHosts()
  })
  t.teardown(() => hosts?.destroy())

  const ping = (host: TestHost, name: string, extra: string[] = []): { child: ChildProcess; events: Ev[] } => {
    const child = hosts.net.spawn(host, 'bin/zyre.ts', ['ping', '--interface', host.ifname, '--port', String(PORT), '--interval', '100', '--name', name, '--json', ...extra])
    const events: Ev[] = []
    jsonLines<Ev>(child, (e) => events.push(e))
    return { child, events }
  }

  const until = async (cond: () => boolean, what: string): Promise<void> => {
    const deadline = Date.now() + 20000
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  t.test('discovery, real addresses, whispers and EXIT across two hosts', async (t) => {
    const a = ping(hosts.a, 'host-a')
    const b = ping(hosts.b, 'host-b')
    const hello = (p: { events: Ev[] }, from: string) => p.events.some((e) => e.type === 'WHISPER' && e.name === from && e.content === 'Hello')
    await until(() => hello(a, 'host-b') && hello(b, 'host-a'), 'Hello both ways')
    const enterAtA = a.events.find((e) => e.type === 'ENTER')!
    const enterAtB = b.events.find((e) => e.type === 'ENTER')!
    t.match(enterAtA.address, new RegExp(`^tcp://${hosts.b.address.replace(/\./g, '\\.')}:\\d+$`), 'A sees B at its real address')
    t.match(enterAtB.address, new RegExp(`^tcp://${hosts.a.address.replace(/\./g, '\\.')}:\\d+$`), 'B sees A at its real address')
    t.ok(a.events.some((e) => e.type === 'JOIN' && e.group === 'GLOBAL'), 'GLOBAL joined across hosts')
    b.child.kill('SIGINT')
    await until(() => a.events.some((e) => e.type === 'EXIT' && e.name === 'host-b'), 'EXIT of host-b at host-a')
    a.child.kill('SIGINT')
    t.pass('host-a saw host-b leave')
  })

  t.test("a node follows its interface's address change: peers reconnect at the new address", async (t) => {
    const a = ping(hosts.a, 'host-a')
    const b = ping(hosts.b, 'host-b')
    const newAddress = hosts.a.address.replace(/\.1$/, '.11')
    const hello = (p: { events: Ev[] }, from: string, after = 0) => p.events.slice(after).some((e) => e.type === 'WHISPER' && e.name === from && e.content === 'Hello')
    try {
      await until(() => hello(a, 'host-b') && hello(b, 'host-a'), 'Hello both ways')
      const mark = b.events.length
      hosts.exec(hosts.a, ['ip', 'addr', 'del', `${hosts.a.address}/24`, 'dev', hosts.a.ifname])
      hosts.exec(hosts.a, ['ip', 'addr', 'add', `${newAddress}/24`, 'brd', '+', 'dev', hosts.a.ifname])
      const atNew = (e: Ev) => e.type === 'ENTER' && e.name === 'host-a' && e.address?.startsWith(`tcp://${newAddress}:`) === true
      await until(() => b.events.slice(mark).some(atNew), 'host-b sees host-a enter at its new address').catch((err: Error) => {
        throw new Error(`${err.message}; host-b after the move: ${JSON.stringify(b.events.slice(mark))}; host-a: ${JSON.stringify(a.events)}`)
      })
      const entered = b.events.findIndex((e, i) => i >= mark && atNew(e))
      // host-a's ROUTER now listens on the new address: host-b's HELLO got through and host-a
      // answered with its own, then whispered as `zyre ping` does to every new peer.
      await until(() => hello(b, 'host-a', entered), 'Hello from host-a after the move')
      t.pass(`host-a moved to ${newAddress}; host-b reconnected there and hears it`)
    } finally {
      a.child.kill('SIGINT')
      b.child.kill('SIGINT')
      try {
        hosts.exec(hosts.a, ['ip', 'addr', 'del', `${newAddress}/24`, 'dev', hosts.a.ifname])
        hosts.exec(hosts.a, ['ip', 'addr', 'add', `${hosts.a.address}/24`, 'brd', '+', 'dev', hosts.a.ifname])
      } catch {
        // the namespace is removed at teardown anyway
      }
    }
  })
}
