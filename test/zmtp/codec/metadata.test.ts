// Metadata properties: round trip, name validation, truncation at every byte.
import t from 'tap'
import fc from 'fast-check'
import { decodeMetadata, encodeMetadata, isValidPropertyName } from '../../../zmtp/codec/metadata.ts'
import { ZmtpError } from '../../../zmtp/errors.ts'

t.test('round trip with empty, short and large values', async (t) => {
  const wire = encodeMetadata([['Socket-Type', Buffer.from('ROUTER')], ['Identity', Buffer.alloc(0)], ['X.a_b+c-9', Buffer.alloc(70000, 3)]])
  t.same([...wire.subarray(0, 12)], [11, ...Buffer.from('Socket-Type')], 'name length + name')
  t.equal(wire.readUInt32BE(12), 6, '4-byte value length')
  const m = decodeMetadata(wire)
  t.same([...m.keys()], ['socket-type', 'identity', 'x.a_b+c-9'])
  t.equal(m.get('identity')!.length, 0)
  t.equal(m.get('x.a_b+c-9')!.length, 70000)
  t.not(m.get('socket-type')!.buffer, wire.buffer, 'values are copies')
})

t.test('property names', async (t) => {
  for (const ok of ['a', 'Socket-Type', 'x.y_z+1', 'A'.repeat(255)]) t.ok(isValidPropertyName(ok), ok.slice(0, 20))
  for (const bad of ['', 'a b', 'é', 'a:b', 'a/b', 'A'.repeat(256)]) t.notOk(isValidPropertyName(bad), JSON.stringify(bad.slice(0, 20)))
  t.throws(() => encodeMetadata([['bad name', Buffer.alloc(0)]]), RangeError)
  const wire = Buffer.concat([Buffer.of(3), Buffer.from('a b'), Buffer.of(0, 0, 0, 0)])
  t.throws(() => decodeMetadata(wire), { code: 'ZMTP_BAD_METADATA' }, 'invalid name on the wire')
  t.throws(() => decodeMetadata(Buffer.of(0, 0, 0, 0, 0)), { code: 'ZMTP_BAD_METADATA' }, 'empty name on the wire')
})

t.test('every truncation of a valid property list is refused', async (t) => {
  const wire = encodeMetadata([['Socket-Type', Buffer.from('DEALER')], ['User-Id', Buffer.from('bob')]])
  const cut1 = 1 + 11 + 4 + 6 // end of the first property
  for (let n = 1; n < wire.length; n++) {
    if (n === cut1) {
      t.equal(decodeMetadata(wire.subarray(0, n)).size, 1, 'property boundary is a valid list')
      continue
    }
    t.throws(() => decodeMetadata(wire.subarray(0, n)), { code: 'ZMTP_BAD_METADATA' }, `cut at ${n}`)
  }
})

t.test('a value length claiming 4 GiB is refused without allocating it', async (t) => {
  const wire = Buffer.concat([Buffer.of(1), Buffer.from('a'), Buffer.of(0xff, 0xff, 0xff, 0xff), Buffer.from('x')])
  t.throws(() => decodeMetadata(wire), { code: 'ZMTP_BAD_METADATA' })
})

t.test('random bytes decode or fail with ZmtpError only (fast-check)', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      try {
        decodeMetadata(Buffer.from(bytes))
        return true
      } catch (e) {
        return e instanceof ZmtpError && e.code === 'ZMTP_BAD_METADATA'
      }
    }),
    { numRuns: 2000 },
  )
  t.pass('only typed errors')
})
