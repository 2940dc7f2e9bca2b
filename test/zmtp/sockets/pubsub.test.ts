// PUB/SUB and XPUB/XSUB, ours to ours: prefix filtering at the publisher, subscription
// messages at XPUB, XSUB-sent subscriptions, unsubscribe, drops for a slow subscriber.
import t from 'tap'
import { Publisher, Subscriber, XPublisher, XSubscriber } from '../../../zmtp/index.ts'
import { nextEvent, recv, strs, waitFor } from '../../helpers/zmtp.ts'

t.test('SUB receives only what it subscribed to; filtering happens at the publisher', async (t) => {
  const pub = new Publisher({ linger: 0 })
  await pub.bind('tcp://127.0.0.1:*')
  const sub = new Subscriber({ linger: 0 })
  t.teardown(() => (sub.close(), pub.close()))
  sub.subscribe('weather.', Buffer.from([0xff, 0x00]))
  sub.connect(pub.lastEndpoint!)
  await nextEvent(sub, 'handshake')
  // The publisher knows the subscription once a matching peer pipe has it.
  const pipes = () => (pub as unknown as { pipes: { subs?: { size: number } }[] }).pipes
  await waitFor(() => pipes()[0]?.subs?.size === 2, 5000, 'subscriptions at the publisher')
  await pub.send(['sports.x', 'no'])
  await pub.send(['weather.today', 'sunny'])
  await pub.send([Buffer.from([0xff]), 'no: shorter than the topic'])
  await pub.send([Buffer.from([0xff, 0x00, 0x01]), 'binary'])
  t.same(strs(await recv(sub)), ['weather.today', 'sunny'])
  t.same((await recv(sub))[1]!.toString(), 'binary')
  sub.unsubscribe('weather.')
  await waitFor(() => pipes()[0]?.subs?.size === 1, 5000, 'cancel at the publisher')
  await pub.send(['weather.tomorrow', 'no'])
  sub.subscribe()
  await waitFor(() => pipes()[0]?.subs?.size === 2, 5000, 'subscribe-all at the publisher')
  await pub.send(['anything', 'yes'])
  t.same(strs(await recv(sub)), ['anything', 'yes'], 'unsubscribed topic was not delivered')
  await t.rejects(sub.send('x'), { code: 'ENOTSUP' })
  await t.rejects(pub.receive(), { code: 'ENOTSUP' })
})

t.test('XPUB delivers (un)subscriptions once per topic; XSUB sends them as messages', async (t) => {
  const xpub = new XPublisher({ linger: 0 })
  await xpub.bind('tcp://127.0.0.1:*')
  const a = new XSubscriber({ linger: 0 })
  const b = new Subscriber({ linger: 0 })
  t.teardown(() => (a.close(), b.close(), xpub.close()))
  a.connect(xpub.lastEndpoint!)
  b.connect(xpub.lastEndpoint!)
  await a.send(Buffer.from('\x01topic'))
  t.same(await recv(xpub), [Buffer.from('\x01topic')])
  b.subscribe('topic')
  b.subscribe('other')
  t.same(await recv(xpub), [Buffer.from('\x01other')], 'a second subscriber to the same topic is not reported')
  await xpub.send(['topic', 'both'])
  t.same(strs(await recv(a)), ['topic', 'both'])
  t.same(strs(await recv(b)), ['topic', 'both'])
  await a.send(Buffer.from('\x00topic'))
  b.close()
  t.same(await recv(xpub), [Buffer.from('\x00topic')], 'last unsubscription reported (after the peer left)')
  t.same(await recv(xpub), [Buffer.from('\x00other')])
  // A non-subscription message from XSUB goes upstream to the XPUB application.
  await a.send(['upstream', 'data'])
  t.same(strs(await recv(xpub)), ['upstream', 'data'])
})

t.test('XPUB verbosity allSubs reports repeated subscriptions', async (t) => {
  const xpub = new XPublisher({ linger: 0, verbosity: 'allSubs' })
  await xpub.bind('tcp://127.0.0.1:*')
  const a = new Subscriber({ linger: 0 })
  const b = new Subscriber({ linger: 0 })
  t.teardown(() => (a.close(), b.close(), xpub.close()))
  a.connect(xpub.lastEndpoint!)
  b.connect(xpub.lastEndpoint!)
  a.subscribe('x')
  b.subscribe('x')
  t.same(await recv(xpub), [Buffer.from('\x01x')])
  t.same(await recv(xpub), [Buffer.from('\x01x')])
})

t.test('PUB never blocks: a subscriber that does not read loses messages, bounded by the HWMs', async (t) => {
  const pub = new Publisher({ linger: 0, sendHighWaterMark: 10 })
  await pub.bind('tcp://127.0.0.1:*')
  const sub = new Subscriber({ linger: 0, receiveHighWaterMark: 10 })
  t.teardown(() => (sub.close(), pub.close()))
  sub.subscribe()
  sub.connect(pub.lastEndpoint!)
  const pipes = () => (pub as unknown as { pipes: { subs?: { size: number } }[] }).pipes
  await waitFor(() => pipes()[0]?.subs?.size === 1, 5000, 'subscription')
  const payload = Buffer.alloc(64 * 1024)
  const N = 400 // 25 MiB: far more than socket buffers + HWMs hold
  for (let i = 0; i < N; i++) await pub.send(payload)
  t.pass(`${N} sends resolved without a reader`)
  let got = 0
  sub.receiveTimeout = 500
  for (;;) {
    try {
      await sub.receive()
      got++
    } catch (e) {
      t.equal((e as { code: string }).code, 'EAGAIN')
      break
    }
  }
  t.ok(got > 0 && got < N, `subscriber got ${got} of ${N}: some dropped`)
})
