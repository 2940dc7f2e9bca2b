// A tiny line emitter: generated files are built line by line with explicit indentation, so the output is
// deterministic and already formatted (no formatter pass, no dependency).

export class Emitter {
  private readonly lines: string[] = []
  private depth = 0

  /** Adds lines at the current indentation; empty strings stay empty lines. */
  line(...texts: string[]): this {
    for (const t of texts) this.lines.push(t === '' ? '' : '  '.repeat(this.depth) + t)
    return this
  }

  /** Emits `open`, the body one level deeper, then `close`. */
  block(open: string, body: () => void, close = '}'): this {
    this.line(open)
    this.depth++
    body()
    this.depth--
    return this.line(close)
  }

  /** A JSDoc comment from free text; nothing for empty text. */
  doc(text: string): this {
    const body = text.split('\n').map((l) => l.trim()).filter((l, i, a) => l !== '' || (i > 0 && i < a.length - 1))
    if (body.length === 0) return this
    if (body.length === 1 && body[0]!.length < 90) return this.line(`/** ${escapeComment(body[0]!)} */`)
    this.line('/**')
    for (const l of body) this.line(l === '' ? ' *' : ` * ${escapeComment(l)}`)
    return this.line(' */')
  }

  toString(): string {
    // Collapse runs of blank lines so templates can be generous with them.
    const out: string[] = []
    for (const l of this.lines) if (!(l === '' && (out.length === 0 || out[out.length - 1] === ''))) out.push(l)
    while (out.length > 0 && out[out.length - 1] === '') out.pop()
    return out.join('\n') + '\n'
  }
}

export function escapeComment(text: string): string {
  return text.replace(/\*\//g, '*\\/')
}

/** A TypeScript string literal (single quotes, house style) for any text. */
export function lit(text: string): string {
  return "'" + JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'") + "'"
}
