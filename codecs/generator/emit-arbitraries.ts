// Emits the fast-check module of a model: an arbitrary per message (valid values, edge-biased) and a
// mutator that turns valid messages into damaged frames for fuzzing decoders. fast-check is passed in
// by the caller and only imported as a type, so neither this module nor the codec needs it at run time.
import { Emitter, lit } from './emitter.ts'
import type { Field, Model } from './model.ts'
import { GENERATED_NOTE, visible } from './field-info.ts'

export interface ArbitrariesOptions {
  /** Module specifier of the generated codec ("./zre-msg.ts"). */
  codecModule: string
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
  e.line("import type * as FastCheck from 'fast-check'", `import { encode, type ${[T, `${T}Type`, ...types].join(', type ')} } from ${lit(opts.codecModule)}`, '')
  e.line('type Fc = typeof FastCheck', '')
  e.block(`export interface ${T}Arbitraries {`, () => {
    for (const m of model.messages) e.line(`${m.key}: FastCheck.Arbitrary<${m.typeName}>`)
    e.line('/** Any message of the model. */', `any: FastCheck.Arbitrary<${T}>`)
  })
  e.line('')
  e.doc('Arbitraries of valid messages, biased to edge values (0 and maximum numbers, empty and 255-byte strings). Pass the fast-check module: `arbitraries(fc)`.')
  e.block(`export function arbitraries(fc: Fc): ${T}Arbitraries {`, () => {
    if (needText) {
      e.line('// a string field holds at most 255 UTF-8 bytes: ASCII up to 255 chars, or up to 63 code points of any width')
      e.line("const shortText = fc.oneof(fc.string({ maxLength: 255 }), fc.string({ unit: 'binary', maxLength: 63 }), fc.constant('é'.repeat(127) + 'x'))")
    }
    if (needLong) e.line("const longText = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 40 }))")
    if (needBytes) e.line('const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max }).map((a) => Buffer.from(a))')
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
  e.line("export type Mutation = 'truncate' | 'append-byte' | 'bad-signature' | 'unknown-id' | 'add-frame' | 'drop-frame' | 'flip-byte' | 'random-bytes'", '')
  e.block('export interface Mutated {', () => {
    e.line('frames: Buffer[]', 'mutation: Mutation', '/** True when this mutation can never give a valid message: decode must throw. */', 'invalid: boolean', `/** The type of the message that was damaged. */`, `from: ${T}Type`)
  })
  e.line('')
  e.line('// ids no message uses (the lowest ones and the two highest: a sample is enough), and the messages whose')
  e.line('// msg field takes any number of frames, so adding or dropping one frame may still be valid')
  e.line(`const FREE_IDS: readonly number[] = [${freeIds.length > 12 ? freeIds.slice(0, 12).join(', ') + ', ' + freeIds.slice(-2).join(', ') : freeIds.join(', ')}]`)
  e.line(`const OPEN_ENDED: ReadonlySet<string> = new Set([${open.join(', ')}])`, '')
  e.doc('Damaged frames for fuzzing a decoder: each value is a valid message, encoded, then hit by one mutation. `invalid` tells whether the result is certainly invalid (truncation, trailing bytes, bad signature, unknown id, frame count) or only probably (byte flips, random bytes).')
  e.block(`export function mutate(fc: Fc, valid: FastCheck.Arbitrary<${T}> = arbitraries(fc).any): FastCheck.Arbitrary<Mutated> {`, () => {
    e.line("const kinds: Mutation[] = ['truncate', 'append-byte', 'bad-signature', 'unknown-id', 'add-frame', 'drop-frame', 'flip-byte', 'random-bytes']")
    e.line('return fc')
    e.line('  .tuple(valid, fc.constantFrom(...kinds), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.uint8Array({ maxLength: 64 }))')
    e.line('  .map(([msg, mutation, pos, byte, random]) => damage(msg, mutation, pos, byte, Buffer.from(random)))')
  })
  e.line('')
  e.block(`function damage(msg: ${T}, mutation: Mutation, pos: number, byte: number, random: Buffer): Mutated {`, () => {
    e.line('const frames = encode(msg)', 'const first = Buffer.from(frames[0]!)', 'const rest = frames.slice(1)', 'const from = msg.type')
    e.block('switch (mutation) {', () => {
      e.line('case \'truncate\':', '  return { frames: [first.subarray(0, pos % first.length), ...rest], mutation, invalid: true, from }')
      e.line('case \'append-byte\':', '  return { frames: [Buffer.concat([first, Buffer.from([byte])]), ...rest], mutation, invalid: true, from }')
      e.line('case \'bad-signature\':', '  first[pos % 2] ^= byte', '  return { frames: [first, ...rest], mutation, invalid: true, from }')
      e.line('case \'unknown-id\':', '  if (FREE_IDS.length === 0) return { frames: [first.subarray(0, 2)], mutation, invalid: true, from }', '  first[2] = FREE_IDS[pos % FREE_IDS.length]!', '  return { frames: [first, ...rest], mutation, invalid: true, from }')
      e.line('case \'add-frame\':', '  return { frames: [first, ...rest, random], mutation, invalid: !OPEN_ENDED.has(from), from }')
      e.line('case \'drop-frame\':', '  if (rest.length === 0) return { frames: [], mutation, invalid: true, from }', '  return { frames: [first, ...rest.slice(0, -1)], mutation, invalid: !OPEN_ENDED.has(from), from }')
      e.line('case \'flip-byte\':', '  first[pos % first.length] ^= byte', '  return { frames: [first, ...rest], mutation, invalid: false, from }')
      e.line('case \'random-bytes\':', '  return { frames: [random, ...rest], mutation, invalid: false, from }')
    })
  })
  return e.toString()
}
