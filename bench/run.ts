// `npm run bench [name...]`: runs bench/<name>.bench.ts files one after another (all of them by default).
import { readdirSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const dir = fileURLToPath(new URL('.', import.meta.url))
const all = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort()
const wanted = process.argv.slice(2)
const chosen = wanted.length ? all.filter((f) => wanted.some((w) => f.startsWith(w))) : all
let failed = 0
for (const file of chosen) {
  console.log(`\n=== ${file} ===`)
  const r = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${file}`], { stdio: 'inherit' })
  if (r.status !== 0) failed++
}
process.exitCode = failed ? 1 : 0
