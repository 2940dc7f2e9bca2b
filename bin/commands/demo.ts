// `zyre demo` (what `npm start` runs): several nodes in this process, on loopback only, discover
// each other, join a group, shout and whisper, then one leaves. A live status line shows each
// phase; a summary says how long each took and what was sent and received. Exits 0 on success.
import { parseArgs } from 'node:util'
import { Cluster } from '../../lib/sim/cluster.ts'
import { UsageError, withUsage } from './node-options.ts'

const help = `usage: zyre demo [--nodes N] [--port P] [--timeout MS]

Starts N Zyre nodes (default 5) in this process on loopback (127.0.0.1, beacons to
127.255.255.255; nothing leaves this machine) and runs them through discovery, a group join,
shouts, whispers and a graceful exit, with a live view and a closing summary.

  --nodes N      number of nodes, 2..100 (default 5)
  --port P       beacon UDP port (default: a random port in 40000-49999)
  --timeout MS   give up a phase after this long (default 15000)
  --group G      the group they join (default DEMO)`

interface Phase {
  name: string
  expected: number
  got: () => number
  ms?: number
}

export async function run(argv: string[]): Promise<number> {
  return withUsage(help, async () => {
    const { values } = parseArgs({
      args: argv,
      options: {
        nodes: { type: 'string', short: 'n' },
        port: { type: 'string', short: 'p' },
        timeout: { type: 'string' },
        group: { type: 'string', short: 'g' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    })
    if (values.help) {
      process.stdout.write(help + '\n')
      return 0
    }
    const n = Number(values.nodes ?? 5)
    if (!Number.isInteger(n) || n < 2 || n > 100) throw new UsageError(`--nodes takes 2..100, got '${values.nodes}'`)
    const port = Number(values.port ?? 40000 + Math.floor(Math.random() * 10000))
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--port takes 1..65535, got '${values.port}'`)
    const timeout = Number(values.timeout ?? 15000)
    if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError(`--timeout takes milliseconds, got '${values.timeout}'`)
    return demo(n, port, timeout, values.group ?? 'DEMO')
  })
}

async function demo(n: number, port: number, timeout: number, group: string): Promise<number> {
  const out = process.stdout
  const live = out.isTTY === true
  out.write(`zyre demo: ${n} nodes on loopback, beacon port ${port}\n`)
  const cluster = new Cluster(n, (i) => ({
    name: `node-${i + 1}`,
    interface: 'lo',
    port,
    interval: 250,
    evasiveTimeout: 2000,
    expiredTimeout: 6000,
  }))
  const m = cluster.members
  const pairs = n * (n - 1)
  const phases: Phase[] = [
    { name: 'discovery (ENTER)', expected: pairs, got: () => cluster.links() },
    { name: `join ${group}`, expected: pairs, got: () => m.reduce((s, x) => s + (x.groups.get(group)?.size ?? 0), 0) },
    { name: 'shout to group', expected: pairs, got: () => cluster.counts.shout },
    { name: 'whisper to next', expected: n, got: () => cluster.counts.whisper },
    { name: `${m[0]!.zyre.name} leaves (EXIT)`, expected: n - 1, got: () => cluster.counts.exit },
  ]
  const actions: (() => Promise<void>)[] = [
    () => cluster.start(),
    async () => m.forEach((x) => x.zyre.join(group)),
    async () => void (await Promise.all(m.map((x) => x.zyre.shout(group, `hello from ${x.zyre.name}`)))),
    async () => void (await Promise.all(m.map((x, i) => x.zyre.whisper(m[(i + 1) % n]!.zyre.uuid, `psst, ${m[(i + 1) % n]!.zyre.name}`)))),
    () => m[0]!.zyre.stop(),
  ]
  const started = Date.now()
  let ok = true
  try {
    for (let i = 0; i < phases.length && ok; i++) {
      const phase = phases[i]!
      const t0 = Date.now()
      const show = (): void => {
        const line = `  ${phase.name.padEnd(24)} ${String(phase.got()).padStart(5)}/${phase.expected}  ${Date.now() - t0} ms`
        if (live) out.write(`\r${line}\x1b[K`)
      }
      const ticker = live ? setInterval(show, 100) : undefined
      try {
        await actions[i]!()
        await cluster.until(() => phase.got() >= phase.expected, timeout, phase.name)
        phase.ms = Date.now() - t0
      } catch (err) {
        ok = false
        if (live) out.write('\n')
        process.stderr.write(`  ${phase.name} failed: ${(err as Error).message}\n`)
      } finally {
        if (ticker) clearInterval(ticker)
      }
      if (phase.ms !== undefined) {
        const line = `  ${phase.name.padEnd(24)} ${String(phase.got()).padStart(5)}/${phase.expected}  ${phase.ms} ms`
        out.write(live ? `\r${line}\x1b[K\n` : `${line}\n`)
      }
    }
  } finally {
    await cluster.stop()
  }
  const c = cluster.counts
  out.write(`\nsummary (${((Date.now() - started) / 1000).toFixed(1)} s):\n`)
  out.write(`  every node saw every other after ${phases[0]!.ms ?? '-'} ms\n`)
  out.write(`  sent: ${n} shouts to ${n - 1} peers each, ${n} whispers\n`)
  out.write(`  received: ${c.enter} ENTER, ${c.join} JOIN, ${c.shout} SHOUT, ${c.whisper} WHISPER, ${c.exit} EXIT\n`)
  out.write(ok ? 'demo OK\n' : 'demo FAILED\n')
  return ok ? 0 : 1
}
