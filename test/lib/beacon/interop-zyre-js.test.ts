// Interop with a real ZRE implementation: zyre.js's ZBeacon and our Beacon share a beacon port
// on loopback and each discovers the other (UUID, mailbox port, sender address), both ways,
// including the port-0 "leaving" beacon.
import t from 'tap'
import { createRequire } from 'node:module'
import { randomBytes } from 'node:crypto'
import { Beacon } from '../../../lib/beacon/beacon.ts'
import { decodeBeacon, encodeBeacon, beaconHasUuid } from '../../../lib/beacon/payload.ts'

const PORT = 47091
const require = createRequire(import.meta.url)

interface ZPeer { identity: string; address: string; mailbox: number }
interface ZBeaconLike { start(): Promise<void>; stop(): Promise<void> }
type ZBeaconCtor = new (o: object) => ZBeaconLike

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

t.test('zyre.js ZBeacon and our Beacon discover each other', async (t) => {
  const ZBeacon = require('zyre.js/lib/zbeacon.js') as ZBeaconCtor
  const ours = { uuid: randomBytes(16), port: 43210 }
  const theirs = { uuid: randomBytes(16), port: 43211 }

  const beacon = new Beacon({ port: PORT, interface: 'lo', interval: 100, interfacePollInterval: 0 })
  await beacon.start()
  t.teardown(() => beacon.close())
  beacon.subscribe(Buffer.from('ZRE'))
  beacon.ignore((p) => beaconHasUuid(p, ours.uuid))
  const seen: { address: string; uuid: string; port: number }[] = []
  beacon.on('beacon', ({ address, payload }) => {
    const p = decodeBeacon(payload)!
    seen.push({ address, uuid: p.uuid.toString('hex'), port: p.port })
  })

  const pushed: ZPeer[] = []
  const zb = new ZBeacon({
    identity: theirs.uuid,
    mailbox: theirs.port,
    ifaceData: { network: '127.0.0.0', netmask: '255.0.0.0', broadcast: '127.255.255.255' },
    port: PORT,
    interval: 100,
    zyrePeers: { push: (p: ZPeer) => pushed.push(p) },
  })
  await zb.start()
  let zbStopped = false
  t.teardown(() => (zbStopped ? undefined : zb.stop()))

  beacon.publish(encodeBeacon(ours))
  const theirId = theirs.uuid.toString('hex')
  const ourId = ours.uuid.toString('hex')
  await waitFor(() => seen.some((s) => s.uuid === theirId) && pushed.some((p) => p.identity === ourId), 'discovery both ways')
  t.same(seen.find((s) => s.uuid === theirId), { address: '127.0.0.1', uuid: theirId, port: theirs.port }, 'we see zyre.js: uuid, mailbox port, address')
  t.same(pushed.find((p) => p.identity === ourId), { identity: ourId, address: '127.0.0.1', mailbox: ours.port }, 'zyre.js sees us: uuid, mailbox port, address')

  // Leaving, both ways: zyre.js sends port 0 on stop; so do we.
  await zb.stop()
  zbStopped = true
  await waitFor(() => seen.some((s) => s.uuid === theirId && s.port === 0), 'zyre.js leaving beacon')
  t.pass('zyre.js leaving beacon (port 0) delivered')

  const pushed2: ZPeer[] = []
  const zb2 = new ZBeacon({
    identity: randomBytes(16),
    mailbox: 1,
    ifaceData: { network: '127.0.0.0', netmask: '255.0.0.0', broadcast: '127.255.255.255' },
    port: PORT,
    interval: 100,
    zyrePeers: { push: (p: ZPeer) => pushed2.push(p) },
  })
  await zb2.start()
  t.teardown(() => zb2.stop())
  await waitFor(() => pushed2.some((p) => p.identity === ourId), 'second zyre.js node sees us')
  beacon.silence()
  await beacon.sendOnce(encodeBeacon({ uuid: ours.uuid, port: 0 }))
  await waitFor(() => pushed2.some((p) => p.identity === ourId && p.mailbox === 0), 'our leaving beacon at zyre.js')
  t.pass('our leaving beacon (port 0) understood by zyre.js')
})
