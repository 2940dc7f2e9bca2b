// Emits the runtime codec module of a model: the runtime import, constants, one interface per message, the
// union, then encode, decode and format (see emit-encode.ts, emit-decode.ts, emit-helpers.ts). The emitted
// code is specialised per message: nothing of the model is interpreted at run time; what does not depend on
// the model (text and uint32 access, errors, formatters) comes from codecs/runtime/.
import { emitDecode } from './emit-decode.ts'
import { emitEncode } from './emit-encode.ts'
import { emitFormat, emitRuntimeImport } from './emit-helpers.ts'
import { Emitter, lit } from './emitter.ts'
import { GENERATED_NOTE, constLit, tsType, visible, wireNote } from './field-info.ts'
import type { Model } from './model.ts'
import { upperSnake } from './names.ts'


export interface CodecOptions {
  /** Module specifier of the codec runtime (codecs/runtime/index.ts, or 'zyre-ts/codecs'). */
  runtimeModule: string
  /** Module specifier CodecError is imported from, if not the runtime module. */
  errorModule?: string | undefined
  /** Model file name shown in the generated header. */
  source: string
}

export function emitCodec(model: Model, opts: CodecOptions): string {
  const e = new Emitter()
  const T = model.typeName
  const sig = 0xa0 | model.signature

  e.line(`// ${GENERATED_NOTE}`, `// Source model: ${opts.source}`, `// ${model.title}`)
  e.line('')
  e.doc(model.description)
  // The body is emitted first so that only the runtime helpers it calls are bound.
  const body = new Emitter()
  emitEncode(body, model)
  emitDecode(body, model)
  emitFormat(body, model)
  const bodyText = body.toString()
  emitRuntimeImport(e, opts, bodyText)
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

  return e.toString() + '\n' + bodyText
}
