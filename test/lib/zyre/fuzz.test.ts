// A hostile peer fuzzes a live Zyre node's ROUTER: valid ZRE messages in any order with any
// sequence numbers, and the codec's mutator's damaged frames (truncated, flipped, extra or missing
// frames, unknown ids). After each run a well-behaved peer must still whisper both ways with the
// node: bad input costs at most the hostile peer, never the node or its other peers.
//
// Network rule: a HELLO makes the node dial the endpoint it names, so every HELLO that reaches the
// node names one loopback sink; damaged frames that still decode to a HELLO with another endpoint
// are not sent.
import t from 'tap'
import * as fc from 'fast-check'
import { Zyre, type ZyreError } from '../../../lib/index.ts'
import { decode, encode, type ZreMsg } from '../../../codecs/generated/zre-msg.ts'
import { arbitraries, mutate } from '../../../codecs/generated/zre-msg.arbitraries.ts'
import { FakeZrePeer } from '../../helpers/fake-zre-peer.ts'
import { EventLog } from '../../helpers/zyre-events.ts'

const PORT = 47296

/** What the hostile peer sends: a valid message (its own sequence, or the next one) or damaged frames. */
type Action = { kind: 'valid'; msg: ZreMsg; keepSequence: boolean } | { kind: 'damaged'; frames: Buffer[] }

function decodesToForeignHello(frames: Buffer[], sink: string): boolean {
  try {
    const msg = decode(frames)
    return msg.type === 'HELLO' && msg.endpoint !== sink
  } catch {
    return false
  }
}

t.test('a hostile peer never stops the node or its other peers', async (t) => {
  const node = new Zyre({ name: 'target', interface: 'lo', port: PORT, interval: 100, evasiveTimeout: 5000, expiredTimeout: 20000 })
  const log = new EventLog(node)
  const warnings: ZyreError[] = []
  node.on('warning', (w) => warnings.push(w))
  await node.start()
  t.teardown(() => node.stop())

  // Where every HELLO points: a ROUTER that only listens.
  const sink = await new FakeZrePeer().bind()
  t.teardown(() => sink.close())

  const good = await new FakeZrePeer().bind()
  t.teardown(() => good.close())
  good.connect(node.endpoint)
  await good.hello({ name: 'good' })
  await log.wait('ENTER', (e) => e.peer === good.id)

  const valid = arbitraries(fc).any.map((m): ZreMsg => (m.type === 'HELLO' ? { ...m, endpoint: sink.endpoint } : m))
  // Mostly in-sequence valid messages, so runs reach deep into a ready peer's state, with its own
  // (usually wrong) sequence one time in ten and damaged frames one action in three.
  const action: fc.Arbitrary<Action> = fc.oneof(
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('valid' as const), msg: valid, keepSequence: fc.nat(9).map((n) => n === 0) }) },
    { weight: 1, arbitrary: mutate(fc, valid).map((m) => ({ kind: 'damaged' as const, frames: m.frames })) },
  )
  let round = 0
  await fc.assert(
    fc.asyncProperty(fc.nat(3).map((n) => n > 0), fc.array(action, { minLength: 1, maxLength: 12 }), async (startWithHello, actions) => {
      round++
      const hostile = await new FakeZrePeer().bind()
      try {
        hostile.connect(node.endpoint)
        if (startWithHello) await hostile.hello({ endpoint: sink.endpoint, name: `hostile-${round}` })
        for (const a of actions) {
          if (a.kind === 'valid') {
            const { sequence, ...rest } = a.msg
            await hostile.send({ ...rest, ...(a.keepSequence && { sequence }) } as Parameters<FakeZrePeer['send']>[0])
          } else if (!decodesToForeignHello(a.frames, sink.endpoint)) {
            await hostile.sendRaw(a.frames)
          }
        }
        // The good peer still talks both ways; its message comes after the hostile ones were sent.
        const tag = `round-${round}`
        await good.send({ type: 'WHISPER', content: [Buffer.from(tag)] })
        await log.wait('WHISPER', (e) => e.peer === good.id && String(e.content[0]) === tag, 5000)
        const from = good.received.length
        await node.whisper(good.id, tag)
        await good.waitFor((m) => m.type === 'WHISPER' && String(m.content[0]) === tag, 5000, from)
        return node.peers().includes(good.id)
      } finally {
        hostile.close()
      }
    }),
    // One node serves every run: after a failure the next runs fail too, so shrinking would mislead.
    { numRuns: 200, interruptAfterTimeLimit: 20_000, endOnFailure: true },
  )
  t.ok(round > 0, `${round} hostile peers`)
  t.notOk(log.of('EXIT', good.id).length, 'the good peer was never removed')
  t.ok(warnings.length > 0, `bad input was reported (${warnings.length} warnings)`)
})
