// Our node (zyre-ts) as a live-interop agent: JSON commands on stdin, JSON events on stdout, one per line.
// Started by ../run.py inside a network namespace:
//   node --import tsx tools/live-interop/agents/ts_agent.mts '<ZyreOptions as JSON, plus "debug": true>'
// (run from the repository root, where tsx is installed). Frames travel as latin1 strings, so any byte
// value round-trips through JSON.
import { createInterface } from 'node:readline'
import { Zyre, ZyreError, type ZyreOptions } from '../../../lib/index.ts'

type AgentOptions = ZyreOptions & { debug?: boolean }
interface Command { cmd: string; group?: string; peer?: string; header?: string; frames?: string[]; n?: number; endpoint?: string; key?: string }

const { debug, ...options } = JSON.parse(process.argv[2] ?? '{}') as AgentOptions
const out = (o: object): void => { process.stdout.write(JSON.stringify(o) + '\n') }
const frames = (c: Command): Buffer[] => (c.frames ?? []).map((f) => Buffer.from(f, 'latin1'))
const code = (err: unknown): string | undefined => (err instanceof ZyreError ? err.code : undefined)

const z = new Zyre({ ...options, logger: debug ? (l) => process.stderr.write(`[zyre] ${l}\n`) : undefined })

// Whispers whose first frame starts with "burst" are only counted (65,540 of them cross the sequence wrap).
let burstRx = 0
z.on('event', (e) => {
  if (e.type === 'WHISPER' && e.content[0]?.toString('latin1').startsWith('burst')) {
    burstRx++
    if (burstRx % 1000 === 0) out({ ev: 'burstcount', n: burstRx, last: e.content[0].toString('latin1') })
    return
  }
  const o: Record<string, unknown> = { ev: e.type, t: Date.now() }
  for (const [k, v] of Object.entries(e)) {
    if (k === 'type') continue
    if (v instanceof Map) o[k] = Object.fromEntries(v)
    else if (Array.isArray(v)) o[k] = v.map((b: Buffer) => b.toString('latin1'))
    else o[k] = v
  }
  out(o)
})
z.on('warning', (w) => out({ ev: 'warning', code: w.code, message: w.message }))

/** Whispers n numbered messages, each awaited: whisper() paces the caller by the peer's queue. */
async function burst(peer: string, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) await z.whisper(peer, `burst-${i}`)
}

function reply(c: Command): object {
  return {
    ev: 'reply',
    peers: z.peers(),
    byGroup: c.group ? z.peersByGroup(c.group) : undefined,
    peerGroups: z.peerGroups(),
    ownGroups: z.ownGroups(),
    header: c.peer && c.header ? z.peerHeaderValue(c.peer, c.header) : undefined,
    address: c.peer ? z.peerAddress(c.peer) : undefined,
  }
}

await z.start()
out({ ev: 'started', uuid: z.uuid, name: z.name, endpoint: z.endpoint })

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue
  const c = JSON.parse(line) as Command
  try {
    switch (c.cmd) {
      case 'join': z.join(c.group!); break
      case 'leave': z.leave(c.group!); break
      case 'shout': await z.shout(c.group!, ...frames(c)); break
      case 'whisper': await z.whisper(c.peer!, ...frames(c)); break
      case 'burst': await burst(c.peer!, c.n!); out({ ev: 'burstdone', n: c.n }); break
      case 'burstcount': out({ ev: 'burstcount', n: burstRx }); break
      case 'query': out(reply(c)); break
      case 'require': z.requirePeer(c.peer!, c.endpoint!, c.key); out({ ev: 'required', peer: c.peer }); break
      case 'stop': await z.stop(); out({ ev: 'stopped' }); break
      case 'exit': process.exit(0)
      default: out({ ev: 'error', cmd: c.cmd, message: 'unknown command' })
    }
  } catch (err) {
    out({ ev: 'error', cmd: c.cmd, message: (err as Error).message, code: code(err) })
  }
}
// stdin closed: the orchestrator is gone.
await z.stop().catch(() => undefined)
process.exit(0)
