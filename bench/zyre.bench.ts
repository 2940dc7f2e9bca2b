// Zyre benchmark: zyre-ts against zyre.js, side by side in one run, each scenario in a fresh
// process on loopback: time for N nodes to all see each other (N = 10, 50) with memory per
// node, whisper round trips per second between two nodes, shout fan-out deliveries per second
// to 10 peers. Each figure is the median of ROUNDS runs per implementation, the two alternating
// (one mesh run of either varies by up to 1.5x on this 2-core machine). Prints a table with
// ratios (higher is better for zyre-ts unless noted).
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const worker = fileURLToPath(new URL('./zyre/worker.ts', import.meta.url))
let nextPort = 48100 + Math.floor(Math.random() * 500) * 2

function run(impl: string, scenario: string, n: number): Record<string, number> {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', worker, impl, scenario, String(n), String(nextPort++)], {
    encoding: 'utf8',
    timeout: 300_000,
  })
  // The result line comes before the nodes stop: a crash while stopping does not lose it.
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'))
  if (!line) throw new Error(`${impl} ${scenario} ${n} failed: ${r.stderr.slice(-2000)}`)
  if (r.status !== 0) console.error(`(${impl} ${scenario} ${n}: exited with ${r.status ?? r.signal} while stopping, after its result)`)
  return JSON.parse(line) as Record<string, number>
}

const ROUNDS = 5

/** `ROUNDS` alternating runs of each implementation; every figure is the median of its runs. */
function runRounds(scenario: string, n: number): Record<string, Record<string, number>> {
  const ours: Record<string, number>[] = []
  const theirs: Record<string, number>[] = []
  for (let i = 0; i < ROUNDS; i++) {
    ours.push(run('zyre-ts', scenario, n))
    theirs.push(run('zyre.js', scenario, n))
  }
  return { ours: medians(ours), theirs: medians(theirs) }
}

function medians(runs: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const key of Object.keys(runs[0]!)) {
    const sorted = runs.map((r) => r[key]!).sort((a, b) => a - b)
    out[key] = sorted[(sorted.length - 1) >> 1]!
  }
  return out
}

interface Row {
  what: string
  ours: number
  theirs: number
  unit: string
  lowerIsBetter: boolean
}

const rows: Row[] = []
const add = (what: string, key: string, scenario: string, n: number, unit: string, lowerIsBetter: boolean, results?: Record<string, Record<string, number>>): void => {
  const r = results ?? runRounds(scenario, n)
  rows.push({ what, ours: r.ours![key]!, theirs: r.theirs![key]!, unit, lowerIsBetter })
}

for (const n of [10, 50]) {
  const results = runRounds('mesh', n)
  add(`${n} nodes: all see all`, 'meshMs', 'mesh', n, 'ms', true, results)
  add(`${n} nodes: memory (RSS) per node`, 'rssPerNodeKiB', 'mesh', n, 'KiB', true, results)
  add(`${n} nodes: JS heap per node (see note)`, 'heapPerNodeKiB', 'mesh', n, 'KiB', true, results)
}
add('whisper round trips (2 nodes)', 'roundTripsPerSec', 'whisper', 2, '/s', false)
add('shout fan-out to 10 peers', 'deliveredPerSec', 'shout', 10, 'msg/s', false)

const fmt = (v: number): string => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1))
console.log(`Zyre: zyre-ts vs zyre.js 1.3.0 (on zeromq.js 6.8.0 v5-compat), Node ${process.version}, loopback, median of ${ROUNDS} runs each`)
console.log(`| scenario | zyre-ts | zyre.js | unit | zyre-ts advantage |`)
console.log(`|---|---:|---:|---|---:|`)
for (const r of rows) {
  const ratio = r.lowerIsBetter ? r.theirs / r.ours : r.ours / r.theirs
  console.log(`| ${r.what} | ${fmt(r.ours)} | ${fmt(r.theirs)} | ${r.unit} | ${ratio.toFixed(2)}× |`)
}
console.log(
  '\nMemory per node is the growth of the process RSS divided by the nodes. The JS heap row is not a like-for-like\n' +
    "figure: zyre.js keeps its sockets and their buffers inside libzmq (native memory, in the RSS), ours live on the heap.",
)
