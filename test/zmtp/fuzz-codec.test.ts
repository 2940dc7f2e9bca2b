// Pure codec fuzzing, no network: whatever bytes come in, the decoder either delivers or
// throws a ZmtpError, never anything else, and never delivers more payload than it was given.
import t from 'tap'
import fc from 'fast-check'
import { FrameDecoder } from '../../zmtp/codec/frame-decoder.ts'
import { decodeGreeting } from '../../zmtp/codec/greeting.ts'
import { decodeError, decodeHello, decodePing, decodeProperties, parseCommand } from '../../zmtp/codec/commands.ts'
import { ZmtpError } from '../../zmtp/errors.ts'

function onlyTypedErrors(fn: () => void): boolean {
  try {
    fn()
    return true
  } catch (e) {
    return e instanceof ZmtpError
  }
}

t.test('frame decoder on random chunked bytes', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 12 }), fc.integer({ min: -1, max: 300 }), (chunks, max) => {
      let delivered = 0
      const d = new FrameDecoder(
        {
          onMessage: (f) => { for (const x of f) delivered += x.length },
          onCommand: (b) => { delivered += b.length },
        },
        { maxMessageSize: max },
      )
      const total = chunks.reduce((n, c) => n + c.length, 0)
      const ok = onlyTypedErrors(() => { for (const c of chunks) d.push(Buffer.from(c)) })
      return ok && delivered <= total
    }),
    { numRuns: 5000 },
  )
  t.pass('only ZmtpError, never more payload than input')
})

t.test('greeting and command decoders on random bytes', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (b) => onlyTypedErrors(() => decodeGreeting(Buffer.from(b)))),
    { numRuns: 3000 },
  )
  const decoders = [parseCommand, decodeError, decodeHello, decodePing, decodeProperties]
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(decoders.length - 1), (b, i) => onlyTypedErrors(() => decoders[i]!(Buffer.from(b)))),
    { numRuns: 5000 },
  )
  t.pass('only ZmtpError')
})
