// Poly1305: RFC 8439's vectors (including the appendix's edge cases around p = 2^130 - 5) and
// agreement with libsodium's crypto_onetimeauth_poly1305 on random and extreme keys and messages.
import t from 'tap'
import fc from 'fast-check'
import { randomBytes, randomInt } from 'node:crypto'
import { equalConstantTime, Poly1305, poly1305, poly1305Verify } from '../../../zmtp/curve/poly1305.ts'
import { hex, oracle, unhex } from './oracle.ts'

function tagOf(key: Uint8Array, msg: Uint8Array): string {
  const tag = new Uint8Array(16)
  poly1305(tag, 0, msg, 0, msg.length, key)
  return hex(tag)
}

t.test('RFC 8439 section 2.5.2', async (t) => {
  const key = unhex('85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b')
  t.equal(tagOf(key, Buffer.from('Cryptographic Forum Research Group')), 'a8061dc1305136c6c22b8baf0c0127a9')
})

t.test('RFC 8439 appendix A.3 edge cases (h near p, carries past 2^130)', async (t) => {
  const r2 = '02' + '00'.repeat(31)
  const r1 = '01' + '00'.repeat(31)
  const ff16 = 'ff'.repeat(16)
  const cases: Array<[string, string, string]> = [
    [r2, ff16, '03000000000000000000000000000000'], // #5
    ['02' + '00'.repeat(15) + ff16, '02' + '00'.repeat(15), '03000000000000000000000000000000'], // #6
    [r1, ff16 + 'f0' + 'ff'.repeat(15) + '11' + '00'.repeat(15), '05000000000000000000000000000000'], // #7
    [r1, ff16 + 'fb' + 'fe'.repeat(15) + '01'.repeat(16), '00000000000000000000000000000000'], // #8
    [r2, 'fd' + 'ff'.repeat(15), 'faffffffffffffffffffffffffffffff'], // #9
  ]
  for (const [key, msg, tag] of cases) t.equal(tagOf(unhex(key), unhex(msg)), tag, `key ${key.slice(0, 8)}.. msg ${msg.slice(0, 8)}..`)
})

t.test('agrees with libsodium on random and extreme inputs', async (t) => {
  const lengths = [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 200, 4096, 65539]
  for (let i = 0; i < 40; i++) lengths.push(randomInt(0, 600))
  const cases: Array<{ key: Buffer; msg: Buffer }> = []
  for (const len of lengths) {
    cases.push({ key: randomBytes(32), msg: randomBytes(len) })
    // largest limbs everywhere: clamped r all ones, message all ones
    cases.push({ key: Buffer.alloc(32, 0xff), msg: Buffer.alloc(len, 0xff) })
    cases.push({ key: Buffer.concat([Buffer.alloc(16, 0xff), randomBytes(16)]), msg: randomBytes(len) })
    cases.push({ key: randomBytes(32), msg: Buffer.alloc(len, 0xff) })
  }
  const answers = oracle(cases.map(({ key, msg }) => ['poly1305', hex(key), hex(msg)] as const))
  let bad = 0
  cases.forEach(({ key, msg }, i) => {
    if (tagOf(key, msg) !== answers[i]) {
      bad++
      if (bad < 5) t.fail(`key ${hex(key)} msg ${msg.length} bytes ${hex(msg).slice(0, 64)}..`)
    }
  })
  t.equal(bad, 0, `${cases.length} tags`)
})

t.test('incremental updates in any pieces equal one call', async (t) => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ maxLength: 300 }),
      fc.array(fc.nat({ max: 300 }), { maxLength: 6 }),
      (key, msg, cuts) => {
        const points = [...cuts.map((c) => c % (msg.length + 1)), msg.length].sort((a, b) => a - b)
        const mac = new Poly1305().init(key)
        let at = 0
        for (const p of points) {
          mac.update(msg, at, p - at)
          at = p
        }
        const tag = new Uint8Array(16)
        mac.finish(tag)
        return hex(tag) === tagOf(key, msg)
      },
    ),
    { numRuns: 300 },
  )
  t.pass('300 split messages')
})

t.test('key and tag at offsets; verify and constant-time compare', async (t) => {
  const key = randomBytes(32)
  const msg = randomBytes(100)
  const tag = new Uint8Array(16)
  poly1305(tag, 0, msg, 0, msg.length, key)
  const keyAt = Buffer.concat([Buffer.alloc(3), key])
  const tagAt = new Uint8Array(20)
  poly1305(tagAt, 4, Buffer.concat([Buffer.alloc(9), msg]), 9, msg.length, keyAt, 3)
  t.equal(hex(tagAt.subarray(4)), hex(tag))
  t.ok(poly1305Verify(tag, 0, msg, 0, msg.length, key))
  t.ok(poly1305Verify(tagAt, 4, msg, 0, msg.length, key))
  for (let bit = 0; bit < 128; bit += 7) {
    const bad = Uint8Array.from(tag)
    bad[bit >> 3] ^= 1 << (bit & 7)
    t.notOk(poly1305Verify(bad, 0, msg, 0, msg.length, key), `tag bit ${bit} flipped`)
  }
  t.notOk(poly1305Verify(tag.subarray(0, 15), 0, msg, 0, msg.length, key), 'short tag')
  t.ok(equalConstantTime(Buffer.from('abcdef'), 1, Buffer.from('xbcd'), 1, 3))
  t.notOk(equalConstantTime(Buffer.from('abcdef'), 0, Buffer.from('abcdeg'), 0, 6))
  t.ok(equalConstantTime(new Uint8Array(0), 0, new Uint8Array(0), 0, 0))
  t.throws(() => new Poly1305().init(new Uint8Array(31)), RangeError)
})
