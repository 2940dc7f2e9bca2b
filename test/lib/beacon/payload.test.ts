// Beacon payload codec: golden payloads from the C reference and pyre (parse, generate, mirror),
// the version 3 form, and every malformed size and header.
import t from 'tap'
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { decodeBeacon, encodeBeacon, beaconHasUuid, isBeacon, BeaconPayloadError } from '../../../lib/beacon/payload.ts'

const vectorsDir = new URL('../../../../shared/vectors/', import.meta.url)
const vectors = readFileSync(new URL('zre_beacon.jsonl', vectorsDir), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { name: string; uuid: string; port: number; hex: string })

t.ok(vectors.length >= 3, 'golden beacon vectors present')
for (const v of vectors) {
  t.test(v.name, async (t) => {
    const bytes = Buffer.from(v.hex, 'hex')
    const p = decodeBeacon(bytes)
    t.ok(p, 'parses')
    t.equal(p!.version, 1)
    t.equal(p!.uuid.toString('hex').toUpperCase(), v.uuid, 'uuid')
    t.equal(p!.port, v.port, 'port')
    t.same(encodeBeacon({ uuid: Buffer.from(v.uuid, 'hex'), port: v.port }), bytes, 'generate gives the same bytes')
    t.same(encodeBeacon(p!), bytes, 'mirror')
  })
}

t.test('version 3 carries a public key', async (t) => {
  const uuid = Buffer.alloc(16, 7)
  const publicKey = Buffer.alloc(32, 9)
  const b = encodeBeacon({ uuid, port: 1234, publicKey })
  t.equal(b.length, 54)
  t.equal(b[3], 3)
  const p = decodeBeacon(b)
  t.same(p, { version: 3, uuid, port: 1234, publicKey })
})

t.test('exit beacon has port 0', async (t) => {
  const p = decodeBeacon(encodeBeacon({ uuid: Buffer.alloc(16, 1), port: 0 }))
  t.equal(p?.port, 0)
})

t.test('malformed payloads are undefined, never thrown', async (t) => {
  const good = encodeBeacon({ uuid: Buffer.alloc(16, 0xab), port: 5670 })
  for (let size = 0; size <= 80; size++) {
    if (size === 22 || size === 54) continue
    const b = Buffer.alloc(size, 0)
    good.copy(b, 0, 0, Math.min(size, 22))
    t.equal(decodeBeacon(b), undefined, `size ${size}`)
  }
  for (let i = 0; i < 4; i++) {
    const b = Buffer.from(good)
    b[i] ^= 0xff
    t.equal(decodeBeacon(b), undefined, `header byte ${i} wrong`)
  }
  for (const version of [0, 2, 4, 0xff]) {
    const b = Buffer.from(good)
    b[3] = version
    t.equal(decodeBeacon(b), undefined, `version ${version}`)
  }
  const v3sized = Buffer.concat([good, Buffer.alloc(32)])
  t.equal(decodeBeacon(v3sized), undefined, 'version 1 header with 54 bytes')
  const v1sizedV3 = Buffer.from(good)
  v1sizedV3[3] = 3
  t.equal(decodeBeacon(v1sizedV3), undefined, 'version 3 header with 22 bytes')
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
      const p = decodeBeacon(bytes)
      return p === undefined || ((bytes.length === 22 || bytes.length === 54) && bytes[0] === 0x5a)
    }),
  )
})

t.test('encode refuses bad fields', async (t) => {
  t.throws(() => encodeBeacon({ uuid: Buffer.alloc(15), port: 1 }), BeaconPayloadError)
  t.throws(() => encodeBeacon({ uuid: Buffer.alloc(16), port: 65536 }), BeaconPayloadError)
  t.throws(() => encodeBeacon({ uuid: Buffer.alloc(16), port: 1, publicKey: Buffer.alloc(31) }), BeaconPayloadError)
})

t.test('round trip of any uuid and port', async () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: 0, max: 65535 }), (u, port) => {
      const uuid = Buffer.from(u)
      const b = encodeBeacon({ uuid, port })
      const p = decodeBeacon(b)
      return p !== undefined && p.uuid.equals(uuid) && p.port === port && beaconHasUuid(b, uuid)
    }),
  )
})

t.test('isBeacon agrees with decodeBeacon, also on near misses', async (t) => {
  const good = encodeBeacon({ uuid: Buffer.alloc(16, 3), port: 1 })
  const good3 = encodeBeacon({ uuid: Buffer.alloc(16, 3), port: 1, publicKey: Buffer.alloc(32, 4) })
  // Valid beacons with a few bytes changed and a random length: mostly near misses.
  const nearMiss = fc
    .tuple(fc.constantFrom(good, good3), fc.array(fc.tuple(fc.nat(60), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }), fc.integer({ min: 0, max: 60 }))
    .map(([base, edits, len]) => {
      const b = Buffer.alloc(len)
      base.copy(b, 0, 0, Math.min(len, base.length))
      for (const [i, v] of edits) if (i < len) b[i] = v
      return b
    })
  fc.assert(fc.property(fc.oneof(nearMiss, fc.uint8Array({ maxLength: 80 })), (b) => isBeacon(b) === (decodeBeacon(b) !== undefined)))
  t.ok(isBeacon(good) && isBeacon(good3))
  t.ok(beaconHasUuid(good, Buffer.alloc(16, 3)), 'own uuid matched')
  t.notOk(beaconHasUuid(good.subarray(0, 21), Buffer.alloc(16, 3)), 'a truncated beacon is not ours')
})
