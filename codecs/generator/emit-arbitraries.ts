// Emits the fast-check module of a model: an arbitrary per message (valid values, edge-biased) and a
// mutator that turns valid messages into damaged frames for fuzzing decoders. fast-check is passed in
// by the caller and only imported as a type, so neither this module nor the codec needs it at run time. The
// value arbitraries and the mutator itself are the runtime's (codecs/runtime/arbitraries.ts, mutate.ts): what
// is emitted here is what the model decides.
import { Emitter, lit } from './emitter.ts'
import type { Field, Model } from './model.ts'
import { GENERATED_NOTE, visible } from './field-info.ts'

export interface ArbitrariesOptions {
  /** Module specifier of the generated codec ("./zre-msg.ts"). */
  codecModule: string
  /** Module specifier of the codec runtime (see CodecOptions). */
  runtimeModule: string
  source: string
}

function arb(f: Field): string {
  switch (f.type) {
    case 'number':
      if (f.size === 8) return 'fc.bigInt({ min: 0n, max: 0xffffffffffffffffn })'
      return `fc.integer({ min: 0, max: ${f.size === 1 ? '0xff' : f.size === 2 ? '0xffff' : '0xffffffff'} })`
    case 'string':
      return 'shortText'
    case 'longstr':
      return 'longText'
    case 'strings':
      return 'fc.array(longText, { maxLength: 6 })'
    case 'hash':
      return 'fc.array(fc.tuple(shortText, longText), { maxLength: 4 }).map((kv) => new Map(kv))'
    case 'octets':
      return `bytes(${f.size}, ${f.size})`
    case 'uuid':
      return 'bytes(16, 16)'
    case 'chunk':
      return 'bytes(0, 300)'
    case 'frame':
      return 'bytes(0, 64)'
    case 'msg':
      return 'fc.array(bytes(0, 64), { maxLength: 4 })'
  }
}

export function emitArbitraries(model: Model, opts: ArbitrariesOptions): string {
  const e = new Emitter()
  const T = model.typeName
  const types = model.messages.map((m) => m.typeName)
  const used = new Set(model.messages.flatMap((m) => visible(m).map((f) => f.type)))
  const needText = used.has('string') || used.has('hash')
  const needLong = used.has('longstr') || used.has('strings') || used.has('hash')
  const needBytes = ['octets', 'uuid', 'chunk', 'frame', 'msg'].some((t) => used.has(t as Field['type']))
  const freeIds: number[] = []
  for (let i = 0; i < 256; i++) if (!model.messages.some((m) => m.id === i)) freeIds.push(i)
  const open = model.messages.filter((m) => m.fields.some((f) => f.type === 'msg')).map((m) => lit(m.key))

  e.line(`// ${GENERATED_NOTE}`, `// Source model: ${opts.source}`, `// fast-check arbitraries and a frame mutator for ${model.title}.`, '')
  e.line("import type * as FastCheck from 'fast-check'", `import { codecRuntime } from ${lit(opts.runtimeModule)}`, `import { encode, type ${[T, `${T}Type`, ...types].join(', type ')} } from ${lit(opts.codecModule)}`, '')
  e.line('type Fc = typeof FastCheck', '')
  e.block(`export interface ${T}Arbitraries {`, () => {
    for (const m of model.messages) e.line(`${m.key}: FastCheck.Arbitrary<${m.typeName}>`)
    e.line('/** Any message of the model. */', `any: FastCheck.Arbitrary<${T}>`)
  })
  e.line('')
  e.doc('Arbitraries of valid messages, biased to edge values (0 and maximum numbers, empty and 255-byte strings). Pass the fast-check module: `arbitraries(fc)`.')
  e.block(`export function arbitraries(fc: Fc): ${T}Arbitraries {`, () => {
    const values = [...(needText ? ['shortText'] : []), ...(needLong ? ['longText'] : []), ...(needBytes ? ['bytes'] : [])]
    if (values.length > 0) e.line(`const { ${values.join(', ')} } = codecRuntime.valueArbitraries(fc)`)
    for (const m of model.messages) {
      const fields = visible(m)
      e.block(`const ${m.key} = fc.record({`, () => {
        e.line(`type: fc.constant(${lit(m.key)} as const),`)
        for (const f of fields) e.line(`${f.prop}: ${arb(f)},`)
      }, `}) as FastCheck.Arbitrary<${m.typeName}>`)
    }
    e.line(`return { ${model.messages.map((m) => m.key).join(', ')}, any: fc.oneof(${model.messages.map((m) => m.key).join(', ')}) as FastCheck.Arbitrary<${T}> }`)
  })
  e.line('')
  e.line('export type Mutation = codecRuntime.Mutation', `export type Mutated = codecRuntime.Mutated<${T}Type>`, '')
  e.line('// ids no message uses (the lowest ones and the two highest: a sample is enough), and the messages whose')
  e.line('// msg field takes any number of frames, so adding or dropping one frame may still be valid')
  e.block(`const MUTATION_MODEL: codecRuntime.MutationModel<${T}> = {`, () => {
    e.line('encode,')
    e.line(`freeIds: [${freeIds.length > 12 ? freeIds.slice(0, 12).join(', ') + ', ' + freeIds.slice(-2).join(', ') : freeIds.join(', ')}],`)
    e.line(`openEnded: new Set([${open.join(', ')}]),`)
  })
  e.line('')
  e.doc('Damaged frames for fuzzing a decoder: each value is a valid message, encoded, then hit by one mutation. `invalid` tells whether the result is certainly invalid (truncation, trailing bytes, bad signature, unknown id, frame count) or only probably (byte flips, random bytes).')
  e.block(`export function mutate(fc: Fc, valid: FastCheck.Arbitrary<${T}> = arbitraries(fc).any): FastCheck.Arbitrary<Mutated> {`, () => {
    e.line('return codecRuntime.mutator(fc, valid, MUTATION_MODEL)')
  })
  return e.toString()
}
