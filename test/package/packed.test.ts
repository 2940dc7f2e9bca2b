// The package as npm publishes it works in plain Node: build, pack, install the tarball into an empty
// project (offline: there are no runtime dependencies), then with `node` alone (no tsx, no loader)
// import all three entry points and use them: Push/Pull on loopback, a ZRE HELLO round trip, two
// Zyre nodes that find each other and whisper. The installed `zyre` bin runs, `zyre gen` works
// from the shipped models, and tsc type-checks a consumer against the shipped .d.ts files.
// Loopback only; beacon port 47281.
import t, { type Test } from 'tap'
import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const tsc = join(root, 'node_modules/typescript/bin/tsc')
const PORT = 47281

// Children run with our node first on PATH (so `#!/usr/bin/env node` finds it) and without
// NODE_OPTIONS: tap's process-info hook wraps child_process and puts its loaders there for every
// child, so only `env -u` in front of the command gets a really plain node (and npm, and tsc).
const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` }

function run(cmd: string, args: string[], cwd: string, timeout = 60000): SpawnSyncReturns<string> {
  return spawnSync('env', ['-u', 'NODE_OPTIONS', cmd, ...args], { cwd, env, encoding: 'utf8', timeout })
}
const output = (r: SpawnSyncReturns<string>): string => `exit ${r.status}${r.signal ? ` (${r.signal})` : ''}\n${r.stdout}\n${r.stderr}`
/** The exit status, with the command's whole output in the message only when it failed. */
const exits0 = (t: Test, r: SpawnSyncReturns<string>, what: string): void => {
  t.equal(r.status, 0, r.status === 0 ? what : `${what}: ${output(r)}`)
}

const tmp = mkdtempSync(join(tmpdir(), 'zyre-ts-packed-'))
t.teardown(() => rmSync(tmp, { recursive: true, force: true }))
const project = join(tmp, 'project')
const installed = join(project, 'node_modules/zyre-ts')

t.before(() => {
  try {
    setUp()
  } catch (err) {
    // A failing before() ends the process without teardowns.
    rmSync(tmp, { recursive: true, force: true })
    throw err
  }
})

function setUp(): void {
  // `npm pack` alone would run prepare, whose `tap build` rewrites tap's runtime under node_modules
  // while other test files run; so run prepare's other half ourselves and pack without scripts.
  const build = run('npm', ['run', 'build'], root)
  if (build.status !== 0) throw new Error(`npm run build failed: ${output(build)}`)
  const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], root)
  if (pack.status !== 0) throw new Error(`npm pack failed: ${output(pack)}`)
  const [info] = JSON.parse(pack.stdout) as { filename: string; size: number; unpackedSize: number; entryCount: number }[]
  t.comment(`${info!.filename}: ${info!.size} bytes packed, ${info!.unpackedSize} unpacked, ${info!.entryCount} files`)
  mkdirSync(project)
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
  const install = run('npm', ['install', join(tmp, info!.filename), '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], project)
  if (install.status !== 0) throw new Error(`npm install of the tarball failed: ${output(install)}`)
}

t.test('the tarball holds dist, the models and nothing of the sources or tests', async (t) => {
  const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { dependencies?: object }
  t.equal(pkg.dependencies, undefined, 'no runtime dependencies')
  for (const f of ['dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/zmtp/index.js', 'dist/codecs/index.js', 'dist/bin/zyre.js', 'dist/bin/commands/gen.js', 'codecs/models/zre_msg.xml']) {
    t.ok(existsSync(join(installed, f)), f)
  }
  for (const f of ['lib/index.ts', 'bin/zyre.ts', 'test', 'bench', 'tsconfig.json', 'dist/codecs/gen-all.js']) {
    t.notOk(existsSync(join(installed, f)), `not shipped: ${f}`)
  }
  t.notOk(existsSync(join(project, 'node_modules/fast-check')), 'the optional fast-check peer is not installed')
  t.match(readFileSync(join(installed, 'dist/bin/zyre.js'), 'utf8'), /^#!\/usr\/bin\/env node\n/, 'bin keeps its shebang')
})

const SCRIPT = `
import { Zyre } from 'zyre-ts'
import zmq, { Push, Pull, version } from 'zyre-ts/zmtp'
import { zreMsg } from 'zyre-ts/codecs'
import { encodeGreeting, encodeMessage } from 'zyre-ts/zmtp/codec'
import { Connection, isCompatible } from 'zyre-ts/zmtp/connection'
import { encodeBeacon, decodeBeacon, beaconHasUuid } from 'zyre-ts/beacon'
import { Gossip } from 'zyre-ts/gossip'

setTimeout(() => { console.error('timed out'); process.exit(3) }, 30000).unref()
const out = { execArgv: process.execArgv, nodeOptions: process.env.NODE_OPTIONS ?? null }

const pull = new Pull()
await pull.bind('tcp://127.0.0.1:*')
const push = new Push()
push.connect(pull.lastEndpoint)
await push.send(['hello', Buffer.from([1, 2, 3])])
out.pushPull = { endpoint: pull.lastEndpoint, frames: (await pull.receive()).map((b) => b.toString('hex')) }
push.close()
pull.close()
out.defaultImport = { version, same: zmq.Push === Push && zmq.version === version }

const hello = { type: 'HELLO', sequence: 7, endpoint: 'tcp://127.0.0.1:5670', groups: ['G1', 'G2'], status: 3, name: 'n1', headers: new Map([['X-A', 'b']]) }
const frames = zreMsg.encode(hello)
const back = zreMsg.decode(frames)
out.hello = { hex: frames.map((f) => f.toString('hex')), back: { ...back, headers: [...back.headers] } }

const uuid = Buffer.alloc(16, 0xab)
const beacon = encodeBeacon({ uuid, port: 4242 })
out.wire = {
  greeting: encodeGreeting({ mechanism: 'NULL', asServer: false }).length,
  message: encodeMessage([Buffer.from('x')]).toString('hex'),
  connection: typeof Connection,
  dealerRouter: isCompatible('DEALER', 'ROUTER'),
  beacon: { port: decodeBeacon(beacon).port, own: beaconHasUuid(beacon, uuid) },
}

const server = new Gossip()
await server.bind('tcp://127.0.0.1:*')
const client = new Gossip()
client.connect(server.endpoint)
client.publish('k', 'v')
out.gossip = await new Promise((resolve) => server.once('tuple', (key, value) => resolve([key, value])))
await client.close()
await server.close()

const opts = { interface: 'lo', port: ${PORT}, interval: 100, evasiveTimeout: 200, expiredTimeout: 1000 }
const a = new Zyre({ ...opts, name: 'pa' })
const b = new Zyre({ ...opts, name: 'pb' })
const next = (z, pred) => new Promise((resolve) => {
  const f = (e) => { if (pred(e)) { z.off('event', f); resolve(e) } }
  z.on('event', f)
})
const aSeesB = next(a, (e) => e.type === 'ENTER' && e.name === 'pb')
const bSeesA = next(b, (e) => e.type === 'ENTER' && e.name === 'pa')
await a.start()
await b.start()
const enter = await aSeesB
await bSeesA
const whispered = next(b, (e) => e.type === 'WHISPER')
await a.whisper(enter.peer, 'hi from pa')
const w = await whispered
out.zyre = { enter: { name: enter.name, peer: enter.peer, address: enter.address }, bUuid: b.uuid, whisper: { name: w.name, peer: w.peer, aUuid: a.uuid, content: w.content.map(String) } }
await a.stop()
await b.stop()
console.log(JSON.stringify(out))
`

t.test('plain node imports zyre-ts, zyre-ts/zmtp and zyre-ts/codecs and uses them', async (t) => {
  writeFileSync(join(project, 'use.mjs'), SCRIPT)
  const r = run(process.execPath, ['use.mjs'], project, 40000)
  exits0(t, r, 'plain node runs the script')
  const out = JSON.parse(r.stdout) as Record<string, any>
  t.same(out.execArgv, [], 'no loader flags')
  t.equal(out.nodeOptions, null, 'no NODE_OPTIONS')
  t.match(out.pushPull.endpoint, /^tcp:\/\/127\.0\.0\.1:\d+$/)
  t.same(out.pushPull.frames, [Buffer.from('hello').toString('hex'), '010203'], 'Push/Pull round trip')
  t.same(out.defaultImport, { version: '4.3.5', same: true }, 'the default import has the named exports, as zeromq.js\' has')
  t.match(out.hello.hex[0], /^aaa10102/, 'HELLO frame: signature aaa1, id 1, version 2')
  t.same(out.hello.back, { type: 'HELLO', sequence: 7, endpoint: 'tcp://127.0.0.1:5670', groups: ['G1', 'G2'], status: 3, name: 'n1', headers: [['X-A', 'b']] }, 'HELLO decodes to what was encoded')
  t.same(out.wire, { greeting: 64, message: '000178', connection: 'function', dealerRouter: true, beacon: { port: 4242, own: true } }, 'the wire and beacon entry points')
  t.same(out.gossip, ['k', 'v'], 'zyre-ts/gossip: a tuple from a client reaches the server')
  t.equal(out.zyre.enter.peer, out.zyre.bUuid, 'a saw b ENTER')
  t.match(out.zyre.enter.address, /^tcp:\/\/127\.0\.0\.1:\d+$/)
  t.same(out.zyre.whisper, { name: 'pa', peer: out.zyre.whisper.aUuid, aUuid: out.zyre.whisper.aUuid, content: ['hi from pa'] }, 'b got the whisper from a')
})

t.test('the installed zyre bin runs and generates a codec from a shipped model', async (t) => {
  const zyre = join(project, 'node_modules/.bin/zyre')
  const help = run(zyre, ['--help'], project)
  exits0(t, help, 'zyre --help exits 0')
  t.match(help.stderr, /usage: zyre <command>/)
  const gen = run(zyre, ['gen', join(installed, 'codecs/models/zre_msg.xml'), '--out', join(project, 'gen')], project)
  exits0(t, gen, 'zyre gen exits 0')
  const codec = readFileSync(join(project, 'gen/zre-msg.ts'), 'utf8')
  t.match(codec, /from 'zyre-ts\/codecs'/, 'the generated codec imports CodecError and the codec runtime from the package')
  t.equal(codec, readFileSync(join(root, 'codecs/generated/zre-msg.ts'), 'utf8').replace("'../runtime/index.ts'", "'zyre-ts/codecs'"), 'same codec as the committed one')
  t.ok(existsSync(join(project, 'gen/zre-msg.arbitraries.ts')) && existsSync(join(project, 'gen/zre-msg.md')))
})

const CONSUMER = `
import { Zyre, type ZyreEvent, type ZyreOptions } from 'zyre-ts'
import zmq, { Push, Pull, type SocketOptions } from 'zyre-ts/zmtp'
import { zreMsg, CodecError, generate, type Model } from 'zyre-ts/codecs'

const options: ZyreOptions = { name: 'x', interface: 'lo', port: ${PORT} }
const zyre: Zyre = new Zyre(options)
const kind = (e: ZyreEvent): string => (e.type === 'WHISPER' ? e.content[0]!.toString() : e.type)
const frames: Buffer[] = zreMsg.encode({ type: 'PING', sequence: 1 })
const push: Push = new Push({} satisfies SocketOptions)
// @ts-expect-error a message type the model does not have (proves the types are real, not any)
zreMsg.encode({ type: 'NOPE', sequence: 1 })
const dealer: InstanceType<typeof zmq.Dealer> = new zmq.Dealer({ linger: 0 })
const libzmqVersion: string = zmq.version
export { zyre, kind, frames, push, Pull, CodecError, generate, type Model, dealer, libzmqVersion }
`

t.test('tsc type-checks a consumer against the installed types', async (t) => {
  writeFileSync(join(project, 'consumer.ts'), CONSUMER)
  const config = (files: string[], skipLibCheck: boolean) =>
    JSON.stringify({
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        strict: true,
        noEmit: true,
        skipLibCheck,
        allowImportingTsExtensions: true,
        types: ['node'],
        typeRoots: [join(root, 'node_modules/@types')],
      },
      files,
    })
  // Without fast-check (an optional peer used only by the arbitraries' types), as most users have it.
  writeFileSync(join(project, 'tsconfig.json'), config(['consumer.ts'], true))
  const lax = run(process.execPath, [tsc, '-p', 'tsconfig.json'], project)
  exits0(t, lax, 'without fast-check, skipLibCheck')
  // Every shipped .d.ts checked, and the codec `zyre gen` wrote, with fast-check present.
  symlinkSync(join(root, 'node_modules/fast-check'), join(project, 'node_modules/fast-check'), 'dir')
  const files = ['consumer.ts', 'gen/zre-msg.ts', 'gen/zre-msg.arbitraries.ts'].filter((f) => existsSync(join(project, f)))
  writeFileSync(join(project, 'tsconfig.json'), config(files, false))
  const strict = run(process.execPath, [tsc, '-p', 'tsconfig.json'], project)
  exits0(t, strict, 'with fast-check, every .d.ts checked')
  t.equal(files.length, 3, 'the generated codec was type-checked too')
})
