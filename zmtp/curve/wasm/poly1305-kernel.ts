// The Poly1305 block loop as WebAssembly: h = (h + block + hibit) * r mod 2^130 - 5 for each
// 16-byte block, with h and r as five 26-bit limbs and 64-bit products (limb i weighs 2^(26 i);
// a product term whose limbs add up to 5 or more wraps around with a factor of 5, as 2^130 = 5).
// A limb of h stays below 2^27 and of r below 2^26, so a sum of five products is below 2^58.
// Key setup and the final reduction stay in TypeScript (poly1305.ts), which converts its state to
// and from these limbs around each call.
import { Code } from './assembler.ts'

/**
 * poly_blocks(m, blocks, hibit): runs `blocks` 16-byte blocks at address m; r is read from
 * `rAt` and h from and to `hAt` (five little-endian i32 limbs each). `hibit` is 1 << 24 for full
 * blocks (2^128 in limb 4's terms) and 0 for a last block already padded with 1 then zeros.
 */
export function polyBlocksCode(rAt: number, hAt: number): Code {
  const c = new Code([
    ['m', 'i32'],
    ['blocks', 'i32'],
    ['hibit', 'i32'],
  ])
  const limbs = [0, 1, 2, 3, 4]
  for (const i of limbs) c.local(`r${i}`, 'i64').local(`h${i}`, 'i64').local(`d${i}`, 'i64')
  for (const i of [1, 2, 3, 4]) c.local(`s${i}`, 'i64')
  c.local('carry', 'i64')

  for (const i of limbs) {
    c.i32(0).i32Load(rAt + 4 * i).i64ExtendI32U().set(`r${i}`)
    c.i32(0).i32Load(hAt + 4 * i).i64ExtendI32U().set(`h${i}`)
  }
  for (const i of [1, 2, 3, 4]) c.get(`r${i}`).i64(5n).i64Mul().set(`s${i}`)

  c.block().loop()
  c.get('blocks').i32Eqz().brIf(1)
  // h += the block as limbs: limb i is the 32 bits at byte 3i shifted down by 2i bits.
  for (const i of limbs) {
    c.get(`h${i}`)
    c.get('m').i32Load(3 * i)
    if (i > 0) c.i32(2 * i).i32ShrU()
    if (i < 4) c.i32(0x3ffffff).i32And()
    else c.get('hibit').i32Or()
    c.i64ExtendI32U().i64Add().set(`h${i}`)
  }
  // d = h * r: d_k = sum over i + j = k of h_i r_j, plus 5 h_i r_j over i + j = k + 5.
  for (const k of limbs) {
    for (const i of limbs) {
      const j = k - i
      c.get(`h${i}`)
      c.get(j >= 0 ? `r${j}` : `s${j + 5}`)
      c.i64Mul()
      if (i > 0) c.i64Add()
    }
    c.set(`d${k}`)
  }
  // Carry through the limbs; the carry out of limb 4 wraps round to limb 0 times 5.
  c.i64(0n).set('carry')
  for (const k of limbs) {
    c.get(`d${k}`).get('carry').i64Add().set(`d${k}`)
    c.get(`d${k}`).i64(26n).i64ShrU().set('carry')
    c.get(`d${k}`).i64(0x3ffffffn).i64And().set(`h${k}`)
  }
  c.get('h0').get('carry').i64(5n).i64Mul().i64Add().set('h0')
  c.get('h0').i64(26n).i64ShrU().set('carry')
  c.get('h0').i64(0x3ffffffn).i64And().set('h0')
  c.get('h1').get('carry').i64Add().set('h1')

  c.get('m').i32(16).i32Add().set('m')
  c.get('blocks').i32(1).i32Sub().set('blocks')
  c.br(0)
  c.end().end()

  for (const i of limbs) c.i32(0).get(`h${i}`).i32WrapI64().i32Store(hAt + 4 * i)
  return c
}
