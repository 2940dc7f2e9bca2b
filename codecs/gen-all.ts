// `npm run gen` regenerates codecs/generated/ from codecs/models/*.xml, and the generator's test fixture
// (test/codecs/fixtures/generated/, committed so tsc checks the output of every field type);
// `npm run gen:check` (CI) exits 1 if any committed generated file differs from fresh output, is missing,
// or is left over.
import { fileURLToPath } from 'node:url'
import { ModelError } from './generator/model-error.ts'
import { modelsIn, syncGenerated } from './generator/sync.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const check = process.argv.includes('--check')
const TARGETS = [
  { models: modelsIn(`${root}codecs/models`), out: 'codecs/generated', runtimeModule: '../runtime/index.ts' },
  { models: [`${root}test/codecs/fixtures/all_types.xml`, `${root}test/codecs/fixtures/tricky_names.xml`], out: 'test/codecs/fixtures/generated', runtimeModule: '../../../../codecs/runtime/index.ts' },
]

try {
  let problems = 0
  for (const target of TARGETS) {
    const r = syncGenerated(target.models, root + target.out, { check, runtimeModule: target.runtimeModule })
    for (const f of r.written) console.log(`wrote ${target.out}/${f}`)
    for (const p of r.problems) console.error(`${target.out}: ${p}`)
    problems += r.problems.length
  }
  if (check) console.error(problems ? `gen:check: ${problems} problem(s); run npm run gen and commit` : 'gen:check: generated codecs are up to date')
  process.exitCode = problems ? 1 : 0
} catch (err) {
  if (!(err instanceof ModelError)) throw err
  console.error(err.message)
  process.exitCode = 1
}
