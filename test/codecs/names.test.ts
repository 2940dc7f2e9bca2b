// Model names that collide with what the generator itself writes: locals of the emitted functions (end, f, p,
// b, frames, msg, i, n, k, ...), its helpers (text, put, u32, ...), length/count variables of other fields
// ("name" and "name len"), and type names (fixtures/tricky_names.xml; its committed output is type-checked by
// tsc). The generated module must run and round-trip anyway, and message names that would shadow its own
// types or globals are refused.
import t from 'tap'
import fc from 'fast-check'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { generateFromModel } from '../../codecs/generator/generate.ts'
import { ModelError } from '../../codecs/generator/model-error.ts'
import { parseModel } from '../../codecs/generator/model-reader.ts'

const source = readFileSync(new URL('fixtures/tricky_names.xml', import.meta.url), 'utf8')
const dir = mkdtempSync(join(tmpdir(), 'zyre-gen-names-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const runtimeModule = pathToFileURL(fileURLToPath(new URL('../../codecs/runtime/index.ts', import.meta.url))).href
const out = generateFromModel(parseModel(source, join(dir, 'tricky_names.xml')), 'tricky_names.xml', { runtimeModule })
writeFileSync(join(dir, 'package.json'), '{ "type": "module" }')
for (const [file, text] of out.files) writeFileSync(join(dir, file), text)

t.test('fields named like generated locals and helpers round-trip', async (t) => {
  const codec = (await import(pathToFileURL(join(dir, 'tricky-names.ts')).href)) as { encode(m: unknown): Buffer[]; decode(f: Buffer[]): unknown }
  const arbs = (await import(pathToFileURL(join(dir, 'tricky-names.arbitraries.ts')).href)) as { arbitraries(f: typeof fc): { any: fc.Arbitrary<unknown> } }
  let n = 0
  fc.assert(
    fc.property(arbs.arbitraries(fc).any, (m) => {
      t.same(codec.decode(codec.encode(m)), m)
      n++
    }),
    { numRuns: 200 },
  )
  t.equal(n, 200)
})

t.test('message names that would shadow generated types or globals are refused', async (t) => {
  for (const [name, type] of [['tricky', 'Tricky'], ['TRICKY-ID', 'TrickyId'], ['map', 'Map'], ['buffer', 'Buffer'], ['codec error', 'CodecError'], ['record', 'Record']]) {
    try {
      parseModel(`<class name="tricky">\n<message name="${name}"/>\n</class>`, 'x.xml')
      t.fail(`${name} accepted`)
    } catch (err) {
      if (!(err instanceof ModelError)) throw err
      t.match(err.message, new RegExp(`^x\\.xml:2: message name '${name}' would make the type ${type}`))
    }
  }
})
