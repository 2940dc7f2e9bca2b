// Z85 (RFC 32): the RFC's vector, refusal of malformed text, round trips, and agreement with
// pyzmq (Debian's python3-zmq) on encoding and on CURVE key pairs.
import t from 'tap'
import fc from 'fast-check'
import { randomBytes, randomInt } from 'node:crypto'
import { z85Decode, z85Encode } from '../../../zmtp/curve/z85.ts'
import { curveKeyPair, curvePublicKeyOf } from '../../../zmtp/curve/index.ts'
import { hex, oracle, type OracleRequest } from './oracle.ts'

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#'

t.test('RFC 32 test vector', async (t) => {
  const bytes = Buffer.from([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b])
  t.equal(z85Encode(bytes), 'HelloWorld')
  t.same(z85Decode('HelloWorld'), bytes)
  t.equal(z85Encode(new Uint8Array(0)), '')
  t.equal(z85Decode('').length, 0)
  t.equal(z85Encode(Buffer.alloc(4)), '00000')
  t.equal(z85Encode(Buffer.alloc(4, 0xff)), '%nSc0', '2^32 - 1')
  t.same(z85Decode('%nSc0'), Buffer.alloc(4, 0xff))
  t.ok(Buffer.isBuffer(z85Decode('HelloWorld')))
  // a view into a larger buffer encodes only its own bytes
  t.equal(z85Encode(Buffer.concat([Buffer.from([1, 2, 3]), bytes]).subarray(3)), 'HelloWorld')
})

t.test('malformed input is a RangeError', async (t) => {
  for (const n of [1, 2, 3, 5, 7, 31, 33]) t.throws(() => z85Encode(new Uint8Array(n)), RangeError, `${n} bytes`)
  for (const s of ['H', 'Hell', 'HelloW', 'HelloWorl', 'x'.repeat(39), 'x'.repeat(41)]) t.throws(() => z85Decode(s), RangeError, `length ${s.length}`)
  for (const c of [' ', '"', "'", ',', ';', '\\', '_', '`', '|', '~', '\n', '\0', '\x7f', 'é', '€', '\u{1f600}'.slice(0, 1)]) {
    t.throws(() => z85Decode(`Hell${c}`), RangeError, `char ${JSON.stringify(c)}`)
    t.throws(() => z85Decode(`${c}elloWorld`.slice(0, 10)), RangeError, `char ${JSON.stringify(c)} first`)
  }
  for (const s of ['%nSc1', '#####', '$0000', 'HelloWorld%nSc1']) t.throws(() => z85Decode(s), RangeError, `overflow ${s}`)
  t.doesNotThrow(() => z85Decode('%nSc0'), 'largest group')
  t.equal(ALPHABET.length, 85)
  // every alphabet char decodes as its position in the last digit
  for (let i = 0; i < 85; i++) t.equal(z85Decode(`0000${ALPHABET[i]}`).readUInt32BE(0), i)
})

t.test('round trip', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }).map((a) => a.subarray(0, a.length - (a.length % 4))), (data) => {
      const text = z85Encode(data)
      return text.length === (data.length / 4) * 5 && /^[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]*$/.test(text) && z85Decode(text).equals(data)
    }),
    { numRuns: 500 },
  )
  t.pass('500 byte strings')
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...ALPHABET), { maxLength: 60 }), (chars) => {
      const text = chars.slice(0, chars.length - (chars.length % 5)).join('')
      // text -> bytes -> text is the identity for text whose groups fit in 32 bits
      let decoded: Buffer
      try {
        decoded = z85Decode(text)
      } catch (e) {
        return e instanceof RangeError && /exceeds 32 bits/.test(e.message)
      }
      return z85Encode(decoded) === text
    }),
    { numRuns: 500 },
  )
  t.pass('500 texts')
})

t.test('agrees with pyzmq', async (t) => {
  const inputs = Array.from({ length: 60 }, (_, i) => randomBytes(i < 4 ? [0, 4, 32, 4096][i]! : 4 * randomInt(0, 40)))
  inputs.push(Buffer.alloc(32, 0xff), Buffer.alloc(32))
  const texts = Array.from({ length: 20 }, () => z85Encode(randomBytes(4 * randomInt(1, 20))))
  const secrets = Array.from({ length: 20 }, () => randomBytes(32))
  const requests: OracleRequest[] = [
    ...inputs.map((b) => ['z85_encode', hex(b)] as const),
    ...texts.map((s) => ['z85_decode', s] as const),
    ...secrets.map((s) => ['curve_public', z85Encode(s)] as const),
    ...Array.from({ length: 20 }, () => ['curve_keypair'] as const),
  ]
  const answers = oracle(requests)
  let i = 0
  for (const b of inputs) t.equal(z85Encode(b), answers[i++], `encode ${b.length} bytes`)
  for (const s of texts) t.equal(hex(z85Decode(s)), answers[i++], `decode ${s.length} chars`)
  for (const s of secrets) t.equal(z85Encode(curvePublicKeyOf(s)), answers[i++], 'curvePublicKeyOf agrees with zmq.curve_public')
  for (let k = 0; k < 20; k++) {
    const [pub, sec] = answers[i++] as [string, string]
    t.equal(z85Encode(curvePublicKeyOf(z85Decode(sec))), pub, 'a zmq.curve_keypair() pair')
  }
})

t.test('curveKeyPair gives 40-character Z85 keys that belong together', async (t) => {
  const seen = new Set<string>()
  for (let k = 0; k < 10; k++) {
    const { publicKey, secretKey } = curveKeyPair()
    t.equal(publicKey.length, 40)
    t.equal(secretKey.length, 40)
    t.equal(z85Encode(curvePublicKeyOf(z85Decode(secretKey))), publicKey)
    seen.add(secretKey)
  }
  t.equal(seen.size, 10, 'fresh keys every time')
  const answers = oracle([['curve_public', curveKeyPair().secretKey]])
  t.equal((answers[0] as string).length, 40)
})
