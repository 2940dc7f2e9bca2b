// `npm run gen:check` and `zyre gen`: the committed generated codecs match fresh output, check mode catches
// every kind of drift, and the CLI generates, checks and reports model errors with file:line.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { modelsIn, syncGenerated } from '../../codecs/generator/sync.ts'
import { run } from '../../bin/commands/gen.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
const tmp = mkdtempSync(join(tmpdir(), 'zyre-gen-test-'))
t.teardown(() => rmSync(tmp, { recursive: true, force: true }))

// Captures what run() writes to stdout/stderr.
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const o = process.stdout.write.bind(process.stdout)
  const e = process.stderr.write.bind(process.stderr)
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write
  process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write
  try {
    return { code: await run(args), out, err }
  } finally {
    process.stdout.write = o
    process.stderr.write = e
  }
}

t.test('committed generated codecs are up to date (what CI checks)', async (t) => {
  const r = syncGenerated(modelsIn(join(root, 'codecs/models')), join(root, 'codecs/generated'), { check: true, runtimeModule: '../runtime/index.ts' })
  t.same(r.problems, [])
  t.same(r.written, [], 'check mode writes nothing')
  t.same(modelsIn(join(root, 'codecs/models')).map((m) => m.slice(root.length)), ['codecs/models/zgossip_msg.xml', 'codecs/models/zre_log_msg.xml', 'codecs/models/zre_msg.xml'])
  const f = syncGenerated([join(root, 'test/codecs/fixtures/all_types.xml'), join(root, 'test/codecs/fixtures/tricky_names.xml')], join(root, 'test/codecs/fixtures/generated'), { check: true, runtimeModule: '../../../../codecs/runtime/index.ts' })
  t.same(f.problems, [], 'the committed fixture output too')
})

t.test('npm run gen:check exits non-zero on drift', async (t) => {
  const models = join(tmp, 'models')
  const out = join(tmp, 'generated')
  mkdirSync(models)
  copyFileSync(join(root, 'codecs/models/zre_log_msg.xml'), join(models, 'zre_log_msg.xml'))
  const opts = { check: false, runtimeModule: '../runtime/index.ts' }
  const list = modelsIn(models)
  t.same(syncGenerated(list, out, opts).written, ['zre-log-msg.ts', 'zre-log-msg.arbitraries.ts', 'zre-log-msg.md'])
  t.same(syncGenerated(list, out, { ...opts, check: true }).problems, [], 'fresh output matches')
  writeFileSync(join(out, 'zre-log-msg.ts'), readFileSync(join(out, 'zre-log-msg.ts'), 'utf8') + '// edited\n')
  t.same(syncGenerated(list, out, { ...opts, check: true }).problems, ['out of date: zre-log-msg.ts'], 'hand edit caught')
  rmSync(join(out, 'zre-log-msg.md'))
  writeFileSync(join(out, 'stale.ts'), '')
  t.same(syncGenerated(list, out, { ...opts, check: true }).problems, ['out of date: zre-log-msg.ts', 'missing: zre-log-msg.md', 'not generated from any model (remove it): stale.ts'])
  rmSync(join(out, 'stale.ts'))
  syncGenerated(list, out, opts)
  writeFileSync(join(models, 'zre_log_msg.xml'), readFileSync(join(models, 'zre_log_msg.xml'), 'utf8').replace('Free text about the event', 'Free text'))
  t.same(syncGenerated(list, out, { ...opts, check: true }).problems, ['out of date: zre-log-msg.ts', 'out of date: zre-log-msg.md'], 'model change caught')
})

t.test('the gen:check script itself', async (t) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'codecs/gen-all.ts'), '--check'], { encoding: 'utf8', cwd: root })
  t.equal(r.status, 0, r.stderr)
  t.match(r.stderr, /up to date/)
})

t.test('zyre gen through the zyre command dispatcher', async (t) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bin/zyre.ts'), 'gen', '--help'], { encoding: 'utf8', cwd: root })
  t.equal(r.status, 0, r.stderr)
  t.match(r.stdout, /usage: zyre gen <model\.xml>/)
})

t.test('zyre gen', async (t) => {
  const help = await cli(['--help'])
  t.equal(help.code, 0)
  t.match(help.out, /field types: number \(size 1, 2, 4 or 8/)
  t.match(help.out, /<header>/)

  const dir = join(tmp, 'cli')
  const r = await cli([join(root, 'test/codecs/fixtures/all_types.xml'), '--out', dir, '--error-module', 'my-codec-error'])
  t.equal(r.code, 0, r.err)
  for (const f of ['all-types.ts', 'all-types.arbitraries.ts', 'all-types.md']) t.ok(existsSync(join(dir, f)), `wrote ${f}`)
  t.match(readFileSync(join(dir, 'all-types.ts'), 'utf8'), /import \{ CodecError \} from 'my-codec-error'\nimport \{ codecRuntime \} from 'zyre-ts\/codecs'\n/, '--error-module: CodecError from there, the runtime from the package')
  t.match(readFileSync(join(dir, 'all-types.ts'), 'utf8'), /= codecRuntime\.codecErrors\(CodecError\)/, 'and the runtime throws that CodecError')
  t.equal((await cli([join(root, 'test/codecs/fixtures/all_types.xml'), '-o', dir, '--error-module', 'my-codec-error', '--check'])).code, 0, '--check passes on fresh output')
  t.equal((await cli([join(root, 'test/codecs/fixtures/all_types.xml'), '-o', dir, '--check'])).code, 1, '--check fails when output differs')

  const inside = await cli([join(root, 'codecs/models/zre_msg.xml'), '--stdout'])
  t.equal(inside.code, 0)
  t.equal(inside.out, readFileSync(join(root, 'codecs/generated/zre-msg.ts'), 'utf8'), 'default error module is relative inside the package')
  t.match(inside.out, /^import \{ CodecError, codecRuntime \} from '\.\.\/runtime\/index\.ts'$/m)
  const outside = await cli([join(root, 'codecs/models/zre_msg.xml'), '--stdout', '--out', tmp])
  t.match(outside.out, /^import \{ CodecError, codecRuntime \} from 'zyre-ts\/codecs'$/m, "outside the package it imports 'zyre-ts/codecs'")
  const own = await cli([join(root, 'codecs/models/zre_msg.xml'), '--stdout', '--out', tmp, '--runtime-module', './vendor/codec-runtime.js'])
  t.match(own.out, /^import \{ CodecError, codecRuntime \} from '\.\/vendor\/codec-runtime\.js'$/m, '--runtime-module')
  t.match(help.out, /--runtime-module <spec>/)
  t.match(help.out, /--error-module <spec>/)

  const bad = join(tmp, 'bad.xml')
  writeFileSync(bad, '<class name="b">\n<message name="A">\n<field name="n" type="number"/>\n</message>\n</class>\n')
  const e = await cli([bad, '--out', tmp])
  t.equal(e.code, 1)
  t.match(e.err, /bad\.xml:3: number field 'n' needs a size/)
  t.equal((await cli([join(tmp, 'nope.xml')])).code, 1, 'missing model file')
  t.equal((await cli([])).code, 2, 'no model given')
  t.equal((await cli(['a.xml', '--bogus'])).code, 2, 'unknown option')
})
