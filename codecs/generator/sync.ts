// Keeps a directory of generated files in step with a directory of models: writes what changed, or in check
// mode only reports differences, missing files and leftovers (what `npm run gen` / `gen:check` do).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generate } from './generate.ts'

export interface SyncResult {
  written: string[]
  /** Human-readable problems found in check mode (empty when everything is up to date). */
  problems: string[]
}

/** The models of a directory: every *.xml file in it (fragments that are only included live elsewhere). */
export function modelsIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => join(dir, f))
}

export function syncGenerated(models: string[], outDir: string, opts: { check: boolean; runtimeModule: string }): SyncResult {
  const expected = new Map<string, string>()
  for (const model of models) {
    for (const [file, text] of generate(model, { runtimeModule: opts.runtimeModule }).files) {
      if (expected.has(file)) throw new Error(`two models generate ${file}`)
      expected.set(file, text)
    }
  }
  const result: SyncResult = { written: [], problems: [] }
  if (!opts.check) mkdirSync(outDir, { recursive: true })
  for (const [file, text] of expected) {
    const path = join(outDir, file)
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined
    if (current === text) continue
    if (opts.check) result.problems.push(`${current === undefined ? 'missing' : 'out of date'}: ${file}`)
    else {
      writeFileSync(path, text)
      result.written.push(file)
    }
  }
  const present = existsSync(outDir) ? readdirSync(outDir) : []
  for (const file of present) if (!expected.has(file)) result.problems.push(`not generated from any model (remove it): ${file}`)
  return result
}
