// The XSalsa20 bulk loop as WebAssembly SIMD: four Salsa20 blocks at once, lane j of vector k
// holding word k of block j (so each quarter-round is plain lane-wise arithmetic, no shuffles),
// their key stream written to a scratch area and XORed into the data 16 bytes at a time.
// The state (16 words, counter in words 8 and 9) lives in memory; salsa20.ts fills it, calls
// this for whole blocks only and never lets the counter's low word wrap inside one call.
import { Code } from './assembler.ts'

const WORDS = 16
const BLOCK = 64
const LANES = 4

/** (a, b, c, d) of the column round then the row round (the Salsa20 specification). */
const COLUMNS = [[0, 4, 8, 12], [5, 9, 13, 1], [10, 14, 2, 6], [15, 3, 7, 11]] as const
const ROWS = [[0, 1, 2, 3], [5, 6, 7, 4], [10, 11, 8, 9], [15, 12, 13, 14]] as const

/**
 * salsa_xor(src, dst, blocks): dst = src XOR the next `blocks` * 64 key-stream bytes, advancing
 * the counter in the state at `stateAt`; `scratchAt` has room for 256 bytes. dst may be src.
 */
export function salsaXorCode(stateAt: number, scratchAt: number): Code {
  const c = new Code([
    ['src', 'i32'],
    ['dst', 'i32'],
    ['blocks', 'i32'],
  ])
  for (let k = 0; k < WORDS; k++) c.local(`x${k}`, 'v128')
  c.local('t', 'v128').local('lo', 'i32').local('round', 'i32').local('count', 'i32').local('o', 'i32').local('len', 'i32')

  c.i32(0).i32Load(stateAt + 32).set('lo')
  c.block().loop()
  c.get('blocks').i32Eqz().brIf(1)

  // The four blocks' input: every word splatted, the counter's low word lo, lo+1, lo+2, lo+3.
  for (let k = 0; k < WORDS; k++) {
    input(c, k, stateAt)
    c.set(`x${k}`)
  }

  // Ten double rounds.
  c.i32(10).set('round')
  c.loop()
  for (const quarter of [...COLUMNS, ...ROWS]) quarterRound(c, quarter)
  c.get('round').i32(1).i32Sub().tee('round').brIf(0)
  c.end()

  // Key stream: x + input (made again rather than kept: fewer live vectors in the rounds), lane j
  // of word k to scratch[64 j + 4 k].
  for (let k = 0; k < WORDS; k++) {
    c.get(`x${k}`)
    input(c, k, stateAt)
    c.i32x4Add().set(`x${k}`)
    for (let j = 0; j < LANES; j++) c.i32(0).get(`x${k}`).v128Store32Lane(scratchAt + BLOCK * j + 4 * k, j)
  }

  // XOR min(blocks, 4) blocks of it into the data.
  c.get('blocks').i32(LANES).get('blocks').i32(LANES).i32LtU().select().set('count')
  c.get('count').i32(6).i32Shl().set('len')
  c.i32(0).set('o')
  c.loop()
  c.get('dst').get('o').i32Add()
  c.get('src').get('o').i32Add().v128Load()
  c.get('o').v128Load(scratchAt)
  c.v128Xor().v128Store()
  c.get('o').i32(16).i32Add().tee('o').get('len').i32LtU().brIf(0)
  c.end()

  c.get('src').get('len').i32Add().set('src')
  c.get('dst').get('len').i32Add().set('dst')
  c.get('lo').get('count').i32Add().set('lo')
  c.get('blocks').get('count').i32Sub().set('blocks')
  c.br(0)
  c.end().end()

  c.i32(0).get('lo').i32Store(stateAt + 32)
  return c
}

/** Pushes word k of the four blocks' input. */
function input(c: Code, k: number, stateAt: number): void {
  if (k === 8) {
    c.get('lo').i32x4Splat()
    for (let j = 1; j < LANES; j++) c.get('lo').i32(j).i32Add().i32x4ReplaceLane(j)
  } else {
    c.i32(0).i32Load(stateAt + 4 * k).i32x4Splat()
  }
}

/** b ^= (a + d) <<< 7; c ^= (b + a) <<< 9; d ^= (c + b) <<< 13; a ^= (d + c) <<< 18. */
function quarterRound(c: Code, [a, b, cc, d]: readonly [number, number, number, number]): void {
  xorRotated(c, b, a, d, 7)
  xorRotated(c, cc, b, a, 9)
  xorRotated(c, d, cc, b, 13)
  xorRotated(c, a, d, cc, 18)
}

/** x[y] ^= (x[p] + x[q]) <<< n, lane-wise. */
function xorRotated(c: Code, y: number, p: number, q: number, n: number): void {
  c.get(`x${y}`)
  c.get(`x${p}`).get(`x${q}`).i32x4Add().tee('t')
  c.i32(n).i32x4Shl()
  c.get('t').i32(32 - n).i32x4ShrU()
  c.v128Or().v128Xor().set(`x${y}`)
}
