// Every TypeScript example in README.md that imports this package runs as written (imports pointed
// at the source) and exits 0, so the documentation cannot drift from the API. Examples only use
// loopback; the Zyre examples pin their own beacon ports (47391, 47392; 47393 for gossip, never sent on).
import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const entries: Record<string, string> = {
  'zyre-ts': 'lib/index.ts',
  'zyre-ts/zmtp': 'zmtp/index.ts',
  'zyre-ts/codecs': 'codecs/index.ts',
  'zyre-ts/gossip': 'lib/gossip/index.ts',
}

interface Example {
  line: number
  heading: string
  code: string
}

function examples(markdown: string): Example[] {
  const found: Example[] = []
  const lines = markdown.split('\n')
  let heading = ''
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!
    if (l.startsWith('#')) heading = l.replace(/^#+\s*/, '')
    if (l !== '```ts') continue
    const start = i + 1
    while (i + 1 < lines.length && lines[i + 1] !== '```') i++
    const code = lines.slice(start, i + 1).join('\n')
    if (/from 'zyre-ts(\/\w+)?'/.test(code)) found.push({ line: start, heading, code })
    i++
  }
  return found
}

function runnable(code: string): string {
  return code.replace(/from '(zyre-ts(?:\/\w+)?)'/g, (_, spec: string) => {
    const target = entries[spec]
    if (!target) throw new Error(`unknown import ${spec}`)
    return `from '${pathToFileURL(join(root, target)).href}'`
  })
}

function run(file: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

const readme = readFileSync(join(root, 'README.md'), 'utf8')
const found = examples(readme)
const dir = mkdtempSync(join(tmpdir(), 'zyre-ts-readme-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

t.ok(found.length >= 7, `README has its examples (${found.length})`)
for (const [i, ex] of found.entries()) {
  t.test(`README line ${ex.line} (${ex.heading})`, async (t) => {
    const file = join(dir, `example-${i}.mts`)
    writeFileSync(file, runnable(ex.code))
    const { code, output } = await run(file)
    t.equal(code, 0, output)
    // The comments in the examples show what they print: check the ones that name a value.
    for (const [, expected] of ex.code.matchAll(/\/\/ (echo hello|weather\.paris 18C|worker-1 ready|EHOSTUNREACH|CODEC_UNKNOWN_ID|let me in)\b/g)) {
      t.ok(output.includes(expected!), `prints "${expected}"`)
    }
  })
}
