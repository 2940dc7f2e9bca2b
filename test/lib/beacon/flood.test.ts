// A flood of bogus datagrams on the beacon port (loopback, bounded in count) is counted and
// dropped, and discovery keeps working during and after it: both with the default validation
// and with Zyre's configuration (prefix subscription + own-UUID filter).
import t from 'tap'
import dgram from 'node:dgram'
import { randomBytes } from 'node:crypto'
import { Beacon } from '../../../lib/beacon/beacon.ts'
import { decodeBeacon, encodeBeacon, beaconHasUuid } from '../../../lib/beacon/payload.ts'

const PORT = 47031
const DATAGRAMS = 50_000
const BATCH = 50

async function node(port: number, uuid: Buffer, seen: Set<string>, subscribe: boolean): Promise<Beacon> {
  const b = new Beacon({ port, interface: 'lo', interval: 100, interfacePollInterval: 0 })
  await b.start()
  if (subscribe) b.subscribe(Buffer.from('ZRE'))
  b.ignore((p) => beaconHasUuid(p, uuid))
  b.on('beacon', ({ payload }) => seen.add(decodeBeacon(payload)!.uuid.toString('hex')))
  b.publish(encodeBeacon({ uuid, port: 1000 }))
  return b
}

// Random sizes and bytes, near-misses (a valid beacon with a header byte flipped), oversize
// datagrams, and 'ZRE'-prefixed junk that passes the prefix filter but is not a beacon (never a
// valid one by chance: that would be a real beacon from a made-up node).
function garbage(i: number, valid: Buffer): Buffer {
  switch (i % 4) {
    case 0:
      return randomBytes(i % 300)
    case 1: {
      const pkt = Buffer.from(valid)
      pkt[(i >> 2) % 4] ^= 0x40
      return pkt
    }
    case 2:
      return Buffer.alloc(1000 + (i % 5000), 0x5a)
    default:
      return Buffer.concat([Buffer.from([0x5a, 0x52, 0x45, 0x02]), randomBytes(i % 60)]) // unknown version
  }
}

for (const [k, subscribe] of [false, true].entries()) {
  t.test(`garbage flood does not stop discovery${subscribe ? ' (subscribed to ZRE)' : ''}`, async (t) => {
    const port = PORT + k
    const seenA = new Set<string>()
    const seenB = new Set<string>()
    const ua = randomBytes(16)
    const ub = randomBytes(16)
    const a = await node(port, ua, seenA, subscribe)
    const flooder = dgram.createSocket('udp4')
    let b: Beacon | undefined
    t.teardown(async () => {
      await Promise.all([a.close(), b?.close()])
      flooder.close()
    })
    await new Promise<void>((r) => flooder.bind(0, '127.0.0.1', r))
    flooder.setBroadcast(true)
    const valid = encodeBeacon({ uuid: randomBytes(16), port: 9 })
    const started = process.hrtime.bigint()
    for (let i = 0; i < DATAGRAMS; i++) {
      const last = await new Promise<void>((resolve) => {
        flooder.send(garbage(i, valid), port, '127.255.255.255', () => resolve())
        // Wait for the send callback only every BATCH datagrams: fast, yet the receivers get to
        // read between batches, so most of the flood reaches the beacon instead of the kernel's
        // drop counter (a flood faster than that only costs the kernel, not us).
        if (i % BATCH !== BATCH - 1) resolve()
      })
      void last
      if (i % BATCH === BATCH - 1) await new Promise((r) => setImmediate(r))
      if (i === DATAGRAMS / 2) b = await node(port, ub, seenB, subscribe) // a node starting mid-flood
    }
    const deadline = Date.now() + 10_000
    while (!(seenA.has(ub.toString('hex')) && seenB.has(ua.toString('hex'))) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20))
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    t.ok(seenA.has(ub.toString('hex')), 'A discovered B during/after the flood')
    t.ok(seenB.has(ua.toString('hex')), 'B discovered A during/after the flood')
    t.equal(seenA.size, 1, 'nothing bogus was delivered')
    const s = a.stats
    t.equal(s.received, s.delivered + s.ignored + s.filtered + s.malformed, 'every datagram is accounted for exactly once')
    t.ok(s.malformed > 1000, `A counted ${s.malformed} malformed datagrams`)
    if (subscribe) t.ok(s.filtered > 1000, `A counted ${s.filtered} datagrams without the ZRE prefix`)
    else t.equal(s.filtered, 0, 'no prefix filter, nothing filtered')
    t.comment(`A received ${s.received} datagrams (${Math.round(s.received / (ms / 1000))}/s over the run; loopback may drop some under load)`)
  })
}
