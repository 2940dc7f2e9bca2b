// The WebAssembly bulk loops (zmtp/curve/wasm/) against the TypeScript ones they stand in for:
// byte-for-byte the same XSalsa20 stream and Poly1305 tags for any lengths, any way of splitting a
// message into calls, across the 64 KiB window and across the block counter's 32-bit wrap.
// (salsa20.test.ts and poly1305.test.ts check both paths against libsodium as well: their long
// messages take the WebAssembly path.)
import t from 'tap'
import fc from 'fast-check'
import { XSalsa20 } from '../../../zmtp/curve/salsa20.ts'
import { Poly1305 } from '../../../zmtp/curve/poly1305.ts'
import { curveKernels, WINDOW_BYTES } from '../../../zmtp/curve/wasm/kernels.ts'

const kernels = curveKernels.current

/** Runs f with the TypeScript loops only. */
function withoutKernels<T>(f: () => T): T {
  curveKernels.current = undefined
  try {
    return f()
  } finally {
    curveKernels.current = kernels
  }
}

/** Deterministic bytes from a seed (xorshift32), so that fast-check can shrink and replay. */
function bytesOf(seed: number, length: number, fill?: number): Buffer {
  const b = Buffer.allocUnsafe(length)
  if (fill !== undefined) return b.fill(fill)
  let x = seed | 1
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    b[i] = x
  }
  return b
}

/** [offset, length] pieces of [0, length), split at the given fractions. */
function piecesOf(length: number, fractions: number[]): [number, number][] {
  const cuts = [...new Set([...fractions.map((f) => Math.floor(f * length)), length])].sort((a, b) => a - b)
  return cuts.map((cut, i) => [cuts[i - 1] ?? 0, cut - (cuts[i - 1] ?? 0)])
}

/** Whether `f` makes the same bytes with the kernels as with the TypeScript loops alone. */
function sameBothWays(f: () => Buffer): boolean {
  return f().equals(withoutKernels(f))
}

// Lengths that matter: below and above the WebAssembly threshold (256), whole and partial blocks,
// and around one and two windows.
const lengthArb = fc.oneof(
  fc.integer({ min: 0, max: 1200 }),
  fc.integer({ min: WINDOW_BYTES - 70, max: WINDOW_BYTES + 70 }),
  fc.integer({ min: 2 * WINDOW_BYTES - 70, max: 2 * WINDOW_BYTES + 200 }),
  fc.integer({ min: 0, max: 3 * WINDOW_BYTES }),
)

t.test('the WebAssembly kernels are in use on this Node', async (t) => {
  if (process.env.ZYRE_TS_WASM === 'off') {
    t.equal(kernels, undefined, 'ZYRE_TS_WASM=off keeps the TypeScript loops')
    return
  }
  t.ok(kernels, 'the module validates (fixed-width SIMD) and was instantiated')
})

t.test('XSalsa20: the same stream with and without the kernels', { skip: kernels === undefined && 'no kernels' }, async (t) => {
  let runs = 0
  fc.assert(
    fc.property(
      fc.integer(),
      lengthArb,
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }),
      // Where the 64-bit block counter starts: at 0 as every message does, or just below a wrap of
      // its low word (the kernel must stop there and leave the carry to TypeScript).
      fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }),
      (seed, length, fractions, belowWrap) => {
        const key = bytesOf(seed + 1, 32)
        const nonce = bytesOf(seed + 2, 24)
        const message = bytesOf(seed, length)
        const stream = (): Buffer => {
          const x = new XSalsa20().init(key, nonce)
          if (belowWrap !== undefined) {
            const state = (x as unknown as { state: Int32Array }).state
            state[8] = (0xffffffff - belowWrap) | 0
            state[9] = 0x01020304
          }
          const out = Buffer.alloc(length)
          for (const [at, n] of piecesOf(length, fractions)) x.xor(message, at, out, at, n)
          return out
        }
        runs++
        return sameBothWays(stream)
      },
    ),
    { numRuns: 60 },
  )
  t.equal(runs, 60)
})

t.test('XSalsa20 in place (dst is src) with the kernels', { skip: kernels === undefined && 'no kernels' }, async (t) => {
  const key = bytesOf(7, 32)
  const nonce = bytesOf(8, 24)
  for (const length of [256, 4096, WINDOW_BYTES + 64, 2 * WINDOW_BYTES + 17]) {
    const message = bytesOf(9, length)
    const apart = Buffer.alloc(length)
    new XSalsa20().init(key, nonce).xor(message, 0, apart, 0, length)
    const inPlace = Buffer.from(message)
    new XSalsa20().init(key, nonce).xor(inPlace, 0, inPlace, 0, length)
    t.ok(inPlace.equals(apart), `${length} bytes`)
  }
})

t.test('Poly1305: the same tags with and without the kernels', { skip: kernels === undefined && 'no kernels' }, async (t) => {
  let runs = 0
  fc.assert(
    fc.property(
      fc.integer(),
      lengthArb,
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }),
      // Extremes: all-ones keys (the largest clamped r) and all-ones messages (the largest limbs).
      fc.boolean(),
      fc.boolean(),
      (seed, length, fractions, onesKey, onesMessage) => {
        const key = onesKey ? bytesOf(0, 32, 0xff) : bytesOf(seed + 1, 32)
        const message = onesMessage ? bytesOf(0, length, 0xff) : bytesOf(seed, length)
        const tag = (): Buffer => {
          const mac = new Poly1305().init(key)
          for (const [at, n] of piecesOf(length, fractions)) mac.update(message, at, n)
          const out = Buffer.alloc(16)
          mac.finish(out)
          return out
        }
        runs++
        return sameBothWays(tag)
      },
    ),
    { numRuns: 80 },
  )
  t.equal(runs, 80)
})

t.test('no key material is left in the module memory after a message', { skip: kernels === undefined && 'no kernels' }, async (t) => {
  const k = kernels!
  const out = Buffer.alloc(4096)
  new XSalsa20().init(bytesOf(1, 32), bytesOf(2, 24)).xor(bytesOf(3, 4096), 0, out, 0, 4096)
  const tag = Buffer.alloc(16)
  new Poly1305().init(bytesOf(4, 32)).update(out).finish(tag)
  // State and scratch areas: everything below the data window.
  t.ok(k.words.subarray(0, 1024 / 4).every((w) => w === 0), 'state and key stream areas are zero')
})
