// REQ/REP lock-step (EFSM), REQ round-robin over several REPs, REP behind a ROUTER/DEALER hop
// (envelope kept), REQ ignoring stray replies, relaxed mode.
import t from 'tap'
import { Dealer, Reply, Request, Router } from '../../../zmtp/index.ts'
import { nextEvent, recv, strs } from '../../helpers/zmtp.ts'

t.test('lock-step: EFSM when out of turn', async (t) => {
  const rep = new Reply({ linger: 0 })
  await rep.bind('tcp://127.0.0.1:*')
  const req = new Request({ linger: 0 })
  t.teardown(() => (req.close(), rep.close()))
  req.connect(rep.lastEndpoint!)
  await t.rejects(req.receive(), { code: 'EFSM' })
  await t.rejects(rep.send('early'), { code: 'EFSM' })
  await req.send(['q', 'two frames'])
  await t.rejects(req.send('again'), { code: 'EFSM' })
  t.same(strs(await recv(rep)), ['q', 'two frames'])
  await t.rejects(rep.receive(), { code: 'EFSM' })
  await rep.send(['a', ''])
  t.same(strs(await recv(req)), ['a', ''])
  for (let i = 0; i < 5; i++) {
    await req.send(String(i))
    t.same(strs(await recv(rep)), [String(i)])
    await rep.send(`r${i}`)
    t.same(strs(await recv(req)), [`r${i}`])
  }
})

t.test('REQ round-robins over several REPs', async (t) => {
  const reps = [new Reply({ linger: 0 }), new Reply({ linger: 0 }), new Reply({ linger: 0 })]
  const req = new Request({ linger: 0 })
  t.teardown(() => (req.close(), reps.forEach((r) => r.close())))
  for (const [i, r] of reps.entries()) {
    await r.bind('tcp://127.0.0.1:*')
    req.connect(r.lastEndpoint!)
    void (async () => {
      for await (const m of r) await r.send([`rep${i}`, ...m])
    })()
  }
  await Promise.all(reps.map((r) => nextEvent(r, 'handshake')))
  const who: string[] = []
  for (let i = 0; i < 6; i++) {
    await req.send(`q${i}`)
    const m = strs(await recv(req))
    t.equal(m[1], `q${i}`)
    who.push(m[0]!)
  }
  t.same(who, ['rep0', 'rep1', 'rep2', 'rep0', 'rep1', 'rep2'])
})

t.test('REP behind ROUTER/DEALER keeps the whole envelope', async (t) => {
  const rep = new Reply({ linger: 0 })
  await rep.bind('tcp://127.0.0.1:*')
  const router = new Router({ linger: 0 })
  await router.bind('tcp://127.0.0.1:*')
  const dealer = new Dealer({ linger: 0 })
  const req = new Request({ linger: 0, routingId: 'client' })
  t.teardown(() => (req.close(), dealer.close(), router.close(), rep.close()))
  dealer.connect(rep.lastEndpoint!)
  req.connect(router.lastEndpoint!)
  // A hand-made broker hop: ROUTER in, DEALER out, and back.
  void (async () => {
    for await (const m of router) await dealer.send(m)
  })()
  void (async () => {
    for await (const m of dealer) await router.send(m)
  })()
  await req.send('hello')
  t.same(strs(await recv(rep)), ['hello'])
  await rep.send('world')
  t.same(strs(await recv(req)), ['world'])
})

t.test('REQ drops a reply that is not for its pending request; relaxed allows resending', async (t) => {
  const router = new Router({ linger: 0 })
  await router.bind('tcp://127.0.0.1:*')
  const req = new Request({ linger: 0, routingId: 'R', relaxed: true })
  t.teardown(() => (req.close(), router.close()))
  req.connect(router.lastEndpoint!)
  await req.send('first')
  t.same(strs(await recv(router)), ['R', '', 'first'])
  await req.send('second') // relaxed: allowed, the first request is abandoned
  t.same(strs(await recv(router)), ['R', '', 'second'])
  await router.send(['R', 'no delimiter'])
  await router.send(['R', '', 'reply'])
  t.same(strs(await recv(req)), ['reply'])
  // A second peer that was not asked: its "reply" is dropped whatever order things arrive in.
  const other = new Router({ linger: 0 })
  await other.bind('tcp://127.0.0.1:*')
  t.teardown(() => other.close())
  req.connect(other.lastEndpoint!)
  await nextEvent(other, 'handshake')
  await req.send('third') // round-robin: goes to `router` ...
  t.same(strs(await recv(router)), ['R', '', 'third'])
  await req.send('fourth') // ... relaxed resend goes to `other`
  t.same(strs(await recv(other)), ['R', '', 'fourth'])
  await router.send(['R', '', 'stale reply to third'])
  await other.send(['R', '', 'reply4'])
  t.same(strs(await recv(req)), ['reply4'], 'only the reply from the peer of the pending request is taken')
})
