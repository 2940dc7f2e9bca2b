// Emits one straight-line decoder per message. Every length or count a peer claims is compared with the
// bytes actually present before anything is sliced or allocated; leading fixed-size fields share one check.
import { Cursor } from './cursor.ts'
import { lit, type Emitter } from './emitter.ts'
import { constLit } from './field-info.ts'
import type { Model } from './model.ts'

export function emitDecode(e: Emitter, model: Model): void {
  const T = model.typeName
  const sig = `0x${(0xa0 | model.signature).toString(16)}`
  e.doc(
    'Decodes the frames of one message. Throws CodecError (CODEC_MISSING_FRAME, CODEC_BAD_SIGNATURE, CODEC_UNKNOWN_ID, ' +
      'CODEC_TRUNCATED, CODEC_BAD_CONSTANT, CODEC_TRAILING_BYTES, CODEC_TRAILING_FRAMES) for anything else. ' +
      'Buffer fields are views into the given frames (no copy).',
  )
  e.block(`export function decode(frames: readonly Buffer[]): ${T} {`, () => {
    e.line('const f = frames[0]')
    e.line(`if (f === undefined) return noFrames(${lit(model.name)})`)
    e.line(`if ((f.length > 0 && f[0] !== 0xaa) || (f.length > 1 && f[1] !== ${sig})) badSignature(${lit(model.name)}, f, ${model.signature})`)
    e.line(`if (f.length < 3) tooShort(${lit(model.name)}, f.length)`)
    e.block('switch (f[2]) {', () => {
      for (const m of model.messages) e.line(`case ${m.id}:`, `  return decode${m.typeName}(frames, f)`)
      e.line('default:', `  return unknownId(${lit(model.name)}, f[2]!)`)
    })
  })
  e.line('')
  for (const m of model.messages) {
    const ctx = `${model.name} ${m.key}`
    e.block(`function decode${m.typeName}(frames: readonly Buffer[], f: Buffer): ${m.typeName} {`, () => {
      e.line('const end = f.length')
      const hasMsg = m.fields.some((f) => f.type === 'msg')
      let fi = 1
      // Fixed-size fields at known offsets are checked in one go; the cursor `p` takes over afterwards.
      let fixedEnd = 3
      for (const f of m.fields) {
        if (f.type === 'number') fixedEnd += f.size!
        else if (f.type === 'octets') fixedEnd += f.size!
        else if (f.type === 'uuid') fixedEnd += 16
        else if (f.type === 'frame') continue
        else break
      }
      if (fixedEnd > 3) e.line(`if (end < ${fixedEnd}) truncated(${lit(ctx)}, end)`)
      const c = new Cursor(e, 3)
      const at = (k = 0): string => c.at(k)
      // fixed-size leading fields were bounds-checked together above
      const need = (n: number, name: string): void => {
        if (!c.dynamic) {
          if (c.literal + n > fixedEnd) e.line(`if (end < ${c.literal + n}) truncated(${lit(`${ctx} ${name}`)}, end)`)
        } else e.line(`if (${at()} + ${n} > end) truncated(${lit(`${ctx} ${name}`)}, end)`)
      }
      const adv = (n: number | string): void => c.advance(n)
      const goDynamic = (): void => c.flush()
      const names: string[] = []
      for (const f of m.fields) {
        // `$` and `_` never occur in a property name, so these locals cannot collide with each other or the helpers
        const x = `$${f.prop}${f.constant !== undefined ? '_const' : ''}`
        if (f.constant === undefined) names.push(f.prop)
        const fname = f.name
        switch (f.type) {
          case 'number': {
            need(f.size!, fname)
            const expr =
              f.size === 1 ? `f[${at()}]!` : f.size === 2 ? `(f[${at()}]! << 8) | f[${at(1)}]!` : f.size === 4 ? `readU32(f, ${at()})` : `f.readBigUInt64BE(${at()})`
            if (f.constant !== undefined) {
              e.line(`const ${x} = ${expr}`, `if (${x} !== ${constLit(f.constant)}) badConstant(${lit(`${ctx} ${fname}`)}, ${x}, ${constLit(f.constant)})`)
            } else e.line(`const ${x} = ${expr}`)
            adv(f.size!)
            break
          }
          case 'octets':
          case 'uuid': {
            const n = f.type === 'uuid' ? 16 : f.size!
            need(n, fname)
            e.line(`const ${x} = f.subarray(${at()}, ${at(n)})`)
            adv(n)
            break
          }
          case 'string':
          case 'longstr':
          case 'chunk': {
            const lenBytes = f.type === 'string' ? 1 : 4
            need(lenBytes, fname)
            e.line(`const ${x}_len = ${lenBytes === 1 ? `f[${at()}]!` : `readU32(f, ${at()})`}`)
            adv(lenBytes)
            goDynamic()
            e.line(`if (${x}_len > end - p) truncated(${lit(`${ctx} ${fname}`)}, end)`)
            e.line(f.type === 'chunk' ? `const ${x} = f.subarray(p, p + ${x}_len)` : `const ${x} = readText(f, p, p + ${x}_len)`)
            if (f.constant !== undefined) e.line(`if (${x} !== ${constLit(f.constant)}) badConstant(${lit(`${ctx} ${fname}`)}, ${x}, ${constLit(f.constant)})`)
            adv(`${x}_len`)
            break
          }
          case 'strings':
            need(4, fname)
            e.line(`const ${x}_count = readU32(f, ${at()})`)
            adv(4)
            goDynamic()
            e.line(`// each entry takes at least 4 bytes: a claimed count beyond that is refused before any allocation`)
            e.line(`if (${x}_count > (end - p) / 4) truncated(${lit(`${ctx} ${fname}`)}, end)`)
            e.line(`const ${x}: string[] = []`)
            e.block(`for (let i = 0; i < ${x}_count; i++) {`, () => {
              e.line(`if (p + 4 > end) truncated(${lit(`${ctx} ${fname}`)}, end)`, 'const n = readU32(f, p)', 'p += 4')
              e.line(`if (n > end - p) truncated(${lit(`${ctx} ${fname}`)}, end)`, `${x}.push(readText(f, p, p + n))`, 'p += n')
            })
            break
          case 'hash':
            need(4, fname)
            e.line(`const ${x}_count = readU32(f, ${at()})`)
            adv(4)
            goDynamic()
            e.line(`// each entry takes at least 5 bytes: a claimed count beyond that is refused up front`)
            e.line(`if (${x}_count > (end - p) / 5) truncated(${lit(`${ctx} ${fname}`)}, end)`)
            e.line(`const ${x} = new Map<string, string>()`)
            e.block(`for (let i = 0; i < ${x}_count; i++) {`, () => {
              e.line(`if (p >= end) truncated(${lit(`${ctx} ${fname}`)}, end)`, 'const kn = f[p]!', 'p += 1')
              e.line(`if (kn + 4 > end - p) truncated(${lit(`${ctx} ${fname}`)}, end)`, 'const k = readText(f, p, p + kn)', 'p += kn')
              e.line('const vn = readU32(f, p)', 'p += 4')
              e.line(`if (vn > end - p) truncated(${lit(`${ctx} ${fname}`)}, end)`, `${x}.set(k, readText(f, p, p + vn))`, 'p += vn')
            })
            break
          case 'frame':
            e.line(`const ${x} = frames[${fi}]`)
            e.line(`if (${x} === undefined) return missingFrame(${lit(ctx)}, ${lit(fname)})`)
            fi++
            break
          case 'msg':
            e.line(`const ${x} = frames.slice(${fi})`)
            break
        }
      }
      const pos = at()
      e.line(`if (${pos} !== end) trailingBytes(${lit(ctx)}, end - ${pos})`)
      if (!hasMsg) {
        e.line(`if (frames.length > ${fi}) trailingFrames(${lit(ctx)}, frames.length, ${fi})`)
      }
      e.line(`return { type: ${lit(m.key)}${names.map((n) => `, ${n}: $${n}`).join('')} }`)
    })
    e.line('')
  }
}
