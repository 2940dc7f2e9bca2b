// CURVE's bulk loops (XSalsa20 key stream XOR, Poly1305 blocks) as one WebAssembly module, written
// by our assembler on first use: the Salsa20 loop runs four blocks at once in SIMD lanes, the
// Poly1305 loop uses 64-bit products. salsa20.ts and poly1305.ts hand them whole blocks, copied
// through a fixed window of the module's memory; everything else (keys, partial blocks, the MAC's
// final reduction) stays in TypeScript.
//
// Used when this Node's WebAssembly has fixed-width SIMD (the module does not validate without it)
// on a little-endian machine; ZYRE_TS_WASM=off keeps the TypeScript loops.
import { assemble } from './assembler.ts'
import { polyBlocksCode } from './poly1305-kernel.ts'
import { salsaXorCode } from './salsa20-kernel.ts'

const POLY_R = 0
const POLY_H = 32
const SALSA_STATE = 64
const SCRATCH = 128
const SCRATCH_BYTES = 256
/** Where data is copied in and out, and how much at a time. */
export const WINDOW_AT = 1024
export const WINDOW_BYTES = 64 * 1024
const PAGES = 2

/** The part of the WebAssembly JavaScript API used here (TypeScript's lib for Node has no types for it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object) => { exports: Record<string, unknown> }
}

export interface Kernels {
  /** The module's memory as bytes and as little-endian words (the state areas). */
  readonly bytes: Uint8Array
  readonly words: Int32Array
  /** Word index of Poly1305's r and h (five 26-bit limbs each) and Salsa20's state. */
  readonly polyR: number
  readonly polyH: number
  readonly salsaState: number
  /** The functions, addresses in the module's memory (see the kernel files). */
  polyBlocks(m: number, blocks: number, hibit: number): void
  salsaXor(src: number, dst: number, blocks: number): void
  /** Clears the key stream salsaXor left in its scratch area. */
  wipeScratch(): void
}

function build(): Kernels | undefined {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly
  if (process.env.ZYRE_TS_WASM === 'off' || wasm === undefined) return undefined
  // The state areas are read and written as host-order words.
  if (new Uint8Array(Uint32Array.of(1).buffer)[0] !== 1) return undefined
  const binary = assemble(PAGES, [
    { name: 'poly_blocks', code: polyBlocksCode(POLY_R, POLY_H) },
    { name: 'salsa_xor', code: salsaXorCode(SALSA_STATE, SCRATCH) },
  ])
  // No SIMD (an old or restricted engine): the module does not validate, the TypeScript loops run.
  if (!wasm.validate(binary)) return undefined
  const instance = new wasm.Instance(new wasm.Module(binary))
  const exports = instance.exports as {
    memory: { buffer: ArrayBuffer }
    poly_blocks: (m: number, blocks: number, hibit: number) => void
    salsa_xor: (src: number, dst: number, blocks: number) => void
  }
  const buffer = exports.memory.buffer
  const bytes = new Uint8Array(buffer)
  return {
    bytes,
    words: new Int32Array(buffer),
    polyR: POLY_R / 4,
    polyH: POLY_H / 4,
    salsaState: SALSA_STATE / 4,
    polyBlocks: exports.poly_blocks,
    salsaXor: exports.salsa_xor,
    wipeScratch: () => bytes.fill(0, SCRATCH, SCRATCH + SCRATCH_BYTES),
  }
}

/** The kernels once built; null until first asked for (building takes a few milliseconds). */
let built: Kernels | undefined | null = null

/**
 * The kernels in use: undefined when unavailable (or switched off). Built on first use, so that a
 * process that never encrypts a long message never pays for it. Settable so that tests can run
 * the TypeScript loops in the same process and compare.
 */
export const curveKernels = {
  get current(): Kernels | undefined {
    if (built === null) built = build()
    return built
  },
  set current(k: Kernels | undefined) {
    built = k
  },
}
