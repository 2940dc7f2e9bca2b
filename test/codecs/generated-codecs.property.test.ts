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
