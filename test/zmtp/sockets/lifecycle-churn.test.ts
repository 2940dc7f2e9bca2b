// Lifecycle churn: sockets of every type bind, unbind, connect, disconnect, send, receive and close
// in a random order (fixed seed, CHURN_SEED to replay) with small high-water marks, timeouts,
// heartbeats and linger, over tcp, ipc and inproc. Every failure must be a typed, expected error
// (never an uncaught one, which fails the test), and once every socket is closed no TCP or pipe
// handle may be left open, nor any inproc name bound or dial waiting.
import t from 'tap'
import * as os from 'node:os'
import * as path from 'node:path'
import * as fs from 'node:fs'
import * as Z from '../../../zmtp/index.ts'
import { inprocUse } from '../../../zmtp/transport/inproc.ts'
import { churnSeed, seededRandom } from '../../helpers/seeded-random.ts'

type SocketClass = 'Router' | 'Dealer' | 'Push' | 'Pull' | 'Publisher' | 'Subscriber' | 'XPublisher' | 'XSubscriber' | 'Request' | 'Reply' | 'Pair'
type AnySocket = InstanceType<(typeof Z)[SocketClass]>

const PAIRS: [SocketClass, SocketClass][] = [
  ['Router', 'Dealer'], ['Dealer', 'Router'], ['Push', 'Pull'], ['Pull', 'Push'], ['Publisher', 'Subscriber'],
  ['XPublisher', 'XSubscriber'], ['Reply', 'Request'], ['Pair', 'Pair'], ['Router', 'Router'], ['Dealer', 'Dealer'],
]
/** What a well-behaved socket may answer in this churn. */
const EXPECTED = new Set(['EAGAIN', 'EHOSTUNREACH', 'EFSM', 'ETERM', 'ENOENT', 'EBUSY', 'EADDRINUSE', 'ENOTSUP'])
const CHURN_MS = 4000

/** Open handles by kind (TCP, Pipe, ...), as Node lists them. */
function handleCounts(): Map<string, number> {
  const out = new Map<string, number>()
  const list = (process as unknown as { _getActiveHandles(): object[] })._getActiveHandles()
  for (const h of list) out.set(h.constructor.name, (out.get(h.constructor.name) ?? 0) + 1)
  return out
}

t.test('random socket lifecycles: only typed errors, and nothing left open after close', async (t) => {
  const { next: rnd, pick } = seededRandom(churnSeed(t, 20261123))
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zchurn-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const before = handleCounts()

  const sockets: { s: AnySocket; type: SocketClass }[] = []
  const bound: { ep: string; s: AnySocket }[] = []
  const unexpected: string[] = []
  const codes = new Map<string, number>()
  const failed = (e: unknown): void => {
    const code = (e as { code?: string }).code ?? String(e)
    codes.set(code, (codes.get(code) ?? 0) + 1)
    if (!EXPECTED.has(code)) unexpected.push(`${code}: ${(e as Error).message}`)
  }
  const make = (type: SocketClass): AnySocket => {
    const s = new Z[type]({
      linger: pick([0, 0, 50]),
      sendTimeout: pick([0, 10]),
      receiveTimeout: pick([10, 50]),
      reconnectInterval: 20,
      heartbeatInterval: pick([0, 50]),
      immediate: rnd() < 0.2,
      sendHighWaterMark: pick([1, 10, 1000]),
      receiveHighWaterMark: pick([1, 10, 1000]),
      ...(type === 'Router' ? { mandatory: rnd() < 0.5, handover: rnd() < 0.3 } : {}),
    } as never) as AnySocket
    if (s instanceof Z.Subscriber) s.subscribe(pick(['', 'a']))
    sockets.push({ s, type })
    return s
  }

  let ops = 0
  const end = Date.now() + CHURN_MS
  while (Date.now() < end) {
    await new Promise((r) => setImmediate(r))
    ops++
    const r = rnd()
    try {
      if (r < 0.06 || sockets.length < 4) {
        const [a, b] = pick(PAIRS)
        const server = make(a)
        const where = rnd()
        const ep = where < 0.6 ? 'tcp://127.0.0.1:*' : where < 0.8 ? `ipc://${path.join(dir, `s${Math.floor(rnd() * 4)}.sock`)}` : `inproc://churn-${Math.floor(rnd() * 4)}`
        server.bind(ep).then(() => {
          bound.push({ ep: server.lastEndpoint!, s: server })
          make(b).connect(server.lastEndpoint!)
        }, failed)
      } else if (r < 0.1) {
        const [{ s }] = sockets.splice(Math.floor(rnd() * sockets.length), 1)
        s!.close()
      } else if (r < 0.13 && bound.length > 0) {
        const b = pick(bound)
        b.s.unbind(b.ep).catch(failed)
      } else if (r < 0.17 && bound.length > 0) {
        pick(sockets).s.connect(pick(bound).ep)
      } else if (r < 0.2 && bound.length > 0) {
        pick(sockets).s.disconnect(pick(bound).ep)
      } else if (r < 0.6) {
        const { s, type } = pick(sockets)
        if (s.closed || type === 'Pull' || type === 'Subscriber') continue
        const frames = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => Buffer.alloc(Math.floor(rnd() * (rnd() < 0.1 ? 70_000 : 300)), 1))
        if (type === 'Router') frames.unshift(Buffer.from([0, 0, 0, 0, Math.floor(rnd() * 8)]))
        ;(s as Z.Dealer).send(frames).catch(failed)
      } else {
        const { s, type } = pick(sockets)
        if (s.closed || type === 'Push' || type === 'Publisher') continue
        ;(s as Z.Dealer).receive().catch(failed)
      }
    } catch (e) {
      failed(e)
    }
  }
  for (const { s } of sockets) s.close()
  t.comment(`${ops} operations; errors ${JSON.stringify(Object.fromEntries(codes))}`)
  t.same(unexpected, [], 'every failure was an expected, typed error')

  // Linger is 50 ms at most: give closing connections a moment, then count handles again.
  const leftOver = (): string[] => {
    const now = handleCounts()
    return ['TCP', 'Pipe'].filter((k) => (now.get(k) ?? 0) > (before.get(k) ?? 0)).map((k) => `${k} ${now.get(k)! - (before.get(k) ?? 0)}`)
  }
  const deadline = Date.now() + 5000
  while (leftOver().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  t.same(leftOver(), [], 'no TCP or pipe handle left open')
  t.same(inprocUse(), { bound: 0, waiting: 0 }, 'no inproc name left bound, no dial left waiting')
})
