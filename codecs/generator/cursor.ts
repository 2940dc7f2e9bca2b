// Tracks the byte offset while emitting straight-line encode/decode code: offsets stay literal numbers while
// every earlier field has a fixed size; variable sizes are accumulated and only turned into a `p` cursor
// variable (declared once, advanced lazily) when code actually needs the position.
import type { Emitter } from './emitter.ts'

export class Cursor {
  private fixed: number
  private terms: string[] = []
  private declared = false

  constructor(private readonly e: Emitter, start: number) {
    this.fixed = start
  }

  /** True once the position is only known at run time. */
  get dynamic(): boolean {
    return this.declared || this.terms.length > 0
  }

  /** Literal offset, valid only while !dynamic. */
  get literal(): number {
    return this.fixed
  }

  advance(n: number | string): void {
    const m = typeof n === 'string' ? /^(\d+) \+ (.+)$/.exec(n) : null
    if (typeof n === 'number') this.fixed += n
    else if (m) {
      this.fixed += Number(m[1])
      this.terms.push(m[2]!)
    } else this.terms.push(n)
  }

  /** Expression for the current position plus k; declares/advances `p` if needed. */
  at(k = 0): string {
    if (!this.dynamic) return String(this.fixed + k)
    this.flush()
    return k ? `p + ${k}` : 'p'
  }

  /** Makes `p` hold the exact current position (for loops that advance p themselves). */
  flush(): void {
    const parts = [...(this.fixed || !this.declared ? [String(this.fixed)] : []), ...this.terms]
    if (!this.declared) this.e.line(`let p = ${parts.join(' + ')}`)
    else if (this.fixed || this.terms.length) this.e.line(`p += ${parts.join(' + ')}`)
    this.declared = true
    this.fixed = 0
    this.terms = []
  }
}
