// Salsa20, HSalsa20 and the XSalsa20 stream: NaCl's published HSalsa20 vectors, and byte-for-byte
// agreement with libsodium (Debian's libsodium23 through ctypes) on random keys, nonces and lengths.
import t from 'tap'
import { randomBytes, randomInt } from 'node:crypto'
import { hsalsa20, salsa20Block, XSalsa20 } from '../../../zmtp/curve/salsa20.ts'
import { hex, oracle, unhex, type OracleRequest } from './oracle.ts'

const LENGTHS = [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 200, 4096, 65539]

t.test('HSalsa20 vectors from "Cryptography in NaCl"', async (t) => {
  // core1: the X25519 shared secret of Alice and Bob and 16 zero bytes give the box key.
  const out = new Uint8Array(32)
  hsalsa20(out, 0, unhex('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742'), new Uint8Array(16))
  t.equal(hex(out), '1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389')
  // core2: that key and the first 16 nonce bytes give the XSalsa20 subkey.
  hsalsa20(out, 0, unhex('1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389'), unhex('69696ee955b62b73cd62bda875fc73d6'))
  t.equal(hex(out), 'dc908dda0b9344a953629b733820778880f3ceb421bb61b91cbd4c3e66256ce4')
  // the input may sit at an offset
  const padded = Buffer.concat([Buffer.alloc(5, 0xee), unhex('69696ee955b62b73cd62bda875fc73d6')])
  const again = new Uint8Array(40)
  hsalsa20(again, 8, unhex('1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389'), padded, 5)
  t.equal(hex(again.subarray(8)), 'dc908dda0b9344a953629b733820778880f3ceb421bb61b91cbd4c3e66256ce4')
  t.ok(again.subarray(0, 8).every((b) => b === 0), 'nothing written before outOff')
})

t.test('Salsa20 and HSalsa20 cores agree with libsodium', async (t) => {
  const cases = Array.from({ length: 64 }, (_, i) => {
    // a few all-ones and all-zeros inputs for carries through every addition
    const key = i === 0 ? Buffer.alloc(32, 0xff) : i === 1 ? Buffer.alloc(32) : randomBytes(32)
    const input = i === 0 ? Buffer.alloc(16, 0xff) : i === 1 ? Buffer.alloc(16) : randomBytes(16)
    return { key, input }
  })
  const requests: OracleRequest[] = cases.flatMap(({ key, input }) => [
    ['salsa20', hex(key), hex(input)] as const,
    ['hsalsa20', hex(key), hex(input)] as const,
  ])
  const answers = oracle(requests)
  let bad = 0
  cases.forEach(({ key, input }, i) => {
    const block = new Uint8Array(64)
    salsa20Block(block, 0, key, input)
    const sub = new Uint8Array(32)
    hsalsa20(sub, 0, key, input)
    if (hex(block) !== answers[2 * i] || hex(sub) !== answers[2 * i + 1]) {
      bad++
      t.fail(`key ${hex(key)} input ${hex(input)}`)
    }
  })
  t.equal(bad, 0, `${cases.length} keys`)
})

/** Splits [0, len) at `cuts` random points. */
function randomSpans(len: number, cuts: number): Array<[number, number]> {
  const points = Array.from({ length: cuts }, () => randomInt(0, len + 1)).sort((a, b) => a - b)
  const spans: Array<[number, number]> = []
  let at = 0
  for (const p of [...points, len]) {
    spans.push([at, p])
    at = p
  }
  return spans
}

t.test('XSalsa20 stream XOR agrees with libsodium, in any pieces', async (t) => {
  const cases = LENGTHS.flatMap((len) => [0, 1].map(() => ({ key: randomBytes(32), nonce: randomBytes(24), msg: randomBytes(len) })))
  const answers = oracle(cases.map(({ key, nonce, msg }) => ['xsalsa20_xor', hex(key), hex(nonce), hex(msg)] as const))
  const stream = new XSalsa20()
  cases.forEach(({ key, nonce, msg }, i) => {
    const want = answers[i]
    // one call
    const whole = new Uint8Array(msg.length)
    stream.init(key, nonce).xor(msg, 0, whole, 0, msg.length)
    t.equal(hex(whole), want, `${msg.length} bytes in one call`)
    // pieces, into a destination at an offset
    const dst = new Uint8Array(msg.length + 7)
    stream.init(key, nonce)
    for (const [a, b] of randomSpans(msg.length, 5)) stream.xor(msg, a, dst, 7 + a, b - a)
    t.equal(hex(dst.subarray(7)), want, `${msg.length} bytes in pieces`)
    // in place
    const inPlace = Buffer.from(msg)
    stream.init(key, nonce)
    for (const [a, b] of randomSpans(msg.length, 3)) stream.xor(inPlace, a, inPlace, a, b - a)
    t.equal(hex(inPlace), want, `${msg.length} bytes in place`)
    // raw key stream, XORed by hand
    const ks = new Uint8Array(msg.length)
    stream.init(key, nonce)
    for (const [a, b] of randomSpans(msg.length, 4)) stream.keystream(ks, a, b - a)
    t.equal(hex(ks.map((k, j) => k ^ msg[j]!)), want, `${msg.length} key-stream bytes`)
  })
})

t.test('XSalsa20 rejects keys and nonces of the wrong length', async (t) => {
  const s = new XSalsa20()
  t.throws(() => s.init(new Uint8Array(31), new Uint8Array(24)), RangeError)
  t.throws(() => s.init(new Uint8Array(32), new Uint8Array(8)), RangeError)
  t.doesNotThrow(() => s.init(new Uint8Array(32), new Uint8Array(24)))
})
