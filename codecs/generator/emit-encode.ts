// Emits one straight-line encoder per message: a size pass that validates values and adds up the first
// frame's length, one exact allocation, then a write pass with literal offsets while they are known.
import { Cursor } from './cursor.ts'
import { lit, type Emitter } from './emitter.ts'
import { constLit } from './field-info.ts'
import type { Model } from './model.ts'

export function emitEncode(e: Emitter, model: Model): void {
  const T = model.typeName
  e.doc(`Encodes a message into its frames. Throws CodecError (CODEC_STRING_TOO_LONG, CODEC_BAD_VALUE) for a value the wire cannot carry.`)
  e.block(`export function encode(msg: ${T}): Buffer[] {`, () => {
    e.block('switch (msg.type) {', () => {
      for (const m of model.messages) e.line(`case ${lit(m.key)}:`, `  return encode${m.typeName}(msg)`)
      e.line('default:', `  return unknownType(${lit(model.name)}, (msg as { type: unknown }).type)`)
    })
  })
  e.line('')
  for (const m of model.messages) {
    const ctx = `${model.name} ${m.key}`
    e.block(`function encode${m.typeName}(msg: ${m.typeName}): Buffer[] {`, () => {
      let fixed = 3
      const sizeParts: string[] = []
      // Size pass: validate values and add up the first frame's length.
      for (const f of m.fields) {
        const v = `msg.${f.prop}`
        const where = lit(`${ctx} ${f.name}`)
        if (f.constant !== undefined) {
          if (f.type === 'number') fixed += f.size!
          else {
            const n = Buffer.byteLength(f.constant as string)
            fixed += (f.type === 'string' ? 1 : 4) + n
          }
          continue
        }
        switch (f.type) {
          case 'number':
            if (f.size === 8) e.line(`if (typeof ${v} !== 'bigint' || BigInt.asUintN(64, ${v}) !== ${v}) badNumber(${where}, ${v}, 8)`)
            else if (f.size === 4) e.line(`if (${v} >>> 0 !== ${v}) badNumber(${where}, ${v}, 4)`)
            else e.line(`if ((${v} & ${f.size === 1 ? '0xff' : '0xffff'}) !== ${v}) badNumber(${where}, ${v}, ${f.size})`)
            fixed += f.size!
            break
          case 'octets':
          case 'uuid': {
            const n = f.type === 'uuid' ? 16 : f.size!
            e.line(`if (${v}.length !== ${n}) badSize(${where}, ${v}.length, ${n})`)
            fixed += n
            break
          }
          case 'string':
            e.line(`const $${f.prop}_len = Buffer.byteLength(${v})`, `if ($${f.prop}_len > 255) tooLong(${where}, $${f.prop}_len)`)
            fixed += 1
            sizeParts.push(`$${f.prop}_len`)
            break
          case 'longstr':
            e.line(`const $${f.prop}_len = Buffer.byteLength(${v})`)
            fixed += 4
            sizeParts.push(`$${f.prop}_len`)
            break
          case 'chunk':
            fixed += 4
            sizeParts.push(`${v}.length`)
            break
          case 'strings':
            e.line(`let $${f.prop}_len = 0`, `for (const s of ${v}) $${f.prop}_len += 4 + Buffer.byteLength(s)`)
            fixed += 4
            sizeParts.push(`$${f.prop}_len`)
            break
          case 'hash':
            e.line(`let $${f.prop}_len = 0`)
            e.block(`for (const [k, val] of ${v}) {`, () => {
              e.line('const kn = Buffer.byteLength(k)', `if (kn > 255) tooLong(${lit(`${ctx} ${f.name} key`)}, kn)`, `$${f.prop}_len += 5 + kn + Buffer.byteLength(val)`)
            })
            fixed += 4
            sizeParts.push(`$${f.prop}_len`)
            break
          case 'frame':
          case 'msg':
            break
        }
      }
      // Write pass: one allocation, exact size.
      e.line(`const b = Buffer.allocUnsafe(${[String(fixed), ...sizeParts].join(' + ')})`)
      e.line(`b[0] = 0xaa`, `b[1] = 0x${(0xa0 | model.signature).toString(16)}`, `b[2] = ${m.id}`)
      const c = new Cursor(e, 3)
      const at = (k = 0): string => c.at(k)
      const adv = (n: string | number): void => c.advance(n)
      const goDynamic = (): void => c.flush()
      const frames: string[] = []
      for (const f of m.fields) {
        const v = f.constant !== undefined ? constLit(f.constant) : `msg.${f.prop}`
        switch (f.type) {
          case 'number':
            if (f.size === 1) e.line(`b[${at()}] = ${v}`)
            else if (f.size === 2) e.line(`b[${at()}] = ${v} >>> 8`, `b[${at(1)}] = ${v} & 0xff`)
            else if (f.size === 4) e.line(`writeU32(b, ${at()}, ${v})`)
            else e.line(`b.writeBigUInt64BE(${v}, ${at()})`)
            adv(f.size!)
            break
          case 'octets':
          case 'uuid':
            e.line(`b.set(${v}, ${at()})`)
            adv(f.type === 'uuid' ? 16 : f.size!)
            break
          case 'string':
            if (f.constant !== undefined) {
              const n = Buffer.byteLength(f.constant as string)
              e.line(`b[${at()}] = ${n}`, `b.write(${v}, ${at(1)})`)
              adv(1 + n)
            } else {
              e.line(`b[${at()}] = $${f.prop}_len`, `writeText(b, ${v}, ${at(1)}, $${f.prop}_len)`)
              adv(`1 + $${f.prop}_len`)
            }
            break
          case 'longstr':
            if (f.constant !== undefined) {
              const n = Buffer.byteLength(f.constant as string)
              e.line(`writeU32(b, ${at()}, ${n})`, `b.write(${v}, ${at(4)})`)
              adv(4 + n)
            } else {
              e.line(`writeU32(b, ${at()}, $${f.prop}_len)`, `writeText(b, ${v}, ${at(4)}, $${f.prop}_len)`)
              adv(`4 + $${f.prop}_len`)
            }
            break
          case 'chunk':
            e.line(`writeU32(b, ${at()}, ${v}.length)`, `b.set(${v}, ${at(4)})`)
            adv(`4 + ${v}.length`)
            break
          case 'strings':
            goDynamic()
            e.line(`writeU32(b, p, ${v}.length)`, 'p += 4')
            e.block(`for (const s of ${v}) {`, () => {
              e.line('const n = Buffer.byteLength(s)', 'writeU32(b, p, n)', 'writeText(b, s, p + 4, n)', 'p += 4 + n')
            })
            break
          case 'hash':
            goDynamic()
            e.line(`writeU32(b, p, ${v}.size)`, 'p += 4')
            e.block(`for (const [k, val] of ${v}) {`, () => {
              e.line('const kn = Buffer.byteLength(k)', 'b[p] = kn', 'writeText(b, k, p + 1, kn)', 'p += 1 + kn', 'const vn = Buffer.byteLength(val)', 'writeU32(b, p, vn)', 'writeText(b, val, p + 4, vn)', 'p += 4 + vn')
            })
            break
          case 'frame':
            frames.push(v)
            break
          case 'msg':
            frames.push(`...${v}`)
            break
        }
      }
      e.line(`return [${['b', ...frames].join(', ')}]`)
    })
    e.line('')
  }
}
