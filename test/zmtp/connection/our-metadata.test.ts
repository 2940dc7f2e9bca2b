// Our READY/INITIATE metadata is encoded once per (socket type, identity) and shared: each
// socket still sends its own type and identity, extra properties are never shared, and two
// sockets with different routing ids are told apart by a ROUTER.
import t, { type Test } from 'tap'
import { ourMetadata } from '../../../zmtp/connection/our-metadata.ts'
import { decodeProperties, parseCommand } from '../../../zmtp/codec/commands.ts'
import { Dealer, Router } from '../../../zmtp/index.ts'

/** Properties of a whole READY command frame (short frame header + name + data). */
function readyProps(t: Test, frame: Buffer): Map<string, string> {
  t.equal(frame[0], 0x04, 'a short COMMAND frame')
  t.equal(frame[1], frame.length - 2, 'size matches')
  const cmd = parseCommand(frame.subarray(2))
  t.equal(cmd.name, 'READY')
  return new Map([...decodeProperties(cmd.data)].map(([k, v]) => [k, v.toString('latin1')]))
}

t.test('each (socket type, identity) gets its own READY', async (t) => {
  const a = readyProps(t, ourMetadata({ socketType: 'DEALER', routingId: Buffer.from('alpha') }).ready)
  const b = readyProps(t, ourMetadata({ socketType: 'DEALER', routingId: Buffer.from('beta') }).ready)
  const r = readyProps(t, ourMetadata({ socketType: 'ROUTER', routingId: Buffer.from('alpha') }).ready)
  const none = readyProps(t, ourMetadata({ socketType: 'DEALER' }).ready)
  t.same([...a], [['socket-type', 'DEALER'], ['identity', 'alpha']])
  t.same([...b], [['socket-type', 'DEALER'], ['identity', 'beta']])
  t.same([...r], [['socket-type', 'ROUTER'], ['identity', 'alpha']])
  t.same([...none], [['socket-type', 'DEALER']], 'no Identity without a routing id')
})

t.test('equal inputs share one encoding; the id is compared by content', async (t) => {
  const x = ourMetadata({ socketType: 'PUSH', routingId: Buffer.from('same') })
  const y = ourMetadata({ socketType: 'PUSH', routingId: Buffer.from('same') })
  t.equal(x, y, 'cached')
  t.equal(x.properties.length + 1 + 'READY'.length + 2, x.ready.length, 'READY carries exactly the properties')
})

t.test('extra properties are encoded per call and still checked', async (t) => {
  const one = ourMetadata({ socketType: 'DEALER', metadata: new Map([['X-Color', Buffer.from('red')]]) })
  const two = ourMetadata({ socketType: 'DEALER', metadata: new Map([['X-Color', Buffer.from('blue')]]) })
  t.equal(readyProps(t, one.ready).get('x-color'), 'red')
  t.equal(readyProps(t, two.ready).get('x-color'), 'blue')
  t.throws(() => ourMetadata({ socketType: 'DEALER', metadata: new Map([['bad name', Buffer.alloc(0)]]) }), RangeError)
})

t.test('a ROUTER tells two DEALERs with different routing ids apart', async (t) => {
  const router = new Router({ linger: 0 })
  await router.bind('tcp://127.0.0.1:*')
  const dealers = ['first', 'second'].map((id) => new Dealer({ routingId: id, linger: 0 }))
  t.teardown(() => {
    router.close()
    for (const d of dealers) d.close()
  })
  for (const d of dealers) {
    d.connect(router.lastEndpoint!)
    await d.send(Buffer.from(`from ${d.routingId as string}`))
  }
  const got = new Map<string, string>()
  for (let i = 0; i < 2; i++) {
    const [id, body] = await router.receive()
    got.set(id!.toString(), body!.toString())
  }
  t.same(Object.fromEntries(got), { first: 'from first', second: 'from second' })
})
