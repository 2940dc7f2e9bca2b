// The interop scenarios shared by the zeromq.js and pyzmq test files: every compatible pair of
// socket types, driven through the zeromq.js-shaped API that both our sockets and zeromq.js
// (and the pyzmq peer proxy) offer, so each scenario runs unchanged in every combination.
import type { Dealer } from '../../zmtp/index.ts'
import { sleep } from '../helpers/zmtp.ts'

/** The part of the socket API the scenarios use (ours, zeromq.js, and the pyzmq proxy). */
export interface AnySocket {
  bind(ep: string): Promise<void>
  connect(ep: string): void
  send(msg: Buffer | string | Array<Buffer | string>): Promise<void>
  receive(): Promise<Buffer[]>
  close(): void
  readonly lastEndpoint: string | null
  subscribe?(...topics: Array<Buffer | string>): void
}

export type Maker = (type: string, options: Record<string, unknown>) => AnySocket | Promise<AnySocket>

export interface Check {
  same(a: unknown, b: unknown, msg: string): unknown
  ok(v: unknown, msg: string): unknown
}

const big = (n: number, seed: number) => {
  const b = Buffer.allocUnsafe(n)
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff
  return b
}

/** Message shapes every scenario sends: empty frames, size-encoding edges, a 1 MiB frame. */
export const PAYLOADS: Buffer[][] = [
  [Buffer.from('hello')],
  [Buffer.from('a'), Buffer.alloc(0), Buffer.from('b'), Buffer.alloc(0)],
  [Buffer.alloc(0)],
  [big(255, 1)],
  [big(256, 2), big(255, 3)],
  [big(1024 * 1024, 4)],
]

export const LIGHT_PAYLOADS = PAYLOADS.slice(0, 3)

export interface Scenario {
  name: string
  a: string
  b: string
  aOptions?: Record<string, unknown>
  bOptions?: Record<string, unknown>
  run(a: AnySocket, b: AnySocket, t: Check): Promise<void>
}

async function retry<T>(f: () => Promise<T>, tries = 200): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await f()
    } catch (e) {
      if (i >= tries) throw e
      await new Promise((r) => setTimeout(r, 10))
    }
  }
}

/** PUB/XPUB learn subscriptions asynchronously: publish a probe until the subscriber sees one. */
async function settleSubscription(send: () => Promise<void>, sub: AnySocket, isProbe: (m: Buffer[]) => boolean): Promise<void> {
  // Only one receive may be pending: a receive that loses the race is kept for the next round.
  let pending = sub.receive()
  for (let i = 0; i < 400; i++) {
    await send()
    const m = await Promise.race([pending, new Promise<undefined>((r) => setTimeout(() => r(undefined), 25))])
    if (m === undefined) continue
    if (isProbe(m)) return
    pending = sub.receive()
  }
  throw new Error('subscription never took effect')
}

function prefixed(topic: string, p: Buffer[]): Buffer[] {
  return [Buffer.from(topic), ...p]
}

/** The part of a tap test `runMatrix` uses. */
export interface MatrixTest {
  test(name: string, fn: (t: Check & { teardown(fn: () => unknown): void }) => Promise<void>): unknown
}

/**
 * Every scenario with our socket on either side and either side binding: `makeTheirs` makes the other
 * implementation's socket (zeromq.js, the pyzmq proxy).
 */
export function runMatrix(t: MatrixTest, makeOurs: Maker, makeTheirs: Maker, list: Scenario[] = scenarios()): void {
  for (const s of list) {
    for (const oursIs of ['a', 'b'] as const) {
      for (const binder of ['a', 'b'] as const) {
        const label = `${s.name}: ours=${oursIs === 'a' ? s.a : s.b}, ${binder === 'a' ? s.a : s.b} binds`
        t.test(label, async (t) => {
          const a = await (oursIs === 'a' ? makeOurs : makeTheirs)(s.a, s.aOptions ?? {})
          const b = await (oursIs === 'b' ? makeOurs : makeTheirs)(s.b, s.bOptions ?? {})
          t.teardown(() => (a.close(), b.close()))
          const [bindSide, connectSide] = binder === 'a' ? [a, b] : [b, a]
          await bindSide.bind('tcp://127.0.0.1:*')
          connectSide.connect(bindSide.lastEndpoint!)
          await s.run(a, b, t)
        })
      }
    }
  }
}

/**
 * Their Router, heartbeating every 100 ms (made so by `makeTheirs`), keeps our idle Dealer (routingId
 * 'mine') connected through 1.2 s of silence, whichever side binds.
 */
export async function heartbeatsKeepIdleAlive(t: Check, makeMine: () => Dealer, makeTheirs: () => AnySocket | Promise<AnySocket>): Promise<void> {
  for (const oursBinds of [true, false]) {
    const mine = makeMine()
    const theirs = await makeTheirs()
    try {
      const disconnects: string[] = []
      mine.events.on('disconnect', (e) => disconnects.push(e.address))
      if (oursBinds) {
        await mine.bind('tcp://127.0.0.1:*')
        theirs.connect(mine.lastEndpoint!)
      } else {
        await theirs.bind('tcp://127.0.0.1:*')
        mine.connect(theirs.lastEndpoint!)
      }
      await mine.send('first')
      t.same((await theirs.receive()).map(String), ['mine', 'first'], 'first message')
      await sleep(1200)
      await mine.send('after idle')
      t.same((await theirs.receive()).map(String), ['mine', 'after idle'], 'after idle')
      await theirs.send(['mine', 'back'])
      t.same((await mine.receive()).map(String), ['back'], 'reply after idle')
      t.same(disconnects, [], `no disconnect while idle (ours ${oursBinds ? 'binds' : 'connects'})`)
    } finally {
      mine.close()
      theirs.close()
    }
  }
}

export function scenarios(payloads: Buffer[][] = PAYLOADS): Scenario[] {
  const list: Scenario[] = []
  // Symmetric pairs: each payload goes a -> b, then the same back b -> a.
  const bothWays = (name: string, a: string, b: string, there = 'frames match', back = 'frames match'): Scenario => ({
    name,
    a,
    b,
    async run(x, y, t) {
      for (const p of payloads) {
        await x.send(p)
        t.same(await y.receive(), p, there)
        await y.send(p)
        t.same(await x.receive(), p, back)
      }
    },
  })
  for (const withId of [true, false]) {
    list.push({
      name: `DEALER${withId ? ' (routingId set)' : ''} <-> ROUTER`,
      a: 'Dealer',
      b: 'Router',
      aOptions: withId ? { routingId: 'dealer-id' } : {},
      async run(dealer, router, t) {
        let id: Buffer | undefined
        for (const p of payloads) {
          await dealer.send(p)
          const m = await router.receive()
          id = m[0]
          t.same(m.slice(1), p, `router got ${p.length} frames`)
          await router.send([id!, ...p])
          t.same(await dealer.receive(), p, 'dealer got the reply')
        }
        if (withId) t.same(id, Buffer.from('dealer-id'), 'peer identity used as routing id')
        else t.ok(id!.length === 5 && id![0] === 0, 'generated 5-byte routing id')
      },
    })
  }
  list.push({
    name: 'ROUTER <-> ROUTER (both ids set)',
    a: 'Router',
    b: 'Router',
    aOptions: { routingId: 'router-a', mandatory: true },
    bOptions: { routingId: 'router-b', mandatory: true },
    async run(a, b, t) {
      await retry(() => a.send(['router-b', 'hi']))
      t.same(await b.receive(), [Buffer.from('router-a'), Buffer.from('hi')], 'frames match')
      for (const p of payloads) {
        await b.send(['router-a', ...p])
        t.same(await a.receive(), [Buffer.from('router-b'), ...p], 'frames match')
      }
    },
  })
  list.push(bothWays('DEALER <-> DEALER', 'Dealer', 'Dealer'))
  list.push(bothWays('REQ <-> REP', 'Request', 'Reply', 'request', 'reply'))
  list.push({
    name: 'REQ <-> ROUTER',
    a: 'Request',
    b: 'Router',
    aOptions: { routingId: 'req' },
    async run(req, router, t) {
      for (const p of payloads) {
        await req.send(p)
        const m = await router.receive()
        t.same(m, [Buffer.from('req'), Buffer.alloc(0), ...p], 'envelope: id, delimiter, body')
        await router.send([m[0]!, Buffer.alloc(0), ...p])
        t.same(await req.receive(), p, 'frames match')
      }
    },
  })
  list.push({
    name: 'DEALER <-> REP',
    a: 'Dealer',
    b: 'Reply',
    async run(dealer, rep, t) {
      for (const p of payloads) {
        await dealer.send([Buffer.alloc(0), ...p])
        t.same(await rep.receive(), p, 'frames match')
        await rep.send(p)
        t.same(await dealer.receive(), [Buffer.alloc(0), ...p], 'frames match')
      }
    },
  })
  list.push({
    name: 'PUSH -> PULL',
    a: 'Push',
    b: 'Pull',
    async run(push, pull, t) {
      for (const p of payloads) await push.send(p)
      for (const p of payloads) t.same(await pull.receive(), p, 'frames match')
    },
  })
  list.push(bothWays('PAIR <-> PAIR', 'Pair', 'Pair'))
  for (const [pubType, subType] of [['Publisher', 'Subscriber'], ['XPublisher', 'Subscriber'], ['Publisher', 'XSubscriber'], ['XPublisher', 'XSubscriber']] as const) {
    list.push({
      name: `${pubType.toUpperCase()} -> ${subType.toUpperCase()} (prefix filter)`,
      a: pubType,
      b: subType,
      async run(pub, sub, t) {
        if (subType === 'Subscriber') sub.subscribe!('A')
        else await sub.send(Buffer.from('\x01A'))
        // (A bound libzmq SUB only attaches new peers while the application is in a call on
        // it, so the subscriber must be receiving before the XPUB can see its subscription.)
        await settleSubscription(() => pub.send(['A-probe']), sub, (m) => m[0]!.toString() === 'A-probe')
        if (pubType === 'XPublisher') t.same(await pub.receive(), [Buffer.from('\x01A')], 'XPUB sees the subscription')
        // Drain probes still in flight by sending a marker and reading up to it.
        await pub.send(['A-marker'])
        while ((await sub.receive())[0]!.toString() !== 'A-marker');
        for (const p of payloads) {
          await pub.send(prefixed('B', p))
          await pub.send(prefixed('A', p))
        }
        for (const p of payloads) t.same(await sub.receive(), prefixed('A', p), 'only topic A arrives')
        if (subType === 'XSubscriber') {
          await sub.send(Buffer.from('\x00A'))
          if (pubType === 'XPublisher') t.same(await pub.receive(), [Buffer.from('\x00A')], 'XPUB sees the cancel')
        }
      },
    })
  }
  return list
}
