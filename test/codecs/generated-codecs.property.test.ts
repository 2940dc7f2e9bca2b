// Property tests of the three generated codecs: every valid message round-trips; damaged, truncated and
// random frames make decode throw a CodecError and nothing else.
import t from 'tap'
import fc from 'fast-check'
import { CodecError } from '../../codecs/codec-error.ts'
import * as zreMsg from '../../codecs/generated/zre-msg.ts'
import * as zreMsgArb from '../../codecs/generated/zre-msg.arbitraries.ts'
import * as zreLogMsg from '../../codecs/generated/zre-log-msg.ts'
import * as zreLogMsgArb from '../../codecs/generated/zre-log-msg.arbitraries.ts'
import * as zgossipMsg from '../../codecs/generated/zgossip-msg.ts'
import * as zgossipMsgArb from '../../codecs/generated/zgossip-msg.arbitraries.ts'

interface Codec<M> {
  encode(m: M): Buffer[]
  decode(frames: Buffer[]): M
  format(m: M): string
}
interface Arbs<M> {
  arbitraries(f: typeof fc): Record<string, fc.Arbitrary<unknown>> & { any: fc.Arbitrary<M> }
  mutate(f: typeof fc): fc.Arbitrary<{ frames: Buffer[]; invalid: boolean; mutation: string }>
}

// Decode must either succeed or throw CodecError; anything else (RangeError, TypeError) is a bug.
function decodeOrCodecError<M>(codec: Codec<M>, frames: Buffer[]): M | CodecError {
  try {
    return codec.decode(frames)
  } catch (err) {
    if (err instanceof CodecError) return err
    throw err
  }
}

function suite<M extends { type: string }>(name: string, codec: Codec<M>, arbs: Arbs<M>): void {
  t.test(name, async (t) => {
    const all = arbs.arbitraries(fc)
    for (const [type, arb] of Object.entries(all)) {
      if (type === 'any') continue
      t.test(`${type} round-trips`, async (t) => {
        fc.assert(
          fc.property(arb as fc.Arbitrary<M>, (msg) => {
            const frames = codec.encode(msg)
            const back = codec.decode(frames)
            t.same(back, msg)
            // and re-encoding gives identical bytes
            const again = codec.encode(back)
            if (Buffer.compare(Buffer.concat(again), Buffer.concat(frames)) !== 0 || again.length !== frames.length) throw new Error('re-encode differs')
            if (!codec.format(back).startsWith(type)) throw new Error('format does not name the message')
          }),
          { numRuns: 150 },
        )
      })
    }

    t.test('every truncation of every first frame is refused with CODEC_TRUNCATED', async (t) => {
      let checked = 0
      fc.assert(
        fc.property(all.any, (msg) => {
          const [first, ...rest] = codec.encode(msg)
          for (let cut = 3; cut < first!.length; cut++) {
            const r = decodeOrCodecError(codec, [first!.subarray(0, cut), ...rest])
            if (!(r instanceof CodecError) || r.code !== 'CODEC_TRUNCATED') throw new Error(`cut at ${cut}: ${String(r)}`)
            checked++
          }
        }),
        { numRuns: 60 },
      )
      t.ok(checked > 0, `${checked} truncations checked`)
    })

    t.test('mutated frames: only CodecError, and always for certainly-invalid mutations', async (t) => {
      const kinds = new Map<string, number>()
      fc.assert(
        fc.property(arbs.mutate(fc), (m) => {
          const r = decodeOrCodecError(codec, m.frames)
          kinds.set(m.mutation, (kinds.get(m.mutation) ?? 0) + 1)
          if (m.invalid && !(r instanceof CodecError)) throw new Error(`${m.mutation} decoded: ${JSON.stringify(r)}`)
        }),
        { numRuns: 1500 },
      )
      t.equal(kinds.size, 8, 'all mutation kinds exercised')
    })

    t.test('random frames: only CodecError', async (t) => {
      let errors = 0
      fc.assert(
        fc.property(fc.array(fc.uint8Array({ maxLength: 80 }).map((a) => Buffer.from(a)), { maxLength: 3 }), (frames) => {
          if (decodeOrCodecError(codec, frames) instanceof CodecError) errors++
        }),
        { numRuns: 1500 },
      )
      t.ok(errors > 0)
    })

    t.test('random bytes behind a valid signature and id: only CodecError', async (t) => {
      const prefix = codec.encode(fc.sample(all.any, 1)[0]!)[0]!.subarray(0, 3)
      let errors = 0
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 255 }), (tail, id) => {
          const first = Buffer.concat([prefix.subarray(0, 2), Buffer.from([id]), tail])
          if (decodeOrCodecError(codec, [first]) instanceof CodecError) errors++
        }),
        { numRuns: 2000 },
      )
      t.ok(errors > 0)
    })
  })
}

suite('zre_msg', zreMsg as unknown as Codec<zreMsg.ZreMsg>, zreMsgArb as unknown as Arbs<zreMsg.ZreMsg>)
suite('zre_log_msg', zreLogMsg as unknown as Codec<zreLogMsg.ZreLogMsg>, zreLogMsgArb as unknown as Arbs<zreLogMsg.ZreLogMsg>)
suite('zgossip_msg', zgossipMsg as unknown as Codec<zgossipMsg.ZgossipMsg>, zgossipMsgArb as unknown as Arbs<zgossipMsg.ZgossipMsg>)

t.test('ZGOSSIP wire layout (signature 0, version 1 header, ids by position)', async (t) => {
  t.same(zgossipMsg.ZgossipMsgId, { HELLO: 1, PUBLISH: 2, PING: 3, PONG: 4, INVALID: 5 })
  const pub = zgossipMsg.encode({ type: 'PUBLISH', key: 'k1', value: 'tcp://127.0.0.1:5555', ttl: 30000 })
  t.same(pub.map((b) => b.toString('hex')), ['aaa00201' + '02' + '6b31' + '00000014' + Buffer.from('tcp://127.0.0.1:5555').toString('hex') + '00007530'])
  t.same(zgossipMsg.encode({ type: 'PING' }).map((b) => b.toString('hex')), ['aaa00301'])
  const badVersion = Buffer.from('aaa00302', 'hex')
  t.throws(() => zgossipMsg.decode([badVersion]), { code: 'CODEC_BAD_CONSTANT' })
  t.throws(() => zgossipMsg.decode([Buffer.from('aaa10301', 'hex')]), { code: 'CODEC_BAD_SIGNATURE' }, 'a ZRE signature is not a ZGOSSIP one')
})

t.test('ZRE log defines and an 8-byte time near 2^64', async (t) => {
  t.same([zreLogMsg.LEVEL_ERROR, zreLogMsg.LEVEL_WARNING, zreLogMsg.LEVEL_INFO], [1, 2, 3])
  t.same([zreLogMsg.EVENT_JOIN, zreLogMsg.EVENT_LEAVE, zreLogMsg.EVENT_ENTER, zreLogMsg.EVENT_EXIT, zreLogMsg.EVENT_SEND, zreLogMsg.EVENT_RECV], [1, 2, 3, 4, 5, 6])
  const msg: zreLogMsg.ZreLogMsg = { type: 'LOG', level: zreLogMsg.LEVEL_INFO, event: zreLogMsg.EVENT_SEND, node: 1, peer: 2, time: 2n ** 64n - 1n, data: '' }
  const [frame] = zreLogMsg.encode(msg)
  t.equal(frame!.subarray(9, 17).toString('hex'), 'ffffffffffffffff')
  t.same(zreLogMsg.decode([frame!]), msg)
})

t.test('ZRE: strings over 255 bytes are refused, not truncated', async (t) => {
  t.throws(() => zreMsg.encode({ type: 'JOIN', sequence: 1, group: 'g'.repeat(256), status: 0 }), { code: 'CODEC_STRING_TOO_LONG' })
  t.throws(() => zreMsg.encode({ type: 'HELLO', sequence: 1, endpoint: '', groups: [], status: 0, name: 'ü'.repeat(128), headers: new Map() }), { code: 'CODEC_STRING_TOO_LONG' })
  t.equal(zreMsg.encode({ type: 'JOIN', sequence: 1, group: 'g'.repeat(255), status: 0 })[0]![6], 255)
  t.throws(() => zreMsg.encode({ type: 'PING', sequence: 65536 }), { code: 'CODEC_BAD_VALUE' })
})
