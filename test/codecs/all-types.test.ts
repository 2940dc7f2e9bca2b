// The generator against a test model using every field type, constants of each kind, an include, defines
// and default ids: generated at test time into a temp dir, imported, and driven with edge values.
import t from 'tap'
import fc from 'fast-check'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { CodecError } from '../../codecs/codec-error.ts'
import { generate } from '../../codecs/generator/generate.ts'

interface Numbers { type: 'NUMBERS'; n1: number; n2: number; n4: number; n8: bigint }
interface Texts { type: 'TEXTS'; shortText: string; longText: string; list: string[]; props: Map<string, string> }
interface Bytes { type: 'BYTES'; fixed: Buffer; blob: Buffer; id: Buffer }
interface Frames { type: 'FRAMES'; label: string; first: Buffer; second: Buffer; rest: Buffer[] }
interface Empty { type: 'EMPTY' }
type Msg = Numbers | Texts | Bytes | Frames | Empty
interface Codec {
  SIGNATURE: number
  MAGIC: string
  MAX_SMALL: number
  LIMIT: number
  AllTypesId: Record<string, number>
  encode(m: Msg): Buffer[]
  decode(f: Buffer[]): Msg
  format(m: Msg): string
}
interface Arbs {
  arbitraries(f: typeof fc): Record<string, fc.Arbitrary<Msg>>
  mutate(f: typeof fc): fc.Arbitrary<{ frames: Buffer[]; invalid: boolean; mutation: string }>
}

const model = fileURLToPath(new URL('fixtures/all_types.xml', import.meta.url))
const runtimeModule = pathToFileURL(fileURLToPath(new URL('../../codecs/runtime/index.ts', import.meta.url))).href
const dir = mkdtempSync(join(tmpdir(), 'zyre-gen-all-types-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const out = generate(model, { runtimeModule })
// without this the temp dir's .ts files would load as CommonJS, with their own copy of CodecError
writeFileSync(join(dir, 'package.json'), '{ "type": "module" }')
for (const [file, text] of out.files) writeFileSync(join(dir, file), text)
const codec = (await import(pathToFileURL(join(dir, 'all-types.ts')).href)) as Codec
const arbs = (await import(pathToFileURL(join(dir, 'all-types.arbitraries.ts')).href)) as Arbs

const codeOf = (fn: () => unknown): string => {
  try {
    fn()
  } catch (err) {
    if (err instanceof CodecError) return err.code
    throw err
  }
  return 'no error'
}
const hex = (frames: Buffer[]) => frames.map((b) => b.toString('hex'))
const HEAD = 'aaaf' // signature 15

t.test('generated files', async (t) => {
  t.same([...out.files.keys()], ['all-types.ts', 'all-types.arbitraries.ts', 'all-types.md'])
  for (const [file, text] of out.files) t.match(text, /GENERATED .*DO NOT EDIT/, `${file} says it is generated`)
  t.same(generate(model, { runtimeModule }).files, out.files, 'deterministic')
  t.notMatch(out.files.get('all-types.ts')!, /fast-check/, 'the runtime codec does not import fast-check')
  t.match(out.files.get('all-types.md')!, /numbers\s+= signature %d1 version magic numbers-n1 numbers-n2 numbers-n4 numbers-n8/)
  t.match(out.files.get('all-types.md')!, /frames\s+= signature %d200 version magic frames-label ; first frame/)
  t.match(out.files.get('all-types.md')!, /\nversion\s+= %x02\.01 ; constant 513/, 'ABNF gives the exact bytes of a number constant')
  t.match(out.files.get('all-types.md')!, /\nmagic\s+= %x02 %x5A\.54 ; constant "ZT"/, 'and of a string constant')
  t.match(out.files.get('all-types.md')!, /\nsignature\s+= %xAA %xAF/)
  t.equal(codec.SIGNATURE, 15)
  t.equal(codec.MAGIC, 'ZT')
  t.equal(codec.MAX_SMALL, 255)
  t.equal(codec.LIMIT, 70000, 'define from the included file')
  t.same(codec.AllTypesId, { NUMBERS: 1, TEXTS: 20, BYTES: 3, FRAMES: 200, EMPTY: 0 }, 'ids: explicit or the position')
})

t.test('numbers: 0 and the maximum of each size, big-endian', async (t) => {
  const max: Numbers = { type: 'NUMBERS', n1: 255, n2: 65535, n4: 2 ** 32 - 1, n8: 2n ** 64n - 1n }
  t.same(hex(codec.encode(max)), [`${HEAD}01` + '0201' + '025a54' + 'ff' + 'ffff' + 'ffffffff' + 'ffffffffffffffff'])
  t.same(codec.decode(codec.encode(max)), max)
  const zero: Numbers = { type: 'NUMBERS', n1: 0, n2: 0, n4: 0, n8: 0n }
  t.same(hex(codec.encode(zero)), [`${HEAD}01` + '0201025a54' + '00'.repeat(15)])
  t.same(codec.decode(codec.encode(zero)), zero)
  const mid: Numbers = { type: 'NUMBERS', n1: 0x12, n2: 0x1234, n4: 0x12345678, n8: 0x123456789abcdef0n }
  t.same(hex(codec.encode(mid)), [`${HEAD}01` + '0201025a54' + '12' + '1234' + '12345678' + '123456789abcdef0'])
  for (const [field, bad] of [['n1', 256], ['n1', -1], ['n2', 65536], ['n2', 1.5], ['n4', 2 ** 32], ['n4', NaN]] as const) {
    t.equal(codeOf(() => codec.encode({ ...mid, [field]: bad })), 'CODEC_BAD_VALUE', `${field}=${bad} refused`)
  }
  t.equal(codeOf(() => codec.encode({ ...mid, n8: 2n ** 64n })), 'CODEC_BAD_VALUE', '2^64 refused')
  t.equal(codeOf(() => codec.encode({ ...mid, n8: -1n })), 'CODEC_BAD_VALUE', '-1n refused')
  t.equal(codeOf(() => codec.encode({ ...mid, n8: 5 as unknown as bigint })), 'CODEC_BAD_VALUE', 'number for an 8-byte field refused')
})

t.test('texts: empty and 255-byte strings, UTF-8, lists and hashes', async (t) => {
  const empty: Texts = { type: 'TEXTS', shortText: '', longText: '', list: [], props: new Map() }
  t.same(hex(codec.encode(empty)), [`${HEAD}14` + '0201025a54' + '00' + '00000000' + '00000000' + '00000000'])
  t.same(codec.decode(codec.encode(empty)), empty)
  const full: Texts = {
    type: 'TEXTS',
    shortText: 'é'.repeat(127) + 'x', // 255 bytes
    longText: 'λ'.repeat(40000),
    list: ['', 'a', 'ü'.repeat(300)],
    props: new Map([['k'.repeat(255), 'v'], ['', ''], ['ключ', 'значение']]),
  }
  const enc = codec.encode(full)
  t.equal(enc[0]![8], 255, 'length byte of a 255-byte string')
  t.same(codec.decode(enc), full)
  t.equal(codeOf(() => codec.encode({ ...full, shortText: 'é'.repeat(128) })), 'CODEC_STRING_TOO_LONG', '256 bytes refused, not truncated')
  t.equal(codeOf(() => codec.encode({ ...full, props: new Map([['k'.repeat(256), '']]) })), 'CODEC_STRING_TOO_LONG', 'hash key over 255 bytes refused')
  t.equal(codeOf(() => codec.encode({ ...full, longText: 'x'.repeat(300) })), 'no error', 'longstr has no 255 limit')
})

t.test('claimed counts and lengths are checked before anything is allocated', async (t) => {
  const head = Buffer.from(`${HEAD}14` + '0201025a54' + '00' + '00000000', 'hex')
  const huge = Buffer.from('ffffffff', 'hex')
  t.equal(codeOf(() => codec.decode([Buffer.concat([head, huge])])), 'CODEC_TRUNCATED', 'strings count 2^32-1 in a short frame')
  t.equal(codeOf(() => codec.decode([Buffer.concat([head, Buffer.from('00000000', 'hex'), huge])])), 'CODEC_TRUNCATED', 'hash count 2^32-1')
  t.equal(codeOf(() => codec.decode([Buffer.concat([Buffer.from(`${HEAD}14` + '0201025a54' + '00', 'hex'), huge])])), 'CODEC_TRUNCATED', 'longstr length 2^32-1')
  // a strings count that fits 4-byte-per-entry arithmetic but not the real entries
  t.equal(codeOf(() => codec.decode([Buffer.concat([head, Buffer.from('00000002' + '00000005' + '6162', 'hex')])])), 'CODEC_TRUNCATED')
  const bytes = Buffer.from(`${HEAD}03` + '0201025a54' + '010203', 'hex')
  t.equal(codeOf(() => codec.decode([Buffer.concat([bytes, huge])])), 'CODEC_TRUNCATED', 'chunk length 2^32-1')
})

t.test('bytes: octets, a 70 000-byte chunk, uuid, constant longstr', async (t) => {
  const blob = Buffer.alloc(70000, 7)
  blob[69999] = 9
  const msg: Bytes = { type: 'BYTES', fixed: Buffer.from([1, 2, 3]), blob, id: Buffer.alloc(16, 0xee) }
  const enc = codec.encode(msg)
  t.equal(enc.length, 1)
  t.equal(enc[0]!.length, 3 + 2 + 3 + 3 + 4 + 70000 + 16 + 4 + 3)
  t.equal(enc[0]!.readUInt32BE(11), 70000, '4-byte chunk length')
  t.equal(enc[0]!.subarray(-7).toString('hex'), '00000003' + Buffer.from('end').toString('hex'), 'constant longstr written')
  t.same(codec.decode(enc), msg)
  t.same(codec.decode(codec.encode({ ...msg, blob: Buffer.alloc(0) })), { ...msg, blob: Buffer.alloc(0) }, 'empty chunk')
  t.equal(codeOf(() => codec.encode({ ...msg, fixed: Buffer.from([1, 2]) })), 'CODEC_BAD_VALUE', 'octets of the wrong size')
  t.equal(codeOf(() => codec.encode({ ...msg, id: Buffer.alloc(15) })), 'CODEC_BAD_VALUE', 'uuid of 15 bytes')
  const badTag = Buffer.from(enc[0]!)
  badTag[badTag.length - 1] = 0x78 // "enx"
  t.equal(codeOf(() => codec.decode([badTag])), 'CODEC_BAD_CONSTANT', 'constant longstr checked')
})

t.test('frames: frame fields, empty frames, msg with zero parts', async (t) => {
  const msg: Frames = { type: 'FRAMES', label: 'L', first: Buffer.alloc(0), second: Buffer.from('2'), rest: [] }
  const enc = codec.encode(msg)
  t.same(hex(enc), [`${HEAD}c8` + '0201025a54' + '014c', '', '32'])
  t.same(codec.decode(enc), msg, 'zero msg parts')
  const more: Frames = { ...msg, rest: [Buffer.alloc(0), Buffer.from('x'), Buffer.alloc(0)] }
  t.same(codec.decode(codec.encode(more)), more, 'empty parts kept')
  t.equal(codec.encode(more).length, 6)
  t.equal(codeOf(() => codec.decode(enc.slice(0, 2))), 'CODEC_MISSING_FRAME', 'second frame field missing')
  t.equal(codeOf(() => codec.decode(enc.slice(0, 1))), 'CODEC_MISSING_FRAME', 'first frame field missing')
  t.equal(codeOf(() => codec.decode([])), 'CODEC_MISSING_FRAME', 'no frames at all')
})

t.test('header constants, signature, ids and trailing data', async (t) => {
  const empty = codec.encode({ type: 'EMPTY' })
  t.same(hex(empty), [`${HEAD}00` + '0201025a54'])
  t.same(codec.decode(empty), { type: 'EMPTY' })
  const with0 = (i: number, v: number) => {
    const b = Buffer.from(empty[0]!)
    b[i] = v
    return [b]
  }
  t.equal(codeOf(() => codec.decode(with0(0, 0xab))), 'CODEC_BAD_SIGNATURE')
  t.equal(codeOf(() => codec.decode(with0(1, 0xa1))), 'CODEC_BAD_SIGNATURE', 'another class signature')
  t.equal(codeOf(() => codec.decode(with0(2, 99))), 'CODEC_UNKNOWN_ID')
  t.equal(codeOf(() => codec.decode(with0(4, 2))), 'CODEC_BAD_CONSTANT', 'version constant checked')
  t.equal(codeOf(() => codec.decode(with0(6, 0x41))), 'CODEC_BAD_CONSTANT', 'string constant checked')
  t.equal(codeOf(() => codec.decode(with0(5, 3))), 'CODEC_TRUNCATED', 'constant string length longer than the frame')
  t.equal(codeOf(() => codec.decode([Buffer.concat([empty[0]!, Buffer.from([0])])])), 'CODEC_TRAILING_BYTES')
  t.equal(codeOf(() => codec.decode([empty[0]!, Buffer.alloc(0)])), 'CODEC_TRAILING_FRAMES')
  t.equal(codeOf(() => codec.decode([Buffer.from('aa', 'hex')])), 'CODEC_TRUNCATED')
  t.equal(codeOf(() => codec.decode([Buffer.alloc(0)])), 'CODEC_TRUNCATED')
  t.equal(codeOf(() => codec.decode([Buffer.from('aaaf', 'hex')])), 'CODEC_TRUNCATED')
  t.equal(codeOf(() => codec.encode({ type: 'NOPE' } as unknown as Msg)), 'CODEC_BAD_VALUE', 'unknown type on encode')
})

t.test('format', async (t) => {
  t.equal(codec.format({ type: 'NUMBERS', n1: 1, n2: 2, n4: 4, n8: 8n }), 'NUMBERS n1=1 n2=2 n4=4 n8=8')
  t.equal(
    codec.format({ type: 'FRAMES', label: 'x', first: Buffer.from('ab'), second: Buffer.alloc(40), rest: [] }),
    `FRAMES label="x" first=<6162> second=<${'00'.repeat(16)}…40 bytes> rest=[]`,
  )
  t.equal(codec.format({ type: 'TEXTS', shortText: 'a'.repeat(50), longText: '', list: ['x'], props: new Map([['k', 'v']]) }), `TEXTS shortText="${'a'.repeat(40)}…" longText="" list=["x"] props={"k":"v"}`)
})

t.test('arbitraries of every message round-trip; mutations only give CodecError', async (t) => {
  const all = arbs.arbitraries(fc)
  t.same(Object.keys(all).sort(), ['BYTES', 'EMPTY', 'FRAMES', 'NUMBERS', 'TEXTS', 'any'])
  fc.assert(
    fc.property(all['any']!, (msg) => {
      t.same(codec.decode(codec.encode(msg)), msg)
    }),
    { numRuns: 300 },
  )
  fc.assert(
    fc.property(arbs.mutate(fc), (m) => {
      const code = codeOf(() => codec.decode(m.frames))
      if (m.invalid && code === 'no error') throw new Error(`${m.mutation} accepted`)
    }),
    { numRuns: 1000 },
  )
})
