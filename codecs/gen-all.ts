// `npm run gen` regenerates codecs/generated/ from codecs/models/*.xml; `npm run gen:check` (CI) exits 1
// if any committed generated file differs from fresh output, is missing, or is left over.
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { generate } from './generator/generate.ts'
import { ModelError } from './generator/model-error.ts'

const here = fileURLToPath(new URL('.', import.meta.url))
const modelsDir = `${here}models/`
const outDir = `${here}generated/`
const check = process.argv.includes('--check')

const expected = new Map<string, string>()
try {
  for (const name of readdirSync(modelsDir).filter((f) => f.endsWith('.xml')).sort()) {
    for (const [file, text] of generate(modelsDir + name, { errorModule: '../codec-error.ts' }).files) expected.set(file, text)
  }
} catch (err) {
  if (!(err instanceof ModelError)) throw err
  console.error(err.message)
  process.exit(1)
}

let problems = 0
mkdirSync(outDir, { recursive: true })
for (const [file, text] of expected) {
  const path = outDir + file
  const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined
  if (current === text) continue
  if (check) {
    console.error(`${current === undefined ? 'missing' : 'out of date'}: codecs/generated/${file}`)
    problems++
  } else {
    writeFileSync(path, text)
    console.log(`wrote codecs/generated/${file}`)
  }
}
for (const file of readdirSync(outDir)) {
  if (!expected.has(file)) {
    console.error(`not generated from any model (remove it): codecs/generated/${file}`)
    problems++
  }
}
if (check) console.error(problems ? `gen:check: ${problems} problem(s); run npm run gen and commit` : 'gen:check: generated codecs are up to date')
process.exitCode = problems ? 1 : 0
