// `npm run gen` regenerates codecs/generated/ from codecs/models/*.xml; `npm run gen:check` (CI) exits 1
// if any committed generated file differs from fresh output, is missing, or is left over.
import { fileURLToPath } from 'node:url'
import { ModelError } from './generator/model-error.ts'
import { syncGenerated } from './generator/sync.ts'

const here = fileURLToPath(new URL('.', import.meta.url))
const check = process.argv.includes('--check')

try {
  const { written, problems } = syncGenerated(`${here}models`, `${here}generated`, { check, errorModule: '../codec-error.ts' })
  for (const f of written) console.log(`wrote codecs/generated/${f}`)
  for (const p of problems) console.error(`codecs/generated: ${p}`)
  if (check) console.error(problems.length ? `gen:check: ${problems.length} problem(s); run npm run gen and commit` : 'gen:check: generated codecs are up to date')
  process.exitCode = problems.length ? 1 : 0
} catch (err) {
  if (!(err instanceof ModelError)) throw err
  console.error(err.message)
  process.exitCode = 1
}
