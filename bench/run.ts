// `npm run bench [name...]`: builds the package (the benches time dist/, what users install; see
// built.ts), then runs bench/<name>.bench.ts files one after another (all of them by default).
import { readdirSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const dir = fileURLToPath(new URL('.', import.meta.url))
const all = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort()
const wanted = process.argv.slice(2)
const chosen = wanted.length ? all.filter((f) => wanted.some((w) => f.startsWith(w))) : all
const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' })
if (build.status !== 0) {
  console.error('bench: the build failed; nothing measured')
  process.exit(1)
}
let failed = 0
for (const file of chosen) {
  console.log(`\n=== ${file} ===`)
  const r = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${file}`], { stdio: 'inherit' })
  if (r.status !== 0) failed++
}
process.exitCode = failed ? 1 : 0
