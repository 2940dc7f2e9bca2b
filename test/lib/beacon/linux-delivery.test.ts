// Why the beacon binds its receiving socket to the wildcard address: what Linux actually
// delivers when several sockets share one UDP port with SO_REUSEADDR, checked on loopback.
// - a broadcast reaches every socket bound to the wildcard or to the broadcast address;
// - a socket bound to the unicast address never sees broadcasts;
// - a unicast datagram reaches exactly one of the sockets sharing the port.
// Counting is by marker datagrams sent after the data, never by waiting a fixed time.
import t from 'tap'
import dgram from 'node:dgram'
import { platform } from 'node:os'

const PORT = 47081
const ROUNDS = 10

if (platform() !== 'linux') {
  t.test('Linux delivery facts', { skip: 'Linux-specific socket semantics' }, async () => {})
} else {
  t.test('who receives broadcasts and unicasts on a shared port', async (t) => {
    const open = async (address: string): Promise<{ sock: dgram.Socket; got: string[] }> => {
      const sock = dgram.createSocket({ type: 'udp4', reuseAddr: true })
      const got: string[] = []
      sock.on('message', (m) => got.push(m.toString()))
      await new Promise<void>((r) => sock.bind({ port: PORT, address }, r))
      return { sock, got }
    }
    const wild = [await open('0.0.0.0'), await open('0.0.0.0'), await open('0.0.0.0')]
    const bcast = await open('127.255.255.255')
    const unicast = await open('127.0.0.1')
    const all = [...wild, bcast, unicast]
    const sender = dgram.createSocket('udp4')
    t.teardown(() => {
      for (const s of all) s.sock.close()
      sender.close()
    })
    await new Promise<void>((r) => sender.bind(0, '127.0.0.1', r))
    sender.setBroadcast(true)
    const send = (text: string, host: string): Promise<void> =>
      new Promise((resolve, reject) => sender.send(text, PORT, host, (err) => (err ? reject(err) : resolve())))

    for (let i = 0; i < ROUNDS; i++) await send(`b${i}`, '127.255.255.255')
    for (let i = 0; i < ROUNDS; i++) await send(`u${i}`, '127.0.0.1')
    // Marker: a last broadcast; once every broadcast listener has it, everything before it is in.
    await send('end', '127.255.255.255')
    const deadline = Date.now() + 10_000
    while (![...wild, bcast].every((s) => s.got.includes('end')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10))
    }
    const broadcasts = (s: { got: string[] }): number => s.got.filter((m) => m.startsWith('b')).length
    const unicasts = (s: { got: string[] }): number => s.got.filter((m) => m.startsWith('u')).length
    for (const [i, s] of wild.entries()) t.equal(broadcasts(s), ROUNDS, `wildcard socket ${i} got every broadcast`)
    t.equal(broadcasts(bcast), ROUNDS, 'socket bound to 127.255.255.255 got every broadcast')
    t.equal(broadcasts(unicast), 0, 'socket bound to 127.0.0.1 got no broadcast')
    t.equal(unicasts(bcast), 0, 'socket bound to the broadcast address got no unicast')
    // Unicast to a shared port: one socket takes each datagram, so unicast beacon targets are
    // for one node per host (a server), and the receiver must not be bound to the broadcast address.
    const takers = all.filter((s) => unicasts(s) > 0)
    t.equal(all.reduce((n, s) => n + unicasts(s), 0), ROUNDS, 'each unicast delivered exactly once')
    t.equal(takers.length, 1, 'all unicasts went to a single socket')
  })
}
