// One benchmark scenario for one implementation, in a fresh process so memory and event-loop
// load are measured alone: `worker.ts <impl> <scenario> <n> <port>`; prints one JSON line.
import { createNode, type BenchNode, type Impl } from './adapters.ts'

const [impl, scenario, nArg, portArg] = process.argv.slice(2) as [Impl, string, string, string]
const n = Number(nArg)
const port = Number(portArg)
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined)

/**
 * Prints the result as soon as it is measured, before the nodes stop: libzmq under zyre.js
 * sometimes aborts on an assertion while 50 nodes shut down, after the figure is known.
 */
function report(result: Record<string, number>): Record<string, number> {
  process.stdout.write(JSON.stringify(result) + '\n')
  return result
}

function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (cond()) return resolve()
      if (Date.now() > deadline) return reject(new Error(`timed out: ${what}`))
      setTimeout(tick, 2)
    }
    tick()
  })
}

async function nodes(count: number): Promise<{ all: BenchNode[]; seen: Set<string>[] }> {
  const all = Array.from({ length: count }, (_, i) => createNode(impl, port, `b${i}`))
  const seen = all.map((node) => {
    const s = new Set<string>()
    node.onEnter((p) => s.add(p))
    return s
  })
  return { all, seen }
}

async function mesh(): Promise<Record<string, number>> {
  gc()
  const before = process.memoryUsage()
  const { all, seen } = await nodes(n)
  const t0 = performance.now()
  // One after another: zyre.js probes for a free mailbox port and cannot start nodes concurrently.
  for (const x of all) await x.start()
  await until(() => seen.every((s) => s.size === n - 1), 120_000, 'full mesh')
  const ms = performance.now() - t0
  await new Promise((r) => setTimeout(r, 500))
  gc()
  const after = process.memoryUsage()
  const result = report({ meshMs: ms, heapPerNodeKiB: (after.heapUsed - before.heapUsed) / n / 1024, rssPerNodeKiB: (after.rss - before.rss) / n / 1024 })
  await Promise.all(all.map((x) => x.stop()))
  return result
}

async function whisperRoundTrips(): Promise<Record<string, number>> {
  const { all, seen } = await nodes(2)
  const [a, b] = all as [BenchNode, BenchNode]
  for (const x of all) await x.start()
  await until(() => seen[0]!.size === 1 && seen[1]!.size === 1, 30_000, 'two nodes')
  const payload = Buffer.from('ping')
  b.onWhisper((p, m) => void b.whisper(p, m))
  let trips = 0
  let done = false
  let resolveEnd!: () => void
  const end = new Promise<void>((r) => (resolveEnd = r))
  a.onWhisper(() => {
    trips++
    if (done) resolveEnd()
    else void a.whisper(b.id, payload)
  })
  const t0 = performance.now()
  void a.whisper(b.id, payload)
  await new Promise((r) => setTimeout(r, 3000))
  done = true
  await end
  const result = report({ roundTripsPerSec: trips / ((performance.now() - t0) / 1000) })
  await Promise.all(all.map((x) => x.stop()))
  return result
}

async function shoutFanOut(): Promise<Record<string, number>> {
  const receivers = n
  const { all, seen } = await nodes(receivers + 1)
  const sender = all[0]!
  for (const x of all) await x.start()
  await until(() => seen.every((s) => s.size === receivers), 60_000, 'mesh')
  let joined = 0
  sender.onJoin((_p, g) => g === 'FAN' && joined++)
  for (const r of all.slice(1)) r.join('FAN')
  await until(() => joined === receivers, 30_000, 'joins')
  let delivered = 0
  for (const r of all.slice(1)) r.onShout(() => delivered++)
  const messages = 20_000
  const payload = Buffer.alloc(64, 1)
  const t0 = performance.now()
  for (let i = 0; i < messages; i++) {
    const p = sender.shout('FAN', payload)
    // Ours reports queueing with a promise: wait every so often so the queue stays bounded.
    if (p && i % 100 === 99) await p
  }
  await until(() => delivered === messages * receivers, 120_000, `deliveries (${delivered})`)
  const result = report({ deliveredPerSec: delivered / ((performance.now() - t0) / 1000) })
  await Promise.all(all.map((x) => x.stop()))
  return result
}

const scenarios: Record<string, () => Promise<Record<string, number>>> = { mesh, whisper: whisperRoundTrips, shout: shoutFanOut }
await scenarios[scenario]!()
process.exit(0)
