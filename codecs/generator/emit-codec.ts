// Emits the runtime codec module of a model: constants, one interface per message, the union, then encode,
// decode, format and helpers (see emit-encode.ts, emit-decode.ts, emit-helpers.ts). The emitted code is
// specialised per message: nothing of the model is interpreted at run time.
import { emitDecode } from './emit-decode.ts'
import { emitEncode } from './emit-encode.ts'
import { emitFormat, emitHelpers } from './emit-helpers.ts'
import { Emitter, lit } from './emitter.ts'
import { GENERATED_NOTE, constLit, tsType, visible, wireNote } from './field-info.ts'
import type { Model } from './model.ts'
import { upperSnake } from './names.ts'


export interface CodecOptions {
  /** Module specifier the generated code imports CodecError from. */
  errorModule: string
  /** Model file name shown in the generated header. */
  source: string
}

export function emitCodec(model: Model, opts: CodecOptions): string {
  const e = new Emitter()
  const T = model.typeName
  const sig = 0xa0 | model.signature
  const all = model.messages.flatMap((m) => m.fields)
  const uses = (...types: string[]): boolean => all.some((f) => f.constant === undefined && types.includes(f.type))

  e.line(`// ${GENERATED_NOTE}`, `// Source model: ${opts.source}`, `// ${model.title}`)
  e.line('')
  e.doc(model.description)
  e.line(`import { CodecError } from ${lit(opts.errorModule)}`, '')
  e.doc(`Class signature: the first frame starts 0xAA, 0x${sig.toString(16).toUpperCase()}.`)
  e.line(`export const SIGNATURE = ${model.signature}`, '')
  for (const d of model.defines) {
    e.doc(d.description)
    e.line(`export const ${upperSnake(d.name)} = ${constLit(d.value)}`, '')
  }
  e.doc('Message ids on the wire.')
  e.block(`export const ${T}Id = {`, () => {
    for (const m of model.messages) e.line(`${m.key}: ${m.id},`)
  }, '} as const')
  e.line(`export type ${T}Type = keyof typeof ${T}Id`, '')
  e.doc('Message type by wire id.')
  e.block(`export const MESSAGE_NAMES: Readonly<Record<number, ${T}Type>> = {`, () => {
    for (const m of model.messages) e.line(`${m.id}: ${lit(m.key)},`)
  })
  e.line('')

  for (const m of model.messages) {
    e.doc(m.description)
    e.block(`export interface ${m.typeName} {`, () => {
      e.line(`type: ${lit(m.key)}`)
      for (const f of visible(m)) {
        e.doc(`${f.description}${f.description ? ' ' : ''}(${wireNote(f)})`)
        e.line(`${f.prop}: ${tsType(f)}`)
      }
    })
    e.line('')
  }
  e.line(`export type ${T} = ${model.messages.map((m) => m.typeName).join(' | ')}`, '')

  emitEncode(e, model)
  emitDecode(e, model)
  emitFormat(e, model)
  emitHelpers(e, model, uses)
  return e.toString()
}
