// The namespace helper other multi-host tests rely on: it builds what it says, and leaves
// nothing behind (destroy, children, namespaces of a run that died).
import t from 'tap'
import { execFileSync, spawnSync } from 'node:child_process'
import { netnsAvailable, sweepStaleNamespaces, TestNet } from '../../helpers/netns.ts'

const listNs = (): string[] => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0]!).filter(Boolean)
const avail = netnsAvailable()
if (!avail.ok) {
  t.test('netns helper', { skip: avail.why }, async () => {})
} else {
  t.test('hosts, links and segments are built and removed', async (t) => {
    const net = new TestNet()
    t.teardown(() => net.destroy())
    const [a, b, c] = [net.host('a'), net.host('b'), net.host('c')] as const
    const [ia, ib] = net.link(a, b)
    const seg = net.segment([a, b, c])
    t.same([ia.name, ia.address, ib.name, ib.address], ['eth0', '10.231.1.1', 'eth0', '10.231.1.2'])
    t.same(seg.map((i) => `${i.name} ${i.address}`), ['eth1 10.231.2.1', 'eth1 10.231.2.2', 'eth0 10.231.2.3'])
    t.match(a.address6, /^fe80::/, 'link-local address known')
    t.match(net.exec(c, ['ip', '-4', 'addr', 'show', 'dev', 'eth0']), /inet 10\.231\.2\.3\/24 brd 10\.231\.2\.255/, 'address and broadcast set')
    const child = net.spawn(a, 'test/lib/beacon/fixtures/beacon-peer.ts', [JSON.stringify({ uuid: '00'.repeat(16), routerPort: 1, interface: 'eth0', port: 47101 })])
    const exited = new Promise((r) => child.once('exit', r))
    const names = listNs().filter((n) => n.startsWith(net.id + '-'))
    t.equal(names.length, 4, 'three hosts and one switch namespace')
    net.destroy()
    await exited
    t.pass('destroy() ended the child')
    t.same(listNs().filter((n) => n.startsWith(net.id + '-')), [], 'namespaces removed')
  })

  t.test('namespaces of a dead run are swept', async (t) => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid! // exited: its pid names a dead run
    const name = `zt-${dead}-0-x`
    t.teardown(() => {
      if (listNs().includes(name)) execFileSync('ip', ['netns', 'del', name])
    })
    const live = new TestNet() // ours (this pid): must survive the sweep
    t.teardown(() => live.destroy())
    live.host('keep')
    execFileSync('ip', ['netns', 'add', name]) // after the TestNet constructor's own sweep
    t.same(sweepStaleNamespaces().filter((n) => n === name), [name], 'dead run swept')
    t.notOk(listNs().includes(name))
    t.ok(listNs().includes(`${live.id}-keep`), 'a live run is left alone')
  })
}
