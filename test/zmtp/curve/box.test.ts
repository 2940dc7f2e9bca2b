// crypto_box / crypto_secretbox: the vectors of Bernstein's "Cryptography in NaCl", live agreement
// with libsodium (Debian's PyNaCl) in both directions, and properties of seal/open.
import t from 'tap'
import fc from 'fast-check'
import { randomBytes, randomInt } from 'node:crypto'
import {
  boxKey,
  boxSubkey,
  CURVE_KEY_BYTES,
  CURVE_MAC_BYTES,
  CURVE_NONCE_BYTES,
  CurveKeyError,
  curveKeyPairRaw,
  curvePublicKeyOf,
  open,
  openSubkey,
  seal,
  sealInto,
  sealIntoSubkey,
} from '../../../zmtp/curve/box.ts'
import { hex, oracle, unhex, type OracleRequest } from './oracle.ts'

const LENGTHS = [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 200, 4096, 65539]

// "Cryptography in NaCl", sections 2-9 (also RFC 7748's X25519 test keys).
const ALICE_SK = unhex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a')
const ALICE_PK = unhex('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a')
const BOB_SK = unhex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb')
const BOB_PK = unhex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f')
const SHARED_KEY = '1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389'
const NONCE = unhex('69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37')
const MESSAGE = unhex(
  'be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd751a1ac728d45e6c61296cdc3c0123' +
    '3561f41db66cce314adb310e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde048977eb48f59ffd4924' +
    'ca1c60902e52f0a089bc76897040e082f937763848645e0705',
)
const BOX =
  'f3ffc7703f9400e52a7dfb4b3d3305d9' + // MAC
  '8e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186ac0dfc17c98dce87b4da7f011ec48c97271d2c20f9b92' +
  '8fe2270d6fb863d51738b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e' +
  '88d5f9b37973f622a43d14a6599b1f654cb45a74e355a5'

/** The parts of `msg` cut at `cuts` random points (some parts empty), as views into copies at odd offsets. */
function randomParts(msg: Uint8Array, cuts: number): Uint8Array[] {
  const points = Array.from({ length: cuts }, () => randomInt(0, msg.length + 1)).sort((a, b) => a - b)
  const parts: Uint8Array[] = []
  let at = 0
  for (const p of [...points, msg.length]) {
    const pad = randomInt(0, 5)
    const holder = Buffer.concat([randomBytes(pad), msg.subarray(at, p), randomBytes(3)])
    parts.push(holder.subarray(pad, pad + (p - at)))
    at = p
  }
  return parts
}

/** sealInto with the plaintext in random parts, into a buffer at a random offset; the box bytes. */
function sealInParts(key: Uint8Array, nonce: Uint8Array, msg: Uint8Array): Buffer {
  const offset = randomInt(0, 9)
  const out = Buffer.alloc(offset + CURVE_MAC_BYTES + msg.length + 4, 0xa5)
  const n = sealInto(key, nonce, randomParts(msg, randomInt(0, 6)), out, offset)
  if (n !== CURVE_MAC_BYTES + msg.length) throw new Error(`sealInto returned ${n}`)
  if (out.subarray(0, offset).some((b) => b !== 0xa5) || out.subarray(offset + n).some((b) => b !== 0xa5)) {
    throw new Error('sealInto wrote outside its box')
  }
  return out.subarray(offset, offset + n)
}

t.test('"Cryptography in NaCl" vectors', async (t) => {
  t.equal(hex(curvePublicKeyOf(ALICE_SK)), hex(ALICE_PK), 'Alice public key')
  t.equal(hex(curvePublicKeyOf(BOB_SK)), hex(BOB_PK), 'Bob public key')
  t.equal(hex(boxKey(BOB_PK, ALICE_SK)), SHARED_KEY, 'Alice: beforenm')
  t.equal(hex(boxKey(ALICE_PK, BOB_SK)), SHARED_KEY, 'Bob: beforenm')
  const key = unhex(SHARED_KEY)
  t.equal(MESSAGE.length, 131)
  t.equal(hex(seal(key, NONCE, MESSAGE)), BOX, 'seal')
  for (let i = 0; i < 20; i++) t.equal(hex(sealInParts(key, NONCE, MESSAGE)), BOX, 'sealInto with parts')
  t.equal(hex(open(key, NONCE, unhex(BOX))!), hex(MESSAGE), 'open')
})

t.test('X25519 and beforenm agree with libsodium', async (t) => {
  // random secret keys as they come (unclamped), and node-generated pairs
  const secrets = Array.from({ length: 24 }, (_, i) => (i < 12 ? randomBytes(32) : curveKeyPairRaw().secretKey))
  const publics = secrets.map((s) => curvePublicKeyOf(s))
  const requests: OracleRequest[] = secrets.map((s) => ['scalarmult_base', hex(s)] as const)
  for (let i = 0; i < secrets.length; i++) requests.push(['beforenm', hex(publics[(i + 1) % secrets.length]!), hex(secrets[i]!)])
  const answers = oracle(requests)
  secrets.forEach((s, i) => {
    t.equal(hex(publics[i]!), answers[i], `public key of secret ${i}`)
    t.equal(hex(boxKey(publics[(i + 1) % secrets.length]!, s)), answers[secrets.length + i], `box key ${i}`)
  })
  const pair = curveKeyPairRaw()
  t.equal(pair.publicKey.length, CURVE_KEY_BYTES)
  t.equal(pair.secretKey.length, CURVE_KEY_BYTES)
  t.equal(hex(curvePublicKeyOf(pair.secretKey)), hex(pair.publicKey), 'curveKeyPairRaw is a pair')
})

t.test('we seal, libsodium opens; libsodium seals, we open', async (t) => {
  type Case = { key: Buffer; nonce: Buffer; ours: Buffer; theirsMsg: Buffer; mine: Buffer; theirNonce: Buffer }
  const cases: Case[] = []
  for (let round = 0; round < 3; round++) {
    const a = curveKeyPairRaw()
    const b = curveKeyPairRaw()
    const key = boxKey(b.publicKey, a.secretKey)
    t.equal(hex(boxKey(a.publicKey, b.secretKey)), hex(key), 'both sides derive one key')
    for (const len of [...LENGTHS, randomInt(0, 1000)]) {
      const nonce = randomBytes(CURVE_NONCE_BYTES)
      const mine = randomBytes(len)
      cases.push({ key, nonce, mine, ours: sealInParts(key, nonce, mine), theirsMsg: randomBytes(len), theirNonce: randomBytes(CURVE_NONCE_BYTES) })
    }
  }
  const requests: OracleRequest[] = []
  for (const c of cases) {
    requests.push(['open_afternm', hex(c.ours), hex(c.nonce), hex(c.key)])
    requests.push(['afternm', hex(c.mine), hex(c.nonce), hex(c.key)])
    requests.push(['secretbox', hex(c.theirsMsg), hex(c.theirNonce), hex(c.key)])
  }
  const answers = oracle(requests)
  let bad = 0
  cases.forEach((c, i) => {
    const [theyOpened, theySealed, theirBox] = answers.slice(3 * i, 3 * i + 3) as [string | null, string, string]
    const ok =
      theyOpened === hex(c.mine) &&
      theySealed === hex(c.ours) &&
      open(c.key, c.theirNonce, unhex(theirBox))?.equals(c.theirsMsg) === true &&
      open(c.key, c.nonce, c.ours)?.equals(c.mine) === true
    if (!ok) {
      bad++
      t.fail(`${c.mine.length}-byte message, key ${hex(c.key)} nonce ${hex(c.nonce)}`)
    }
  })
  t.equal(bad, 0, `${cases.length} messages each way`)
})

const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 })
const nonce24 = fc.uint8Array({ minLength: 24, maxLength: 24 })
const message = fc.uint8Array({ maxLength: 300 })

t.test('open(seal(m)) is m; sealInto in parts equals seal', async (t) => {
  fc.assert(
    fc.property(key32, nonce24, message, (key, nonce, m) => {
      const box = seal(key, nonce, m)
      return box.length === m.length + CURVE_MAC_BYTES && open(key, nonce, box)?.equals(m) === true && sealInParts(key, nonce, m).equals(box)
    }),
    { numRuns: 300 },
  )
  t.pass('300 random messages')
})

/** openSubkey with a head of `n` bytes gives m's first n bytes there and the rest returned. */
function opensWithHead(subkey: Uint8Array, nonce: Uint8Array, box: Uint8Array, m: Uint8Array, n: number): boolean {
  const head = new Uint8Array(n)
  const rest = openSubkey(subkey, nonce, box, 0, head)
  const tooLong = openSubkey(subkey, nonce, box, 0, new Uint8Array(m.length + 1))
  return rest !== undefined && Buffer.from(head).equals(m.subarray(0, n)) && rest.equals(m.subarray(n)) && tooLong === undefined
}

t.test('with the subkey of the nonce prefix: the same boxes as with the key (CURVE MESSAGE path)', async (t) => {
  fc.assert(
    fc.property(key32, nonce24, message, fc.nat(), (key, nonce, m, pick) => {
      const subkey = boxSubkey(key, nonce.subarray(0, 16))
      const box = seal(key, nonce, m)
      const out = Buffer.alloc(box.length + 3)
      const written = sealIntoSubkey(subkey, nonce, [m.subarray(0, pick % (m.length + 1)), m.subarray(pick % (m.length + 1))], out, 3)
      const flipped = Buffer.from(box)
      flipped[pick % box.length]! ^= 1 << (pick % 8)
      const otherPrefix = boxSubkey(key, Uint8Array.from(nonce.subarray(0, 16), (b, i) => (i === pick % 16 ? b ^ 1 : b)))
      return (
        written === box.length &&
        out.subarray(3).equals(box) &&
        openSubkey(subkey, nonce, box)?.equals(m) === true &&
        openSubkey(subkey, nonce, Buffer.concat([Buffer.alloc(5, 9), box]), 5)?.equals(m) === true &&
        opensWithHead(subkey, nonce, box, m, pick % (m.length + 1)) &&
        openSubkey(subkey, nonce, flipped) === undefined &&
        openSubkey(otherPrefix, nonce, box) === undefined
      )
    }),
    { numRuns: 300 },
  )
  t.throws(() => boxSubkey(Buffer.alloc(32), Buffer.alloc(24)), RangeError, 'the prefix is 16 bytes')
  t.pass('300 random messages')
})

t.test('any flipped bit, a wrong key or nonce, or truncation fails to open', async (t) => {
  fc.assert(
    fc.property(key32, nonce24, message, fc.nat(), (key, nonce, m, pick) => {
      const box = seal(key, nonce, m)
      const bit = pick % (box.length * 8)
      const flipped = Buffer.from(box)
      flipped[bit >> 3]! ^= 1 << (bit & 7)
      const cut = pick % box.length
      const otherNonce = Buffer.from(nonce)
      otherNonce[pick % 24]! ^= 1 << (pick % 8)
      const otherKey = Buffer.from(key)
      otherKey[pick % 32]! ^= 1 << (pick % 8)
      return (
        open(key, nonce, flipped) === undefined &&
        open(key, nonce, box.subarray(0, cut)) === undefined &&
        open(key, otherNonce, box) === undefined &&
        open(otherKey, nonce, box) === undefined
      )
    }),
    { numRuns: 300 },
  )
  t.pass('300 random boxes')
})

t.test('open never throws for junk boxes', async (t) => {
  fc.assert(
    fc.property(key32, nonce24, fc.uint8Array({ maxLength: 100 }), (key, nonce, junk) => open(key, nonce, junk) === undefined),
    { numRuns: 300 },
  )
  t.pass('300 junk boxes')
  const key = randomBytes(32)
  const nonce = randomBytes(24)
  t.equal(open(key, nonce, new Uint8Array(0)), undefined, 'empty')
  t.equal(open(key, nonce, new Uint8Array(15)), undefined, '15 bytes')
  t.equal(open(key, nonce, seal(key, nonce, new Uint8Array(0)))?.length, 0, 'the empty message opens')
})

t.test('boxKey refuses low-order public keys as libsodium does', async (t) => {
  const lowOrder = [
    '00'.repeat(32), // 0
    '01' + '00'.repeat(31), // 1
    'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', // order 8
    '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157', // order 8
    'ec' + 'ff'.repeat(30) + '7f', // p - 1
  ]
  const sk = curveKeyPairRaw().secretKey
  const answers = oracle(lowOrder.map((pk) => ['beforenm', pk, hex(sk)] as const))
  lowOrder.forEach((pk, i) => {
    t.equal(answers[i], null, `libsodium refuses ${pk.slice(0, 8)}..`)
    t.throws(() => boxKey(unhex(pk), sk), CurveKeyError, `we refuse ${pk.slice(0, 8)}..`)
  })
  t.throws(() => boxKey(new Uint8Array(31), sk), CurveKeyError, 'short public key')
  const err = (() => {
    try {
      boxKey(new Uint8Array(32), sk)
    } catch (e) {
      return e
    }
  })()
  t.ok(err instanceof Error && err.name === 'CurveKeyError')
})

t.test('wrong key and nonce lengths are RangeErrors', async (t) => {
  const key = randomBytes(32)
  const nonce = randomBytes(24)
  const pk = curveKeyPairRaw().publicKey
  t.throws(() => boxKey(pk, new Uint8Array(31)), RangeError, 'secret key')
  t.throws(() => curvePublicKeyOf(new Uint8Array(33)), RangeError, 'curvePublicKeyOf')
  t.throws(() => seal(key.subarray(1), nonce, new Uint8Array(3)), RangeError, 'seal key')
  t.throws(() => seal(key, nonce.subarray(1), new Uint8Array(3)), RangeError, 'seal nonce')
  t.throws(() => open(key.subarray(1), nonce, new Uint8Array(30)), RangeError, 'open key')
  t.throws(() => open(key, Buffer.alloc(25), new Uint8Array(30)), RangeError, 'open nonce')
  t.throws(() => sealInto(key, nonce, [new Uint8Array(10)], new Uint8Array(25), 0), RangeError, 'output too small')
  t.throws(() => sealInto(key, nonce, [new Uint8Array(10)], new Uint8Array(40), 15), RangeError, 'offset too far')
  t.throws(() => sealInto(key, nonce, [], new Uint8Array(40), -1), RangeError, 'negative offset')
})

t.test('sealInto in place: the plaintext already where the ciphertext goes', async (t) => {
  const key = randomBytes(32)
  const nonce = randomBytes(24)
  const msg = randomBytes(1000)
  const buf = Buffer.concat([Buffer.alloc(CURVE_MAC_BYTES), msg])
  const body = buf.subarray(CURVE_MAC_BYTES)
  t.equal(sealInto(key, nonce, [body.subarray(0, 333), body.subarray(333)], buf, 0), 1016)
  t.equal(hex(buf), hex(seal(key, nonce, msg)))
})
