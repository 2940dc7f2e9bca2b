// The shared codec runtime (codecs/runtime/): text and uint32 helpers at their edges, errors built around
// the class a codec was generated with (`--error-module`), and no run-time dependency on fast-check.
import t from 'tap'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { CodecError, codecRuntime } from '../../codecs/index.ts'
import { generate } from '../../codecs/generator/generate.ts'

const { readText, writeText, readU32, writeU32, codecErrors, formatText, formatFrames } = codecRuntime

t.test('text: hand-copied short ASCII, native for the rest, same bytes as Buffer', async (t) => {
  for (const s of ['', 'a', 'abcdefgh', 'abcdefghi', 'x'.repeat(63), 'x'.repeat(64), 'é', 'ünïcødé', '😀 emoji', 'a\u0000b']) {
    const n = Buffer.byteLength(s)
    const b = Buffer.alloc(n + 4, 0xee)
    writeText(b, s, 2, n)
    t.same(b.subarray(2, 2 + n), Buffer.from(s), `write ${JSON.stringify(s)}`)
    t.equal(b[1], 0xee, 'nothing before')
    t.equal(b[2 + n], 0xee, 'nothing after')
    t.equal(readText(b, 2, 2 + n), s, `read ${JSON.stringify(s)}`)
  }
  t.equal(readText(Buffer.from([0x61, 0xc3, 0x28]), 0, 3), 'a\ufffd(', 'invalid UTF-8 becomes U+FFFD')
})

t.test('uint32: big-endian, full range', async (t) => {
  const b = Buffer.alloc(6)
  for (const v of [0, 1, 0x80, 0x12345678, 0x7fffffff, 0x80000000, 0xffffffff]) {
    writeU32(b, 1, v)
    t.equal(b.readUInt32BE(1), v)
    t.equal(readU32(b, 1), v)
  }
})

t.test('errors carry the class and code they were built with', async (t) => {
  class MyError extends Error {
    constructor(readonly code: string, message: string) {
      super(message)
    }
  }
  const mine = codecErrors(MyError)
  t.throws(() => mine.truncated('m X f', 9), { constructor: MyError, code: 'CODEC_TRUNCATED', message: 'm X f: runs past the end of a 9-byte frame' })
  const ours = codecErrors(CodecError)
  t.throws(() => ours.badSignature('m', Buffer.from([0xaa, 0xa7]), 3), { constructor: CodecError, code: 'CODEC_BAD_SIGNATURE', message: 'm: bad signature aaa7, expected aaa3' })
  t.throws(() => ours.trailingFrames('m X', 3, 1), { code: 'CODEC_TRAILING_FRAMES', message: 'm X: 3 frames, expected 1' })
  t.throws(() => ours.tooLong('m X s', 256), { code: 'CODEC_STRING_TOO_LONG' })
})

t.test('formatters abbreviate', async (t) => {
  t.equal(formatText('x'.repeat(41)), JSON.stringify('x'.repeat(40) + '…'))
  t.equal(formatFrames([Buffer.from([1]), Buffer.alloc(0), Buffer.alloc(0), Buffer.alloc(0), Buffer.alloc(0)]), '[<01>,<>,<>,<>,…5 frames]')
})

t.test('the runtime only imports fast-check types', async (t) => {
  const dir = fileURLToPath(new URL('../../codecs/runtime/', import.meta.url))
  for (const file of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (/from 'fast-check'/.test(line)) t.match(line, /^import type /, `${file}: ${line}`)
    }
  }
})

t.test('a codec generated with --error-module throws that module\'s class, also from the runtime', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'zyre-gen-runtime-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }')
  writeFileSync(join(dir, 'my-error.ts'), 'export class CodecError extends Error {\n  constructor(readonly code: string, message: string) {\n    super(message)\n  }\n}\n')
  const runtimeModule = pathToFileURL(fileURLToPath(new URL('../../codecs/runtime/index.ts', import.meta.url))).href
  const model = fileURLToPath(new URL('fixtures/all_types.xml', import.meta.url))
  for (const [file, text] of generate(model, { runtimeModule, errorModule: './my-error.ts' }).files) writeFileSync(join(dir, file), text)
  const codec = (await import(pathToFileURL(join(dir, 'all-types.ts')).href)) as { decode(f: Buffer[]): unknown }
  const { CodecError: Mine } = (await import(pathToFileURL(join(dir, 'my-error.ts')).href)) as { CodecError: new (...a: never[]) => Error }
  t.throws(() => codec.decode([]), { constructor: Mine, code: 'CODEC_MISSING_FRAME' }, 'thrown in the generated code')
  t.throws(() => codec.decode([Buffer.from([0xaa, 0xaf, 1])]), { constructor: Mine, code: 'CODEC_TRUNCATED' }, 'thrown by the runtime')
})
