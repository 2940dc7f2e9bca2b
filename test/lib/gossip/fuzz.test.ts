// Fuzzing a gossip server and a gossip client over live connections, as libzmq's own fuzzers do:
// valid messages, damaged ones (the generated zgossip mutator) and random bytes, in any order, from
// a raw libzmq peer. Neither side may throw or stop, the table stays within its bound, and a
// well-behaved node on the same server still gets a fresh tuple afterwards.
import t from 'tap'
import * as fc from 'fast-check'
import * as zmq from 'zeromq'
import { Gossip, type GossipError } from '../../../lib/gossip/index.ts'
import { arbitraries, mutate } from '../../../codecs/generated/zgossip-msg.arbitraries.ts'
import { encode } from '../../../codecs/generated/zgossip-msg.ts'
import { waitFor } from '../../helpers/zmtp.ts'

const RUNS = 40
const MAX_TUPLES = 200

/** Valid messages, damaged ones and raw junk (including several frames in one message). */
const traffic = fc.array(
  fc.oneof(
    arbitraries(fc).any.map((m) => encode(m)),
    mutate(fc).map((m) => m.frames),
    fc.array(fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)), { minLength: 1, maxLength: 3 }),
  ),
  { minLength: 1, maxLength: 30 },
)

t.test('a server takes any traffic from a client and keeps serving the others', async (t) => {
  // Room for every key the rounds can send plus our fresh ones: publish() must not meet a full table.
  const server = new Gossip({ maxTuples: RUNS * 31 })
  const warnings: GossipError[] = []
  server.on('warning', (w) => warnings.push(w))
  await server.bind('tcp://127.0.0.1:*')
  const good = new Gossip()
  good.connect(server.endpoint!)
  t.teardown(async () => {
    await good.close()
    await server.close()
  })
  let round = 0
  await fc.assert(
    fc.asyncProperty(traffic, async (messages) => {
      round++
      const raw = new zmq.Dealer({ linger: 0 })
      raw.connect(server.endpoint!)
      try {
        await raw.send(encode({ type: 'HELLO' }))
        for (const frames of messages) await raw.send(frames)
        server.publish(`fresh-${round}`, 'x')
        await waitFor(() => good.get(`fresh-${round}`) === 'x', 5000, `round ${round}: the good client still served`)
        return true
      } finally {
        raw.close()
      }
    }),
    { numRuns: RUNS },
  )
  t.ok(warnings.length > 0, `the damage was reported (${warnings.length} warnings)`)
})

t.test('a client takes any traffic from a server and keeps its other server', async (t) => {
  const router = new zmq.Router({ linger: 0 })
  await router.bind('tcp://127.0.0.1:*')
  const honest = new Gossip()
  await honest.bind('tcp://127.0.0.1:*')
  const client = new Gossip({ maxTuples: MAX_TUPLES })
  client.on('warning', () => undefined)
  client.connect(router.lastEndpoint!)
  client.connect(honest.endpoint!)
  t.teardown(async () => {
    router.close()
    await client.close()
    await honest.close()
  })
  const [id] = await router.receive()        // the client's HELLO: now we know its routing id
  let round = 0
  await fc.assert(
    fc.asyncProperty(traffic, async (messages) => {
      round++
      for (const frames of messages) await router.send([id!, ...frames])
      honest.publish(`fresh-${round}`, 'y')
      await waitFor(() => client.get(`fresh-${round}`) === 'y', 5000, `round ${round}: the honest server still heard`)
      return client.size <= MAX_TUPLES
    }),
    { numRuns: RUNS },
  )
  t.pass()
})
