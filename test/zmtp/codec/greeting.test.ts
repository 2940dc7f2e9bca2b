// Greeting: every field, padding and filler ignored, early refusal of non-ZMTP-3 peers.
import t from 'tap'
import { decodeGreeting, encodeGreeting, checkGreetingPrefix, GREETING_SIZE } from '../../../zmtp/codec/greeting.ts'
import { codeOf } from '../../helpers/zmtp-codec.ts'

t.test('encoded fields sit where RFC 23 puts them', async (t) => {
  const g = encodeGreeting({ mechanism: 'PLAIN', asServer: true })
  t.equal(g.length, GREETING_SIZE)
  t.equal(g[0], 0xff, 'signature start')
  t.equal(g[9], 0x7f, 'signature end')
  t.equal(g[10], 3, 'major')
  t.equal(g[11], 1, 'minor')
  t.equal(g.toString('latin1', 12, 17), 'PLAIN')
  t.ok(g.subarray(17, 32).every((b) => b === 0), 'mechanism null-padded')
  t.equal(g[32], 1, 'as-server')
  t.ok(g.subarray(33).every((b) => b === 0), 'filler zero')
  t.same(decodeGreeting(g), { major: 3, minor: 1, mechanism: 'PLAIN', asServer: true }, 'round trip')
  t.same(decodeGreeting(encodeGreeting({ mechanism: 'NULL', asServer: false, minor: 0 })), { major: 3, minor: 0, mechanism: 'NULL', asServer: false })
})

t.test('padding and filler bytes are ignored', async (t) => {
  const g = encodeGreeting({ mechanism: 'NULL', asServer: false })
  for (let i = 1; i <= 8; i++) g[i] = 0xa5
  for (let i = 33; i < 64; i++) g[i] = 0x5a
  t.same(decodeGreeting(g), { major: 3, minor: 1, mechanism: 'NULL', asServer: false })
})

t.test('a libzmq greeting captured on the wire decodes', async (t) => {
  // libzmq 4.3 NULL greeting: ff 00*7 01 7f 03 01 "NULL" 00*16 00 00*31
  const hex = 'ff00000000000000017f03014e554c4c' + '00'.repeat(16) + '00' + '00'.repeat(31)
  t.same(decodeGreeting(Buffer.from(hex, 'hex')), { major: 3, minor: 1, mechanism: 'NULL', asServer: false })
  t.same(encodeGreeting({ mechanism: 'NULL', asServer: false }).toString('hex'), hex, 'we send the same bytes')
})

t.test('newer minor and major versions are accepted', async (t) => {
  const g = encodeGreeting({ mechanism: 'NULL', asServer: false })
  g[11] = 7
  t.equal(decodeGreeting(g).minor, 7)
  g[10] = 4
  t.equal(decodeGreeting(g).major, 4)
})

t.test('bad signatures and old versions fail early, from the first bytes', async (t) => {
  t.equal(codeOf(() => checkGreetingPrefix(Buffer.of(0x01))), 'ZMTP_BAD_GREETING', 'ZMTP 1.0 (length byte first)')
  t.equal(codeOf(() => checkGreetingPrefix(Buffer.from('GET / HTTP/1.1'))), 'ZMTP_BAD_GREETING', 'HTTP')
  t.equal(codeOf(() => checkGreetingPrefix(Buffer.of(0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7e))), 'ZMTP_BAD_GREETING', 'byte 9 not 0x7f')
  t.equal(codeOf(() => checkGreetingPrefix(Buffer.of(0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 0x01))), 'ZMTP_UNSUPPORTED_VERSION', 'ZMTP 2.0 revision byte')
  t.equal(codeOf(() => checkGreetingPrefix(Buffer.of(0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 0x02))), 'ZMTP_UNSUPPORTED_VERSION', 'major 2')
  t.equal(codeOf(() => checkGreetingPrefix(Buffer.of(0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 0x03))), undefined, 'major 3 so far fine')
  t.equal(codeOf(() => checkGreetingPrefix(Buffer.of(0xff, 1, 2))), undefined, 'incomplete prefix is not judged')
})

t.test('malformed mechanism names', async (t) => {
  const base = () => encodeGreeting({ mechanism: 'NULL', asServer: false })
  const g1 = base()
  g1.fill(0, 12, 32)
  t.equal(codeOf(() => decodeGreeting(g1)), 'ZMTP_BAD_GREETING', 'empty')
  const g2 = base()
  g2[20] = 0x41
  t.equal(codeOf(() => decodeGreeting(g2)), 'ZMTP_BAD_GREETING', 'not null-padded')
  const g3 = base()
  g3[13] = 0x75 // lower-case u
  t.equal(codeOf(() => decodeGreeting(g3)), 'ZMTP_BAD_GREETING', 'lower-case letter')
  const g4 = base()
  g4.write('CURVE', 12, 'latin1')
  t.equal(decodeGreeting(g4).mechanism, 'CURVE', 'other names decode (the connection decides)')
  t.equal(codeOf(() => decodeGreeting(base().subarray(0, 63))), 'ZMTP_BAD_GREETING', 'truncated')
})

t.test('encoder refuses impossible mechanism names', async (t) => {
  t.throws(() => encodeGreeting({ mechanism: '', asServer: false }), RangeError)
  t.throws(() => encodeGreeting({ mechanism: 'X'.repeat(21), asServer: false }), RangeError)
})
