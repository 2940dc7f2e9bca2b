// PUSH/PULL load balancing and fair queueing, PAIR exclusivity.
import t from 'tap'
import { Pair, Pull, Push } from '../../../zmtp/index.ts'
import { nextEvent, recv, strs, waitFor } from '../../helpers/zmtp.ts'

t.test('PUSH load-balances over PULLs; PULL fair-queues several PUSHes', async (t) => {
  const pulls = [new Pull({ linger: 0 }), new Pull({ linger: 0 })]
  const push = new Push({ linger: 0 })
  t.teardown(() => (push.close(), pulls.forEach((p) => p.close())))
  for (const p of pulls) {
    await p.bind('tcp://127.0.0.1:*')
    push.connect(p.lastEndpoint!)
  }
  await Promise.all(pulls.map((p) => nextEvent(p, 'handshake')))
  for (let i = 0; i < 10; i++) await push.send(['job', String(i)])
  const a: string[] = []
  const b: string[] = []
  for (let i = 0; i < 5; i++) a.push(strs(await recv(pulls[0]!))[1]!)
  for (let i = 0; i < 5; i++) b.push(strs(await recv(pulls[1]!))[1]!)
  t.same(a, ['0', '2', '4', '6', '8'])
  t.same(b, ['1', '3', '5', '7', '9'])
  await t.rejects(push.receive(), { code: 'ENOTSUP' })
  await t.rejects(pulls[0]!.send('x'), { code: 'ENOTSUP' })

  const sink = new Pull({ linger: 0 })
  await sink.bind('tcp://127.0.0.1:*')
  const p1 = new Push({ linger: 0 })
  const p2 = new Push({ linger: 0 })
  t.teardown(() => (sink.close(), p1.close(), p2.close()))
  p1.connect(sink.lastEndpoint!)
  p2.connect(sink.lastEndpoint!)
  for (let i = 0; i < 50; i++) await p1.send('p1')
  for (let i = 0; i < 2; i++) await p2.send('p2')
  await waitFor(() => (sink as unknown as { inQueued: number }).inQueued === 52, 5000, 'all queued')
  const first4 = [] as string[]
  for (let i = 0; i < 4; i++) first4.push((await recv(sink))[0]!.toString())
  t.same(first4.sort(), ['p1', 'p1', 'p2', 'p2'], 'fair queue alternates between the pushers')
})

t.test('PAIR talks to exactly one peer; a second is refused', async (t) => {
  const a = new Pair({ linger: 0 })
  await a.bind('tcp://127.0.0.1:*')
  const b = new Pair({ linger: 0 })
  const c = new Pair({ linger: 0, reconnectInterval: -1 })
  t.teardown(() => (a.close(), b.close(), c.close()))
  b.connect(a.lastEndpoint!)
  await b.send(['hi', ''])
  t.same(strs(await recv(a)), ['hi', ''])
  await a.send('back')
  t.same(strs(await recv(b)), ['back'])
  c.connect(a.lastEndpoint!)
  await nextEvent(c, 'disconnect')
  await a.send('still b')
  t.same(strs(await recv(b)), ['still b'])
})
