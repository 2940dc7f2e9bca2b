// ZRE codec throughput: the generated codec (codecs/generated/zre-msg.ts, as built in dist/)
// against the hand-written codec of the zyre.js npm package, same messages, same run. Prints
// ops/s and ratios; never gates anything.
//   npm run bench codec   (node --import tsx bench/codec.bench.ts [--rounds 5] [--ms 400] times
//   whatever dist/ holds: build first)
import Module, { createRequire } from 'node:module'
import { parseArgs } from 'node:util'
import type { Hello, Shout } from '../codecs/generated/zre-msg.ts'
import { loadCodecs } from './built.ts'

const { decode, encode } = (await loadCodecs()).zreMsg
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, ms: { type: 'string', default: '400' } } })
const rounds = Number(values.rounds)
const budgetMs = Number(values.ms)

// zyre.js' zre_msg.js requires 'zeromq' (v5 API) at load time; point it at zeromq v6's v5-compat layer.
const M = Module as unknown as { _resolveFilename(req: string, ...rest: unknown[]): string }
const resolve = M._resolveFilename
M._resolveFilename = function (req: string, ...rest: unknown[]) {
  return resolve.call(this, req === 'zeromq' ? 'zeromq/v5-compat' : req, ...rest)
}
const require = createRequire(import.meta.url)
interface JsZreMsg {
  toBuffer(): Buffer
}
const JsZreMsg = require('zyre.js/lib/zre_msg.js') as {
  new (cmd: number, opts: Record<string, unknown>): JsZreMsg
  read(buf: Buffer, frame?: Buffer): JsZreMsg | undefined
  HELLO: number
  SHOUT: number
}
M._resolveFilename = resolve

const hello: Hello = {
  type: 'HELLO',
  sequence: 1,
  endpoint: 'tcp://192.168.55.122:49153',
  groups: ['GLOBAL', 'CHAT', 'sensors/kitchen'],
  status: 3,
  name: 'node-1f3a',
  headers: new Map([
    ['X-ZRELOG', 'tcp://192.168.1.122:9992'],
    ['X-HELLO', 'World'],
  ]),
}
const payload = Buffer.from('hello from node-1f3a: some application payload of moderate size')
const shout: Shout = { type: 'SHOUT', sequence: 42, group: 'CHAT', content: [payload] }
const jsHelloOpts = { ...hello, headers: Object.fromEntries(hello.headers) }
const jsShoutOpts = { sequence: 42, group: 'CHAT', content: payload }

// The two codecs must agree on the bytes, or the comparison is meaningless.
const ours = { hello: encode(hello), shout: encode(shout) }
const theirs = { hello: new JsZreMsg(JsZreMsg.HELLO, jsHelloOpts).toBuffer(), shout: new JsZreMsg(JsZreMsg.SHOUT, jsShoutOpts).toBuffer() }
if (!ours.hello[0]!.equals(theirs.hello) || !ours.shout[0]!.equals(theirs.shout)) throw new Error('zyre.js and zyre-ts encode differently')
if (JsZreMsg.read(theirs.hello) === undefined) throw new Error('zyre.js cannot read its own HELLO')

let sink = 0
function opsPerSec(fn: () => number): number {
  // calibrate a batch size of roughly 5 ms, then run batches until the budget is used
  let batch = 1
  for (;;) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < batch; i++) sink += fn()
    if (Number(process.hrtime.bigint() - t0) > 5e6) break
    batch *= 2
  }
  let ops = 0
  const start = process.hrtime.bigint()
  let elapsed = 0
  while (elapsed < budgetMs * 1e6) {
    for (let i = 0; i < batch; i++) sink += fn()
    ops += batch
    elapsed = Number(process.hrtime.bigint() - start)
  }
  return (ops / elapsed) * 1e9
}

const cases: [string, () => number, () => number][] = [
  ['encode HELLO', () => encode(hello)[0]!.length, () => new JsZreMsg(JsZreMsg.HELLO, jsHelloOpts).toBuffer().length],
  ['decode HELLO', () => (decode(ours.hello) as Hello).status, () => (JsZreMsg.read(theirs.hello) as unknown as { status: number }).status],
  ['encode SHOUT', () => encode(shout).length, () => new JsZreMsg(JsZreMsg.SHOUT, jsShoutOpts).toBuffer().length],
  ['decode SHOUT', () => (decode(ours.shout) as Shout).sequence, () => (JsZreMsg.read(theirs.shout, payload) as unknown as { sequence: number }).sequence],
]

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!
const results = cases.map(([name]) => ({ name, ours: [] as number[], theirs: [] as number[] }))
for (let r = 0; r < rounds; r++) {
  cases.forEach(([, a, b], i) => {
    results[i]!.ours.push(opsPerSec(a))
    results[i]!.theirs.push(opsPerSec(b))
  })
}
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(12)
console.log(`node ${process.version}, ${rounds} rounds x ${budgetMs} ms per case, median ops/s (min-max ratio over rounds)`)
console.log(`${'case'.padEnd(14)} ${'zyre-ts'.padStart(12)} ${'zyre.js'.padStart(12)}   ratio`)
for (const r of results) {
  const ratios = r.ours.map((o, i) => o / r.theirs[i]!)
  console.log(
    `${r.name.padEnd(14)} ${fmt(median(r.ours))} ${fmt(median(r.theirs))}   ${(median(r.ours) / median(r.theirs)).toFixed(1)}x  (${Math.min(...ratios).toFixed(1)}-${Math.max(...ratios).toFixed(1)})`,
  )
}
if (sink === 42) console.log('')
