// A small WebAssembly assembler: just enough of the binary format (WebAssembly Core 2.0, with
// fixed-width SIMD) to build the CURVE kernels (kernels.ts) from TypeScript at load time, with no
// build step and no binary blob in the source. A module here has one exported memory and
// exported functions whose parameters and locals are i32, i64 or v128 and that return nothing.

export type ValType = 'i32' | 'i64' | 'v128'

const TYPE_CODE: Record<ValType, number> = { i32: 0x7f, i64: 0x7e, v128: 0x7b }

function uleb(n: number, out: number[]): void {
  do {
    let b = n & 0x7f
    n >>>= 7
    if (n !== 0) b |= 0x80
    out.push(b)
  } while (n !== 0)
}

function sleb(n: bigint, out: number[]): void {
  for (;;) {
    const b = Number(n & 0x7fn)
    n >>= 7n
    if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) {
      out.push(b)
      return
    }
    out.push(b | 0x80)
  }
}

/** log2 of an access width in bytes: the alignment hint of a memory instruction. */
const ALIGN: Record<number, number> = { 1: 0, 2: 1, 4: 2, 8: 3, 16: 4 }

/** One function body: locals by name, instructions appended in order (a stack machine). */
export class Code {
  readonly bytes: number[] = []
  private readonly index = new Map<string, number>()
  readonly localTypes: ValType[] = []

  constructor(readonly params: readonly [string, ValType][]) {
    params.forEach(([name], i) => this.index.set(name, i))
  }

  /** Declares a local (after the parameters). */
  local(name: string, type: ValType): this {
    if (this.index.has(name)) throw new Error(`local ${name} declared twice`)
    this.index.set(name, this.params.length + this.localTypes.length)
    this.localTypes.push(type)
    return this
  }

  private at(name: string): number {
    const i = this.index.get(name)
    if (i === undefined) throw new Error(`no local ${name}`)
    return i
  }

  private op(...b: number[]): this {
    this.bytes.push(...b)
    return this
  }

  private simd(code: number): this {
    this.bytes.push(0xfd)
    uleb(code, this.bytes)
    return this
  }

  private mem(width: number, offset: number): this {
    uleb(ALIGN[width]!, this.bytes)
    uleb(offset, this.bytes)
    return this
  }

  /** An instruction with one unsigned LEB128 immediate (a local index, a branch depth). */
  private withIndex(code: number, index: number): this {
    this.bytes.push(code)
    uleb(index, this.bytes)
    return this
  }

  get(name: string): this {
    return this.withIndex(0x20, this.at(name))
  }
  set(name: string): this {
    return this.withIndex(0x21, this.at(name))
  }
  tee(name: string): this {
    return this.withIndex(0x22, this.at(name))
  }
  i32(value: number): this {
    this.op(0x41)
    sleb(BigInt(value | 0), this.bytes)
    return this
  }
  i64(value: bigint): this {
    this.op(0x42)
    sleb(BigInt.asIntN(64, value), this.bytes)
    return this
  }

  // Control: blocks and loops without results.
  block(): this {
    return this.op(0x02, 0x40)
  }
  loop(): this {
    return this.op(0x03, 0x40)
  }
  end(): this {
    return this.op(0x0b)
  }
  br(depth: number): this {
    return this.withIndex(0x0c, depth)
  }
  brIf(depth: number): this {
    return this.withIndex(0x0d, depth)
  }

  // i32 arithmetic and comparisons.
  i32Add(): this {
    return this.op(0x6a)
  }
  i32Sub(): this {
    return this.op(0x6b)
  }
  i32And(): this {
    return this.op(0x71)
  }
  i32Or(): this {
    return this.op(0x72)
  }
  i32Shl(): this {
    return this.op(0x74)
  }
  i32ShrU(): this {
    return this.op(0x76)
  }
  /** Of a, b, condition: a when the condition is not zero, else b. */
  select(): this {
    return this.op(0x1b)
  }
  i32Eqz(): this {
    return this.op(0x45)
  }
  i32LtU(): this {
    return this.op(0x49)
  }

  // i64 arithmetic.
  i64Add(): this {
    return this.op(0x7c)
  }
  i64Mul(): this {
    return this.op(0x7e)
  }
  i64And(): this {
    return this.op(0x83)
  }
  i64ShrU(): this {
    return this.op(0x88)
  }
  i64ExtendI32U(): this {
    return this.op(0xad)
  }
  i32WrapI64(): this {
    return this.op(0xa7)
  }

  // Memory; `offset` is the constant added to the address on the stack.
  i32Load(offset = 0): this {
    return this.op(0x28).mem(4, offset)
  }
  i32Store(offset = 0): this {
    return this.op(0x36).mem(4, offset)
  }
  v128Load(offset = 0): this {
    return this.simd(0x00).mem(16, offset)
  }
  v128Store(offset = 0): this {
    return this.simd(0x0b).mem(16, offset)
  }
  /** Stores lane `lane` of an i32x4 at address + offset. */
  v128Store32Lane(offset: number, lane: number): this {
    this.simd(0x5a).mem(4, offset)
    this.bytes.push(lane)
    return this
  }

  // SIMD, i32x4 lanes.
  i32x4Splat(): this {
    return this.simd(0x11)
  }
  i32x4ReplaceLane(lane: number): this {
    this.simd(0x1c)
    this.bytes.push(lane)
    return this
  }
  i32x4Add(): this {
    return this.simd(0xae)
  }
  i32x4Shl(): this {
    return this.simd(0xab)
  }
  i32x4ShrU(): this {
    return this.simd(0xad)
  }
  v128Or(): this {
    return this.simd(0x50)
  }
  v128Xor(): this {
    return this.simd(0x51)
  }
}

export interface FunctionDef {
  name: string
  code: Code
}

/** The binary of a module exporting `memory` (`pages` of 64 KiB, fixed) and the functions. */
export function assemble(pages: number, functions: readonly FunctionDef[]): Uint8Array {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]
  const section = (id: number, body: number[]): void => {
    out.push(id)
    uleb(body.length, out)
    out.push(...body)
  }
  const vec = (items: number[][]): number[] => {
    const b: number[] = []
    uleb(items.length, b)
    for (const item of items) b.push(...item)
    return b
  }
  const name = (s: string): number[] => {
    const b: number[] = []
    const bytes = Buffer.from(s, 'utf8')
    uleb(bytes.length, b)
    b.push(...bytes)
    return b
  }
  // One type per function: (params) -> ().
  section(1, vec(functions.map((f) => [0x60, ...vec(f.code.params.map(([, t]) => [TYPE_CODE[t]])), 0x00])))
  section(3, vec(functions.map((_, i) => ulebBytes(i))))
  section(5, vec([[0x01, ...ulebBytes(pages), ...ulebBytes(pages)]]))
  section(7, vec([[...name('memory'), 0x02, 0x00], ...functions.map((f, i) => [...name(f.name), 0x00, ...ulebBytes(i)])]))
  section(
    10,
    vec(
      functions.map((f) => {
        // Locals as runs of one type each.
        const runs: number[][] = []
        for (const t of f.code.localTypes) runs.push([0x01, TYPE_CODE[t]])
        const body = [...vec(runs), ...f.code.bytes, 0x0b]
        return [...ulebBytes(body.length), ...body]
      }),
    ),
  )
  return Uint8Array.from(out)
}

function ulebBytes(n: number): number[] {
  const b: number[] = []
  uleb(n, b)
  return b
}
