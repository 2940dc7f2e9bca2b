// Emits `format` and the module-private helpers the generated encoders and decoders call (only those the
// model needs, so small models get small modules).
import { lit, type Emitter } from './emitter.ts'
import { visible } from './field-info.ts'
import type { Field, Model } from './model.ts'

export function emitFormat(e: Emitter, model: Model): void {
  e.doc('One short human-readable line for logs and traces (long values are abbreviated).')
  e.block(`export function format(msg: ${model.typeName}): string {`, () => {
    e.block('switch (msg.type) {', () => {
      for (const m of model.messages) {
        const parts = visible(m).map((f) => `${f.prop}=\${${formatter(f)}(msg.${f.prop})}`)
        e.line(`case ${lit(m.key)}:`, `  return \`${[m.key, ...parts].join(' ')}\``)
      }
      e.line('default:', `  return \`${model.name} ?\${String((msg as { type: unknown }).type)}\``)
    })
  })
  e.line('')
}

function formatter(f: Field): string {
  switch (f.type) {
    case 'number':
      return 'String'
    case 'string':
    case 'longstr':
      return 'fmtText'
    case 'strings':
      return 'fmtTexts'
    case 'hash':
      return 'fmtHash'
    case 'msg':
      return 'fmtFrames'
    default:
      return 'fmtBytes'
  }
}

export function emitHelpers(e: Emitter, model: Model, uses: (...t: string[]) => boolean): void {
  const decodesText = model.messages.some((m) => m.fields.some((f) => ['string', 'longstr', 'strings', 'hash'].includes(f.type)))
  e.line('// ---- helpers ----', '')
  if (decodesText) {
    e.line(
      "// Buffer#toString goes through a JS wrapper that re-validates its arguments; the native utf8Slice it ends in",
      "// is ~10 % faster on HELLO decode (Node 20). It is not a documented API, hence the fallback. Offsets are",
      '// always bounds-checked before a call. Very short ASCII strings are faster to build by hand.',
    )
    e.line("const utf8Slice = (Buffer.prototype as unknown as { utf8Slice?: (this: Buffer, start: number, end: number) => string }).utf8Slice")
    e.block('function text(b: Buffer, start: number, end: number): string {', () => {
      e.block('if (end - start <= 8) {', () => {
        e.line(`let s = ''`)
        e.block('for (let i = start; i < end; i++) {', () => {
          e.line('const c = b[i]!', 'if (c > 0x7f) return slow(b, start, end)', 's += String.fromCharCode(c)')
        })
        e.line('return s')
      })
      e.line('return slow(b, start, end)')
    })
    e.line('')
    e.block('function slow(b: Buffer, start: number, end: number): string {', () => {
      e.line("return utf8Slice !== undefined ? utf8Slice.call(b, start, end) : b.toString('utf8', start, end)")
    })
    e.line('')
  }
  if (model.messages.some((m) => m.fields.some((f) => ['longstr', 'strings', 'hash', 'chunk'].includes(f.type) || (f.type === 'number' && f.size === 4)))) {
    e.line('// Big-endian uint32 without Buffer#readUInt32BE\'s argument checks: callers have bounds-checked already.')
    e.block('function u32(b: Buffer, p: number): number {', () => {
      e.line('return b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!)')
    })
    e.line('')
  }
  if (uses('string', 'longstr', 'strings', 'hash')) {
    e.line('// ASCII text (byte length = length) is copied by hand: twice as fast as Buffer#write for short strings.')
    e.block('function put(b: Buffer, s: string, p: number, bytes: number): void {', () => {
      e.block('if (bytes === s.length && bytes < 64) {', () => {
        e.line('for (let i = 0; i < bytes; i++) b[p + i] = s.charCodeAt(i)')
      }, '} else b.write(s, p)')
    })
    e.line('')
  }
  if (model.messages.some((m) => m.fields.some((f) => ['longstr', 'strings', 'hash', 'chunk'].includes(f.type) || (f.type === 'number' && f.size === 4)))) {
    e.block('function w32(b: Buffer, p: number, v: number): void {', () => {
      e.line('b[p] = v >>> 24', 'b[p + 1] = (v >>> 16) & 0xff', 'b[p + 2] = (v >>> 8) & 0xff', 'b[p + 3] = v & 0xff')
    })
    e.line('')
  }
  e.block('function truncated(where: string, size: number): never {', () => {
    e.line("throw new CodecError('CODEC_TRUNCATED', `${where}: runs past the end of a ${size}-byte frame`)")
  })
  e.line('')
  e.block('function trailingBytes(where: string, extra: number): never {', () => {
    e.line("throw new CodecError('CODEC_TRAILING_BYTES', `${where}: ${extra} bytes left after the last field`)")
  })
  e.line('')
  if (model.messages.some((m) => m.fields.some((f) => f.constant !== undefined))) {
    e.block('function badConstant(where: string, got: unknown, want: unknown): never {', () => {
      e.line("throw new CodecError('CODEC_BAD_CONSTANT', `${where}: got ${String(got)}, expected ${String(want)}`)")
    })
    e.line('')
  }
  if (uses('number')) {
    e.block('function badNumber(where: string, v: unknown, size: number): never {', () => {
      e.line("throw new CodecError('CODEC_BAD_VALUE', `${where}: ${String(v)} is not an unsigned ${size * 8}-bit integer`)")
    })
    e.line('')
  }
  if (uses('octets', 'uuid')) {
    e.block('function badSize(where: string, got: number, want: number): never {', () => {
      e.line("throw new CodecError('CODEC_BAD_VALUE', `${where}: ${got} bytes, expected exactly ${want}`)")
    })
    e.line('')
  }
  if (uses('string', 'hash')) {
    e.block('function tooLong(where: string, bytes: number): never {', () => {
      e.line("throw new CodecError('CODEC_STRING_TOO_LONG', `${where}: ${bytes} bytes, a string holds at most 255`)")
    })
    e.line('')
  }
  if (uses('string', 'longstr', 'strings', 'hash')) {
    e.block('function fmtText(s: string): string {', () => {
      e.line('return JSON.stringify(s.length > 40 ? s.slice(0, 40) + \'…\' : s)')
    })
    e.line('')
  }
  if (uses('strings')) {
    e.block('function fmtTexts(list: string[]): string {', () => {
      e.line("return '[' + list.slice(0, 8).map(fmtText).join(',') + (list.length > 8 ? `,…${list.length} total` : '') + ']'")
    })
    e.line('')
  }
  if (uses('hash')) {
    e.block('function fmtHash(map: Map<string, string>): string {', () => {
      e.line('const items = [...map].slice(0, 8).map(([k, v]) => `${fmtText(k)}:${fmtText(v)}`)')
      e.line("return '{' + items.join(',') + (map.size > 8 ? `,…${map.size} total` : '') + '}'")
    })
    e.line('')
  }
  if (uses('octets', 'uuid', 'chunk', 'frame', 'msg')) {
    e.block('function fmtBytes(b: Buffer): string {', () => {
      e.line("return b.length <= 16 ? `<${b.toString('hex')}>` : `<${b.subarray(0, 16).toString('hex')}…${b.length} bytes>`")
    })
    e.line('')
  }
  if (uses('msg')) {
    e.block('function fmtFrames(frames: Buffer[]): string {', () => {
      e.line("return '[' + frames.slice(0, 4).map(fmtBytes).join(',') + (frames.length > 4 ? `,…${frames.length} frames` : '') + ']'")
    })
    e.line('')
  }
}
