// Salsa20/20, HSalsa20 and the XSalsa20 stream cipher (Bernstein, "Salsa20 specification" and
// "Extending the Salsa20 nonce"), as NaCl's crypto_secretbox uses them.
//
// Everything works on 32-bit words held in int32 locals: additions are `| 0`, rotations are
// `(x << n) | (x >>> (32 - n))`, and bytes are read and written little-endian one at a time, so the
// code is independent of the platform's byte order and allocates nothing per block.

import { curveKernels, WINDOW_AT, WINDOW_BYTES, type Kernels } from './wasm/kernels.ts'

export const SALSA20_KEY_BYTES = 32
export const XSALSA20_NONCE_BYTES = 24
export const HSALSA20_INPUT_BYTES = 16
const BLOCK_BYTES = 64
/** Bytes from which xor() hands whole blocks to the WebAssembly loop (below, copying costs more than it saves). */
const WASM_MIN_BYTES = 256

// "expand 32-byte k" as four little-endian words.
const SIGMA0 = 0x61707865
const SIGMA1 = 0x3320646e
const SIGMA2 = 0x79622d32
const SIGMA3 = 0x6b206574

function load32(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)
}

function store32(b: Uint8Array, o: number, w: number): void {
  b[o] = w
  b[o + 1] = w >>> 8
  b[o + 2] = w >>> 16
  b[o + 3] = w >>> 24
}

/**
 * Fills the 16-word Salsa20 input matrix: constants on the diagonal, the 32-byte key (from `key` at
 * `keyOff`) in words 1-4 and 11-14, and the 16 bytes of `input` at `inOff` (nonce and block
 * counter for Salsa20, the nonce prefix for HSalsa20) in words 6-9.
 */
function setup(state: Int32Array, key: Uint8Array, keyOff: number, input: Uint8Array, inOff: number): void {
  setKey(state, key, keyOff)
  state[6] = load32(input, inOff)
  state[7] = load32(input, inOff + 4)
  state[8] = load32(input, inOff + 8)
  state[9] = load32(input, inOff + 12)
}

/** The constants and the key words of the input matrix (all but words 6-9). */
function setKey(state: Int32Array, key: Uint8Array, keyOff: number): void {
  state[0] = SIGMA0
  state[1] = load32(key, keyOff)
  state[2] = load32(key, keyOff + 4)
  state[3] = load32(key, keyOff + 8)
  state[4] = load32(key, keyOff + 12)
  state[5] = SIGMA1
  state[10] = SIGMA2
  state[11] = load32(key, keyOff + 16)
  state[12] = load32(key, keyOff + 20)
  state[13] = load32(key, keyOff + 24)
  state[14] = load32(key, keyOff + 28)
  state[15] = SIGMA3
}

/**
 * The 20 rounds over `state`. Given `words` (Salsa20), the 16 words of the block x + state go
 * there; otherwise (HSalsa20) the 32 bytes of words 0, 5, 10, 15, 6, 7, 8, 9 of x go to `out` at
 * `outOff`.
 */
function core(state: Int32Array, words: Int32Array | undefined, out: Uint8Array | undefined, outOff: number): void {
  let x0 = state[0]!, x1 = state[1]!, x2 = state[2]!, x3 = state[3]!
  let x4 = state[4]!, x5 = state[5]!, x6 = state[6]!, x7 = state[7]!
  let x8 = state[8]!, x9 = state[9]!, x10 = state[10]!, x11 = state[11]!
  let x12 = state[12]!, x13 = state[13]!, x14 = state[14]!, x15 = state[15]!
  let u: number
  for (let i = 0; i < 10; i++) {
    // column round: quarter-rounds on (0 4 8 12) (5 9 13 1) (10 14 2 6) (15 3 7 11)
    u = (x0 + x12) | 0; x4 ^= (u << 7) | (u >>> 25)
    u = (x4 + x0) | 0; x8 ^= (u << 9) | (u >>> 23)
    u = (x8 + x4) | 0; x12 ^= (u << 13) | (u >>> 19)
    u = (x12 + x8) | 0; x0 ^= (u << 18) | (u >>> 14)

    u = (x5 + x1) | 0; x9 ^= (u << 7) | (u >>> 25)
    u = (x9 + x5) | 0; x13 ^= (u << 9) | (u >>> 23)
    u = (x13 + x9) | 0; x1 ^= (u << 13) | (u >>> 19)
    u = (x1 + x13) | 0; x5 ^= (u << 18) | (u >>> 14)

    u = (x10 + x6) | 0; x14 ^= (u << 7) | (u >>> 25)
    u = (x14 + x10) | 0; x2 ^= (u << 9) | (u >>> 23)
    u = (x2 + x14) | 0; x6 ^= (u << 13) | (u >>> 19)
    u = (x6 + x2) | 0; x10 ^= (u << 18) | (u >>> 14)

    u = (x15 + x11) | 0; x3 ^= (u << 7) | (u >>> 25)
    u = (x3 + x15) | 0; x7 ^= (u << 9) | (u >>> 23)
    u = (x7 + x3) | 0; x11 ^= (u << 13) | (u >>> 19)
    u = (x11 + x7) | 0; x15 ^= (u << 18) | (u >>> 14)

    // row round: quarter-rounds on (0 1 2 3) (5 6 7 4) (10 11 8 9) (15 12 13 14)
    u = (x0 + x3) | 0; x1 ^= (u << 7) | (u >>> 25)
    u = (x1 + x0) | 0; x2 ^= (u << 9) | (u >>> 23)
    u = (x2 + x1) | 0; x3 ^= (u << 13) | (u >>> 19)
    u = (x3 + x2) | 0; x0 ^= (u << 18) | (u >>> 14)

    u = (x5 + x4) | 0; x6 ^= (u << 7) | (u >>> 25)
    u = (x6 + x5) | 0; x7 ^= (u << 9) | (u >>> 23)
    u = (x7 + x6) | 0; x4 ^= (u << 13) | (u >>> 19)
    u = (x4 + x7) | 0; x5 ^= (u << 18) | (u >>> 14)

    u = (x10 + x9) | 0; x11 ^= (u << 7) | (u >>> 25)
    u = (x11 + x10) | 0; x8 ^= (u << 9) | (u >>> 23)
    u = (x8 + x11) | 0; x9 ^= (u << 13) | (u >>> 19)
    u = (x9 + x8) | 0; x10 ^= (u << 18) | (u >>> 14)

    u = (x15 + x14) | 0; x12 ^= (u << 7) | (u >>> 25)
    u = (x12 + x15) | 0; x13 ^= (u << 9) | (u >>> 23)
    u = (x13 + x12) | 0; x14 ^= (u << 13) | (u >>> 19)
    u = (x14 + x13) | 0; x15 ^= (u << 18) | (u >>> 14)
  }
  if (words !== undefined) {
    words[0] = (x0 + state[0]!) | 0
    words[1] = (x1 + state[1]!) | 0
    words[2] = (x2 + state[2]!) | 0
    words[3] = (x3 + state[3]!) | 0
    words[4] = (x4 + state[4]!) | 0
    words[5] = (x5 + state[5]!) | 0
    words[6] = (x6 + state[6]!) | 0
    words[7] = (x7 + state[7]!) | 0
    words[8] = (x8 + state[8]!) | 0
    words[9] = (x9 + state[9]!) | 0
    words[10] = (x10 + state[10]!) | 0
    words[11] = (x11 + state[11]!) | 0
    words[12] = (x12 + state[12]!) | 0
    words[13] = (x13 + state[13]!) | 0
    words[14] = (x14 + state[14]!) | 0
    words[15] = (x15 + state[15]!) | 0
  } else if (out !== undefined) {
    store32(out, outOff, x0)
    store32(out, outOff + 4, x5)
    store32(out, outOff + 8, x10)
    store32(out, outOff + 12, x15)
    store32(out, outOff + 16, x6)
    store32(out, outOff + 20, x7)
    store32(out, outOff + 24, x8)
    store32(out, outOff + 28, x9)
  }
}

const scratchState = new Int32Array(16)
const scratchWords = new Int32Array(16)

/**
 * The Salsa20/20 block function: writes the 64-byte block for `key` (32 bytes) and `input`
 * (16 bytes: 8-byte nonce then 8-byte little-endian block counter) to `out` at `outOff`.
 */
export function salsa20Block(out: Uint8Array, outOff: number, key: Uint8Array, input: Uint8Array): void {
  setup(scratchState, key, 0, input, 0)
  core(scratchState, scratchWords, undefined, 0)
  for (let i = 0; i < 16; i++) store32(out, outOff + 4 * i, scratchWords[i]!)
}

/** HSalsa20: writes the 32-byte derived key for `key` (32 bytes) and `input` (16 bytes at `inOff`) to `out` at `outOff`. */
export function hsalsa20(out: Uint8Array, outOff: number, key: Uint8Array, input: Uint8Array, inOff = 0): void {
  setup(scratchState, key, 0, input, inOff)
  core(scratchState, undefined, out, outOff)
}

/**
 * An XSalsa20 key stream that can be consumed in pieces of any length: `init` with a 32-byte key
 * and a 24-byte nonce, then `xor` (or `keystream`) successive spans; the position carries over
 * between calls, so a message split across several buffers encrypts as if it were one.
 * One instance can be reused for any number of messages (init again).
 */
export class XSalsa20 {
  private readonly state = new Int32Array(16)
  /** The current key-stream block as 16 little-endian words. */
  private readonly words = new Int32Array(16)
  private readonly subkey = new Uint8Array(SALSA20_KEY_BYTES)
  /** Bytes of the current block already used; BLOCK_BYTES means the next byte needs a fresh block. */
  private used = BLOCK_BYTES

  init(key: Uint8Array, nonce: Uint8Array): this {
    if (key.length !== SALSA20_KEY_BYTES) throw new RangeError(`XSalsa20 key must be ${SALSA20_KEY_BYTES} bytes, got ${key.length}`)
    if (nonce.length !== XSALSA20_NONCE_BYTES) throw new RangeError(`XSalsa20 nonce must be ${XSALSA20_NONCE_BYTES} bytes, got ${nonce.length}`)
    // Subkey from HSalsa20 over the first 16 nonce bytes; Salsa20 then runs with the last 8 nonce
    // bytes and a block counter starting at zero.
    hsalsa20(this.subkey, 0, key, nonce, 0)
    this.initSubkey(this.subkey, nonce)
    this.subkey.fill(0)
    return this
  }

  /**
   * As init, with the HSalsa20 subkey of the key and the nonce's first 16 bytes already derived
   * (`hsalsa20(subkey, 0, key, nonce)`): only the nonce's last 8 bytes are read. Saves one
   * Salsa20 core per message when many nonces share their first 16 bytes.
   */
  initSubkey(subkey: Uint8Array, nonce: Uint8Array): this {
    if (subkey.length !== SALSA20_KEY_BYTES) throw new RangeError(`XSalsa20 subkey must be ${SALSA20_KEY_BYTES} bytes, got ${subkey.length}`)
    if (nonce.length !== XSALSA20_NONCE_BYTES) throw new RangeError(`XSalsa20 nonce must be ${XSALSA20_NONCE_BYTES} bytes, got ${nonce.length}`)
    // The nonce's last 8 bytes, then a block counter starting at zero.
    const s = this.state
    setKey(s, subkey, 0)
    s[6] = load32(nonce, 16)
    s[7] = load32(nonce, 20)
    s[8] = 0
    s[9] = 0
    this.used = BLOCK_BYTES
    return this
  }

  /** Next key-stream block into `words`, then advances the 64-bit block counter. */
  private refill(): void {
    const s = this.state
    core(s, this.words, undefined, 0)
    const lo = (s[8]! + 1) | 0
    s[8] = lo
    if (lo === 0) s[9] = (s[9]! + 1) | 0
    this.used = 0
  }

  /**
   * dst[dstOff + i] = src[srcOff + i] ^ keystream for i < len. `dst` may be `src` at the same
   * offset (in place), but must not overlap it otherwise.
   */
  xor(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number, len: number): void {
    const w = this.words
    let i = 0
    // Finish a block begun by an earlier call, byte by byte.
    while (this.used < BLOCK_BYTES && i < len) {
      const u = this.used++
      dst[dstOff + i] = src[srcOff + i]! ^ (w[u >> 2]! >>> ((u & 3) << 3))
      i++
    }
    // Whole blocks: many in the WebAssembly loop, a few here, a word at a time.
    const k = curveKernels.current
    if (k !== undefined && len - i >= WASM_MIN_BYTES) i += this.xorWasm(k, src, srcOff + i, dst, dstOff + i, (len - i) >>> 6)
    for (; len - i >= BLOCK_BYTES; i += BLOCK_BYTES) {
      this.refill()
      let s = srcOff + i
      let d = dstOff + i
      for (let k = 0; k < 16; k++, s += 4, d += 4) {
        const x = w[k]!
        dst[d] = src[s]! ^ x
        dst[d + 1] = src[s + 1]! ^ (x >>> 8)
        dst[d + 2] = src[s + 2]! ^ (x >>> 16)
        dst[d + 3] = src[s + 3]! ^ (x >>> 24)
      }
      this.used = BLOCK_BYTES
    }
    // The start of one more block.
    if (i < len) {
      this.refill()
      while (i < len) {
        const u = this.used++
        dst[dstOff + i] = src[srcOff + i]! ^ (w[u >> 2]! >>> ((u & 3) << 3))
        i++
      }
    }
  }

  /**
   * XORs up to `blocks` whole blocks in the WebAssembly loop (wasm/salsa20-kernel.ts), through the
   * module's window 64 KiB at a time; returns the bytes done. Stops short of a block whose counter
   * low word would wrap inside a call (the loop there does not carry into the high word): the
   * caller's own loop does the rest.
   */
  private xorWasm(k: Kernels, src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number, blocks: number): number {
    const s = this.state
    const w = k.words
    const at = k.salsaState
    for (let j = 0; j < 16; j++) w[at + j] = s[j]!
    let done = 0
    while (blocks > 0) {
      const lo = s[8]! >>> 0
      const n = Math.min(blocks, WINDOW_BYTES >>> 6, 0x1_0000_0000 - lo)
      const bytes = n << 6
      k.bytes.set(src.subarray(srcOff + done, srcOff + done + bytes), WINDOW_AT)
      k.salsaXor(WINDOW_AT, WINDOW_AT, n)
      dst.set(k.bytes.subarray(WINDOW_AT, WINDOW_AT + bytes), dstOff + done)
      done += bytes
      blocks -= n
      // The counter, with the carry the loop leaves out when it ends exactly at a wrap.
      s[8] = w[at + 8]!
      if (s[8] === 0) {
        s[9] = (s[9]! + 1) | 0
        w[at + 9] = s[9]!
      }
    }
    for (let j = 0; j < 16; j++) w[at + j] = 0
    k.wipeScratch()
    return done
  }

  /** Writes the next `len` key-stream bytes to `dst` at `dstOff`. */
  keystream(dst: Uint8Array, dstOff: number, len: number): void {
    const w = this.words
    for (let i = 0; i < len; i++) {
      if (this.used === BLOCK_BYTES) this.refill()
      const u = this.used++
      dst[dstOff + i] = w[u >> 2]! >>> ((u & 3) << 3)
    }
  }

  /** Forgets the key material. */
  wipe(): void {
    const s = this.state
    const w = this.words
    for (let i = 0; i < 16; i++) {
      s[i] = 0
      w[i] = 0
    }
    this.used = BLOCK_BYTES
  }
}
