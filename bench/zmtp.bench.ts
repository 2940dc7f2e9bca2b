// ZMTP benchmark: our pure-TypeScript sockets against zeromq.js (libzmq) in the same run, same
// harness, loopback TCP (and two inproc rows, two raw-TCP STREAM rows), `await send()` per message, sender and receiver in this process (and the
// PUSH/PULL rows again with the receiver in a worker thread, zmtp/cross-thread.ts).
// Prints msg/s and MB/s for PUSH/PULL and DEALER->ROUTER (the median of three alternating rounds
// per stack: one 64 KiB round on this 2-core machine varies by up to 2x), REQ/REP round-trip
// p50/p99, ratios, and below the table what a plain net.Socket pair with Node's default reads moves.
import { readFileSync } from 'node:fs'
import * as os from 'node:os'
import { pushPullAcrossThreads } from './zmtp/cross-thread.ts'
import { dealerRouter, inprocEndpoint, pushPull, reqRep, streamBytes, type Throughput } from './zmtp/harness.ts'
import { rawTcp } from './zmtp/raw-tcp.ts'
import { loadCurveStack, loadStack, type NamedStack } from './zmtp/stacks.ts'

const quick = process.argv.includes('--quick')
const scale = quick ? 0.1 : 1

const oursStack = await loadStack('zyre-ts')
const zmqStack = await loadStack('zeromq.js')

const rows: string[][] = []
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

/** Rounds per throughput row, the stacks alternating; each side's median is reported. */
const ROUNDS = quick ? 1 : 3

function median(xs: Throughput[]): Throughput {
  const sorted = [...xs].sort((x, y) => x.msgPerSec - y.msgPerSec)
  return sorted[(sorted.length - 1) >> 1]!
}

async function throughputRow(label: string, run: (s: NamedStack) => Promise<Throughput>, stacks = [oursStack, zmqStack]): Promise<void> {
  const ourRuns: Throughput[] = []
  const zmqRuns: Throughput[] = []
  for (let i = 0; i < ROUNDS; i++) {
    ourRuns.push(await run(stacks[0]!))
    zmqRuns.push(await run(stacks[1]!))
  }
  const a = median(ourRuns)
  const b = median(zmqRuns)
  rows.push([label, `${fmt(a.msgPerSec)} msg/s, ${fmt(a.mbPerSec, 1)} MB/s`, `${fmt(b.msgPerSec)} msg/s, ${fmt(b.mbPerSec, 1)} MB/s`, `${fmt(a.msgPerSec / b.msgPerSec, 2)}x`])
}

// One untimed PUSH->PULL pass per stack before the table, so that no row times a cold process:
// our first 16 B row ran at ~2.0 M msg/s in a fresh process and ~3.0 M after one such pass
// (zeromq.js: unchanged within noise).
for (const s of [oursStack, zmqStack]) await pushPull(s, 16, Math.round(200_000 * scale))

const sizes: [string, number, number][] = [
  ['16 B', 16, 200_000],
  ['256 B', 256, 200_000],
  ['4 KiB', 4096, 100_000],
  ['64 KiB', 65536, 10_000],
]
for (const [label, size, count] of sizes) {
  await throughputRow(`PUSH->PULL ${label}`, (s) => pushPull(s, size, Math.round(count * scale)))
}
// Reference for the 64 KiB row, measured right after it: a plain net.Socket pair as Node reads by
// default (a fresh 64 KiB buffer per read, 'data' events), no ZMTP.
const rawMb = await rawTcp(65536, Math.round(10_000 * scale))
// The same PUSH->PULL rows with the receiver in a worker thread: a thread per side for both stacks.
for (const [label, size, count] of sizes) {
  await throughputRow(`PUSH->PULL ${label}, receiver in a worker`, (s) => pushPullAcrossThreads(s.name, size, Math.round(count * scale)))
}
// inproc:// on both stacks: sockets of one thread through memory (libzmq passes its messages
// between threads without ZMTP; ours run ZMTP over in-memory streams).
for (const [label, size, count] of [sizes[0]!, sizes[3]!]) {
  await throughputRow(`PUSH->PULL ${label}, inproc`, (s) => pushPull(s, size, Math.round(count * scale), inprocEndpoint()))
}
// CURVE on both stacks (every frame encrypted and authenticated; libzmq with libsodium or its
// bundled tweetnacl, ours in TypeScript with X25519 from node:crypto).
const curveStacks = [await loadCurveStack('zyre-ts'), await loadCurveStack('zeromq.js')]
const curveSizes: [string, number, number][] = [
  ['16 B', 16, 100_000],
  ['64 KiB', 65536, 2_000],
]
for (const [label, size, count] of curveSizes) {
  await throughputRow(`PUSH->PULL ${label}, CURVE`, (s) => pushPull(s, size, Math.round(count * scale)), curveStacks)
}
await throughputRow('DEALER->ROUTER 16 B', (s) => dealerRouter(s, 16, Math.round(200_000 * scale)))
// Raw TCP through STREAM sockets at both ends (no ZMTP): what the send and read paths cost alone.
for (const [label, size, count] of [sizes[0]!, sizes[3]!]) {
  await throughputRow(`STREAM->STREAM ${label} (raw TCP)`, (s) => streamBytes(s, size, Math.round(count * scale)))
}
{
  const n = Math.round(10_000 * scale)
  const a = await reqRep(oursStack, 16, n)
  const b = await reqRep(zmqStack, 16, n)
  rows.push(['REQ/REP 16 B round trip', `p50 ${fmt(a.p50)} us, p99 ${fmt(a.p99)} us`, `p50 ${fmt(b.p50)} us, p99 ${fmt(b.p99)} us`, `${fmt(b.p50 / a.p50, 2)}x faster (p50)`])
}

const header = ['benchmark', oursStack.name, zmqStack.name, 'ratio']
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
// The kernel's TCP congestion control shapes the 4 KiB and 64 KiB rows on loopback: under BBR a
// connection is paced at the rate it has measured, see docs/zmtp-wire.md.
const congestion = (() => {
  try {
    return readFileSync('/proc/sys/net/ipv4/tcp_congestion_control', 'utf8').trim()
  } catch {
    return 'unknown'
  }
})()
console.log(`${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, Node ${process.version}, ${os.platform()} ${os.release()}, TCP congestion control ${congestion}`)
console.log(line(header))
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
for (const r of rows) console.log(line(r))
console.log(`reference: plain net.Socket -> net.Socket with Node's default reads, 64 KiB writes, no framing: ${fmt(rawMb, 1)} MB/s`)
