// A flood of bogus datagrams on the beacon port (loopback, bounded in count) is counted and
// dropped, and discovery keeps working during and after it.
import t from 'tap'
import dgram from 'node:dgram'
import { randomBytes } from 'node:crypto'
import { Beacon } from '../../../lib/beacon/beacon.ts'
import { decodeBeacon, encodeBeacon, beaconHasUuid } from '../../../lib/beacon/payload.ts'

const PORT = 47031
const DATAGRAMS = 50_000

async function node(uuid: Buffer, seen: Set<string>): Promise<Beacon> {
  const b = new Beacon({ port: PORT, interface: 'lo', interval: 100, interfacePollInterval: 0 })
  await b.start()
  b.ignore((p) => beaconHasUuid(p, uuid))
  b.on('beacon', ({ payload }) => seen.add(decodeBeacon(payload)!.uuid.toString('hex')))
  b.publish(encodeBeacon({ uuid, port: 1000 }))
  return b
}

t.test('garbage flood does not stop discovery', async (t) => {
  const seenA = new Set<string>()
  const seenB = new Set<string>()
  const ua = randomBytes(16)
  const ub = randomBytes(16)
  const a = await node(ua, seenA)
  const flooder = dgram.createSocket('udp4')
  t.teardown(async () => {
    await a.close()
    flooder.close()
  })
  await new Promise<void>((r) => flooder.bind(0, '127.0.0.1', r))
  flooder.setBroadcast(true)
  const valid = encodeBeacon({ uuid: randomBytes(16), port: 9 })
  let b: Beacon | undefined
  for (let i = 0; i < DATAGRAMS; i++) {
    // Random sizes and bytes, plus near-misses: a valid beacon with one byte flipped, oversize.
    let pkt: Buffer
    if (i % 3 === 0) pkt = randomBytes(i % 300)
    else if (i % 3 === 1) {
      pkt = Buffer.from(valid)
      pkt[i % 4] ^= 0x40
    } else pkt = Buffer.alloc(1000 + (i % 5000), 0x5a)
    flooder.send(pkt, PORT, '127.255.255.255')
    if (i === DATAGRAMS / 2) b = await node(ub, seenB) // a node starting in the middle of the flood
    if (i % 500 === 0) await new Promise((r) => setImmediate(r))
  }
  t.teardown(() => b?.close())
  const deadline = Date.now() + 10_000
  while (!(seenA.has(ub.toString('hex')) && seenB.has(ua.toString('hex'))) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20))
  }
  t.ok(seenA.has(ub.toString('hex')), 'A discovered B during/after the flood')
  t.ok(seenB.has(ua.toString('hex')), 'B discovered A during/after the flood')
  t.ok(a.stats.malformed > 1000, `A counted ${a.stats.malformed} malformed datagrams`)
  t.equal(seenA.size, 1, 'nothing bogus was delivered')
})
