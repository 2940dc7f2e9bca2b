// Poly1305 one-time authenticator (Bernstein; RFC 8439 section 2.5), as NaCl's crypto_onetimeauth.
//
// The 130-bit accumulator h and the clamped key r are kept as ten 13-bit limbs in plain numbers
// (limb i weighs 2^(13 i)). A limb product is below 2^14.2 * 5 * 2^13, and a sum of ten of them below
// 2^34, so every intermediate is an exact integer in a double: no BigInt, no 64-bit emulation.
// Reduction uses 2^130 = 5 (mod p), p = 2^130 - 5: a product term whose limb indices add up to 10
// or more wraps around with a factor of 5.

import { curveKernels, WINDOW_AT, WINDOW_BYTES, type Kernels } from './wasm/kernels.ts'

export const POLY1305_KEY_BYTES = 32
export const POLY1305_TAG_BYTES = 16
const BLOCK = 16
/** 2^128 as the bit added to every full 16-byte block: bit 11 of limb 9 (9 * 13 + 11 = 128). */
const HIBIT_FULL = 1 << 11
/** Whole blocks from which update() hands them to the WebAssembly loop (below, copying costs more than it saves). */
const WASM_MIN_BYTES = 256

/** Incremental Poly1305: init(key) once per message, update() any number of times, finish(). */
export class Poly1305 {
  private readonly r = new Int32Array(10)
  private readonly h = new Int32Array(10)
  /** The second key half, s, added to h at the end (as 16-bit words). */
  private readonly pad = new Int32Array(8)
  private readonly buffer = new Uint8Array(BLOCK)
  private leftover = 0

  init(key: Uint8Array, keyOff = 0): this {
    if (key.length - keyOff < POLY1305_KEY_BYTES) throw new RangeError(`Poly1305 key must be ${POLY1305_KEY_BYTES} bytes`)
    // r = key[0..16) with the RFC's clamp (bytes 3, 7, 11, 15 keep their low 4 bits; bytes 4, 8, 12
    // lose their low 2 bits), read as eight little-endian 16-bit words and split into 13-bit limbs.
    const o = keyOff
    const t0 = key[o]! | (key[o + 1]! << 8)
    const t1 = key[o + 2]! | ((key[o + 3]! & 0x0f) << 8)
    const t2 = (key[o + 4]! & 0xfc) | (key[o + 5]! << 8)
    const t3 = key[o + 6]! | ((key[o + 7]! & 0x0f) << 8)
    const t4 = (key[o + 8]! & 0xfc) | (key[o + 9]! << 8)
    const t5 = key[o + 10]! | ((key[o + 11]! & 0x0f) << 8)
    const t6 = (key[o + 12]! & 0xfc) | (key[o + 13]! << 8)
    const t7 = key[o + 14]! | ((key[o + 15]! & 0x0f) << 8)
    const r = this.r
    r[0] = t0 & 0x1fff
    r[1] = ((t0 >>> 13) | (t1 << 3)) & 0x1fff
    r[2] = ((t1 >>> 10) | (t2 << 6)) & 0x1fff
    r[3] = ((t2 >>> 7) | (t3 << 9)) & 0x1fff
    r[4] = ((t3 >>> 4) | (t4 << 12)) & 0x1fff
    r[5] = (t4 >>> 1) & 0x1fff
    r[6] = ((t4 >>> 14) | (t5 << 2)) & 0x1fff
    r[7] = ((t5 >>> 11) | (t6 << 5)) & 0x1fff
    r[8] = ((t6 >>> 8) | (t7 << 8)) & 0x1fff
    r[9] = t7 >>> 5
    for (let i = 0; i < 8; i++) this.pad[i] = key[o + 16 + 2 * i]! | (key[o + 17 + 2 * i]! << 8)
    zero(this.h)
    this.leftover = 0
    return this
  }

  /** h = (h + block) * r for each whole 16-byte block of m[o, end); `hibit` is 2^128 in limb 9's terms (0 for the padded last block). */
  private blocks(m: Uint8Array, o: number, end: number, hibit: number): void {
    const r = this.r
    const h = this.h
    const r0 = r[0]!, r1 = r[1]!, r2 = r[2]!, r3 = r[3]!, r4 = r[4]!
    const r5 = r[5]!, r6 = r[6]!, r7 = r[7]!, r8 = r[8]!, r9 = r[9]!
    const s1 = r1 * 5, s2 = r2 * 5, s3 = r3 * 5, s4 = r4 * 5, s5 = r5 * 5
    const s6 = r6 * 5, s7 = r7 * 5, s8 = r8 * 5, s9 = r9 * 5
    let h0 = h[0]!, h1 = h[1]!, h2 = h[2]!, h3 = h[3]!, h4 = h[4]!
    let h5 = h[5]!, h6 = h[6]!, h7 = h[7]!, h8 = h[8]!, h9 = h[9]!
    for (; o + BLOCK <= end; o += BLOCK) {
      const t0 = m[o]! | (m[o + 1]! << 8)
      const t1 = m[o + 2]! | (m[o + 3]! << 8)
      const t2 = m[o + 4]! | (m[o + 5]! << 8)
      const t3 = m[o + 6]! | (m[o + 7]! << 8)
      const t4 = m[o + 8]! | (m[o + 9]! << 8)
      const t5 = m[o + 10]! | (m[o + 11]! << 8)
      const t6 = m[o + 12]! | (m[o + 13]! << 8)
      const t7 = m[o + 14]! | (m[o + 15]! << 8)
      h0 += t0 & 0x1fff
      h1 += ((t0 >>> 13) | (t1 << 3)) & 0x1fff
      h2 += ((t1 >>> 10) | (t2 << 6)) & 0x1fff
      h3 += ((t2 >>> 7) | (t3 << 9)) & 0x1fff
      h4 += ((t3 >>> 4) | (t4 << 12)) & 0x1fff
      h5 += (t4 >>> 1) & 0x1fff
      h6 += ((t4 >>> 14) | (t5 << 2)) & 0x1fff
      h7 += ((t5 >>> 11) | (t6 << 5)) & 0x1fff
      h8 += ((t6 >>> 8) | (t7 << 8)) & 0x1fff
      h9 += (t7 >>> 5) | hibit

      let d0 = h0 * r0 + h1 * s9 + h2 * s8 + h3 * s7 + h4 * s6 + h5 * s5 + h6 * s4 + h7 * s3 + h8 * s2 + h9 * s1
      let d1 = h0 * r1 + h1 * r0 + h2 * s9 + h3 * s8 + h4 * s7 + h5 * s6 + h6 * s5 + h7 * s4 + h8 * s3 + h9 * s2
      let d2 = h0 * r2 + h1 * r1 + h2 * r0 + h3 * s9 + h4 * s8 + h5 * s7 + h6 * s6 + h7 * s5 + h8 * s4 + h9 * s3
      let d3 = h0 * r3 + h1 * r2 + h2 * r1 + h3 * r0 + h4 * s9 + h5 * s8 + h6 * s7 + h7 * s6 + h8 * s5 + h9 * s4
      let d4 = h0 * r4 + h1 * r3 + h2 * r2 + h3 * r1 + h4 * r0 + h5 * s9 + h6 * s8 + h7 * s7 + h8 * s6 + h9 * s5
      let d5 = h0 * r5 + h1 * r4 + h2 * r3 + h3 * r2 + h4 * r1 + h5 * r0 + h6 * s9 + h7 * s8 + h8 * s7 + h9 * s6
      let d6 = h0 * r6 + h1 * r5 + h2 * r4 + h3 * r3 + h4 * r2 + h5 * r1 + h6 * r0 + h7 * s9 + h8 * s8 + h9 * s7
      let d7 = h0 * r7 + h1 * r6 + h2 * r5 + h3 * r4 + h4 * r3 + h5 * r2 + h6 * r1 + h7 * r0 + h8 * s9 + h9 * s8
      let d8 = h0 * r8 + h1 * r7 + h2 * r6 + h3 * r5 + h4 * r4 + h5 * r3 + h6 * r2 + h7 * r1 + h8 * r0 + h9 * s9
      let d9 = h0 * r9 + h1 * r8 + h2 * r7 + h3 * r6 + h4 * r5 + h5 * r4 + h6 * r3 + h7 * r2 + h8 * r1 + h9 * r0

      // Carry chain. The d's can exceed 2^32, so the carry is a float division (exact: a power of
      // two) truncated by `| 0`, while `& 0x1fff` is exact for any integer below 2^53.
      let c = (d0 / 8192) | 0; h0 = d0 & 0x1fff
      d1 += c; c = (d1 / 8192) | 0; h1 = d1 & 0x1fff
      d2 += c; c = (d2 / 8192) | 0; h2 = d2 & 0x1fff
      d3 += c; c = (d3 / 8192) | 0; h3 = d3 & 0x1fff
      d4 += c; c = (d4 / 8192) | 0; h4 = d4 & 0x1fff
      d5 += c; c = (d5 / 8192) | 0; h5 = d5 & 0x1fff
      d6 += c; c = (d6 / 8192) | 0; h6 = d6 & 0x1fff
      d7 += c; c = (d7 / 8192) | 0; h7 = d7 & 0x1fff
      d8 += c; c = (d8 / 8192) | 0; h8 = d8 & 0x1fff
      d9 += c; c = (d9 / 8192) | 0; h9 = d9 & 0x1fff
      // The carry out of limb 9 weighs 2^130 = 5.
      c = h0 + c * 5
      h0 = c & 0x1fff
      h1 += c >>> 13
    }
    h[0] = h0; h[1] = h1; h[2] = h2; h[3] = h3; h[4] = h4
    h[5] = h5; h[6] = h6; h[7] = h7; h[8] = h8; h[9] = h9
  }

  /**
   * blocks() for full blocks in the WebAssembly loop (wasm/poly1305-kernel.ts), whose limbs are
   * 26 bits: limb i there is limbs 2i and 2i + 1 here. The message goes through the module's
   * window, 64 KiB at a time; r and h are cleared from its memory afterwards.
   */
  private blocksWasm(k: Kernels, m: Uint8Array, o: number, end: number): void {
    const w = k.words
    const r = this.r
    const h = this.h
    for (let i = 0; i < 5; i++) {
      w[k.polyR + i] = r[2 * i]! + r[2 * i + 1]! * 8192
      w[k.polyH + i] = h[2 * i]! + h[2 * i + 1]! * 8192
    }
    while (o < end) {
      const n = Math.min(end - o, WINDOW_BYTES)
      k.bytes.set(m.subarray(o, o + n), WINDOW_AT)
      k.polyBlocks(WINDOW_AT, n >>> 4, 1 << 24)
      o += n
    }
    for (let i = 0; i < 5; i++) {
      const v = w[k.polyH + i]! >>> 0
      h[2 * i] = v & 0x1fff
      h[2 * i + 1] = v >>> 13
      w[k.polyR + i] = 0
      w[k.polyH + i] = 0
    }
  }

  update(m: Uint8Array, off = 0, len = m.length - off): this {
    if (this.leftover > 0) {
      const take = Math.min(BLOCK - this.leftover, len)
      copyBytes(m, off, this.buffer, this.leftover, take)
      this.leftover += take
      off += take
      len -= take
      if (this.leftover < BLOCK) return this
      this.blocks(this.buffer, 0, BLOCK, HIBIT_FULL)
      this.leftover = 0
    }
    const whole = len - (len % BLOCK)
    const k = curveKernels.current
    if (whole >= WASM_MIN_BYTES && k !== undefined) {
      this.blocksWasm(k, m, off, off + whole)
      off += whole
      len -= whole
    } else if (whole > 0) {
      this.blocks(m, off, off + whole, HIBIT_FULL)
      off += whole
      len -= whole
    }
    if (len > 0) {
      copyBytes(m, off, this.buffer, 0, len)
      this.leftover = len
    }
    return this
  }

  /** Writes the 16-byte tag to out at outOff and wipes the state. */
  finish(out: Uint8Array, outOff = 0): void {
    if (this.leftover > 0) {
      // Last partial block: the message bytes, a 1 byte, zeros; no 2^128 bit.
      const b = this.buffer
      b[this.leftover] = 1
      for (let i = this.leftover + 1; i < BLOCK; i++) b[i] = 0
      this.blocks(b, 0, BLOCK, 0)
      this.leftover = 0
    }
    const h = this.h
    let h0 = h[0]!, h1 = h[1]!, h2 = h[2]!, h3 = h[3]!, h4 = h[4]!
    let h5 = h[5]!, h6 = h[6]!, h7 = h[7]!, h8 = h[8]!, h9 = h[9]!
    // Two full carry passes (the second absorbs the 5 folded back from the first): afterwards every
    // limb is below 2^13, so h < 2^130.
    let c = 0
    for (let pass = 0; pass < 2; pass++) {
      h0 += c; c = h0 >>> 13; h0 &= 0x1fff
      h1 += c; c = h1 >>> 13; h1 &= 0x1fff
      h2 += c; c = h2 >>> 13; h2 &= 0x1fff
      h3 += c; c = h3 >>> 13; h3 &= 0x1fff
      h4 += c; c = h4 >>> 13; h4 &= 0x1fff
      h5 += c; c = h5 >>> 13; h5 &= 0x1fff
      h6 += c; c = h6 >>> 13; h6 &= 0x1fff
      h7 += c; c = h7 >>> 13; h7 &= 0x1fff
      h8 += c; c = h8 >>> 13; h8 &= 0x1fff
      h9 += c; c = h9 >>> 13; h9 &= 0x1fff
      c *= 5
    }
    h0 += c
    // g = h + 5 - 2^130: the carry out of bit 130 of h + 5 is 1 exactly when h >= p. Select g
    // then, h otherwise, without branching on secret data.
    let v = h0 + 5
    const g0 = v & 0x1fff; v = h1 + (v >>> 13)
    const g1 = v & 0x1fff; v = h2 + (v >>> 13)
    const g2 = v & 0x1fff; v = h3 + (v >>> 13)
    const g3 = v & 0x1fff; v = h4 + (v >>> 13)
    const g4 = v & 0x1fff; v = h5 + (v >>> 13)
    const g5 = v & 0x1fff; v = h6 + (v >>> 13)
    const g6 = v & 0x1fff; v = h7 + (v >>> 13)
    const g7 = v & 0x1fff; v = h8 + (v >>> 13)
    const g8 = v & 0x1fff; v = h9 + (v >>> 13)
    const g9 = v & 0x1fff
    const useG = -(v >>> 13)
    const useH = ~useG
    h0 = (h0 & useH) | (g0 & useG)
    h1 = (h1 & useH) | (g1 & useG)
    h2 = (h2 & useH) | (g2 & useG)
    h3 = (h3 & useH) | (g3 & useG)
    h4 = (h4 & useH) | (g4 & useG)
    h5 = (h5 & useH) | (g5 & useG)
    h6 = (h6 & useH) | (g6 & useG)
    h7 = (h7 & useH) | (g7 & useG)
    h8 = (h8 & useH) | (g8 & useG)
    h9 = (h9 & useH) | (g9 & useG)
    // h mod 2^128 as eight 16-bit words, plus s, little-endian.
    const pad = this.pad
    let f = 0
    f = this.emit(out, outOff, h0 | (h1 << 13), pad[0]!, f)
    f = this.emit(out, outOff + 2, (h1 >>> 3) | (h2 << 10), pad[1]!, f)
    f = this.emit(out, outOff + 4, (h2 >>> 6) | (h3 << 7), pad[2]!, f)
    f = this.emit(out, outOff + 6, (h3 >>> 9) | (h4 << 4), pad[3]!, f)
    f = this.emit(out, outOff + 8, (h4 >>> 12) | (h5 << 1) | (h6 << 14), pad[4]!, f)
    f = this.emit(out, outOff + 10, (h6 >>> 2) | (h7 << 11), pad[5]!, f)
    f = this.emit(out, outOff + 12, (h7 >>> 5) | (h8 << 8), pad[6]!, f)
    this.emit(out, outOff + 14, (h8 >>> 8) | (h9 << 5), pad[7]!, f)
    this.wipe()
  }

  /** Writes the 16-bit word (w + pad + carry of the previous word) little-endian; returns it for the next carry. */
  private emit(out: Uint8Array, o: number, w: number, pad: number, previous: number): number {
    const f = (w & 0xffff) + pad + (previous >>> 16)
    out[o] = f
    out[o + 1] = f >>> 8
    return f
  }

  wipe(): void {
    zero(this.r)
    zero(this.h)
    zero(this.pad)
    zero(this.buffer)
    this.leftover = 0
  }
}

// Plain loops for these few bytes: cheaper per message than fill(), set() and subarray().
function zero(a: Int32Array | Uint8Array): void {
  for (let i = 0; i < a.length; i++) a[i] = 0
}

function copyBytes(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number, len: number): void {
  for (let i = 0; i < len; i++) dst[dstOff + i] = src[srcOff + i]!
}

const shared = new Poly1305()

/** The Poly1305 tag of msg[msgOff, msgOff + len) under the 32-byte one-time key at key[keyOff], written to out at outOff. */
export function poly1305(out: Uint8Array, outOff: number, msg: Uint8Array, msgOff: number, len: number, key: Uint8Array, keyOff = 0): void {
  shared.init(key, keyOff).update(msg, msgOff, len).finish(out, outOff)
}

/** Whether a[aOff, aOff + len) equals b[bOff, bOff + len); the time taken does not depend on the contents. */
export function equalConstantTime(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number, len: number): boolean {
  let diff = 0
  for (let i = 0; i < len; i++) diff |= a[aOff + i]! ^ b[bOff + i]!
  return diff === 0
}

const tagScratch = new Uint8Array(POLY1305_TAG_BYTES)

/** Whether tag[tagOff, tagOff + 16) is the Poly1305 tag of msg[msgOff, msgOff + len) under key (constant-time compare). */
export function poly1305Verify(tag: Uint8Array, tagOff: number, msg: Uint8Array, msgOff: number, len: number, key: Uint8Array, keyOff = 0): boolean {
  if (tag.length - tagOff < POLY1305_TAG_BYTES) return false
  poly1305(tagScratch, 0, msg, msgOff, len, key, keyOff)
  const ok = equalConstantTime(tagScratch, 0, tag, tagOff, POLY1305_TAG_BYTES)
  tagScratch.fill(0)
  return ok
}
