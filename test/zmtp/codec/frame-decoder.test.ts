// Streaming frame decoder: size boundaries, flags, every chunking of a stream (split at every
// byte and random chunkings), limits checked from the header, state after errors.
import t from 'tap'
import fc from 'fast-check'
import { FrameDecoder, HARD_FRAME_CAP, type FrameSink } from '../../../zmtp/codec/frame-decoder.ts'
import { encodeCommand, encodeMessage, writeFrameHeader } from '../../../zmtp/codec/frame.ts'
import { codeOf } from '../../helpers/zmtp-codec.ts'

type Event = { kind: 'message'; frames: string[] } | { kind: 'command'; body: string }

function collector(): FrameSink & { events: Event[] } {
  const events: Event[] = []
  return {
    events,
    onMessage(frames) { events.push({ kind: 'message', frames: frames.map((f) => f.toString('hex')) }) },
    onCommand(body) { events.push({ kind: 'command', body: body.toString('hex') }) },
  }
}

function decodeChunks(chunks: Buffer[], options?: ConstructorParameters<typeof FrameDecoder>[1]): Event[] {
  const sink = collector()
  const d = new FrameDecoder(sink, options)
  for (const c of chunks) d.push(c)
  return sink.events
}

const sizes = [0, 1, 254, 255, 256, 257, 65535, 65536, 65537, 300_000]

t.test('header form at every size boundary', async (t) => {
  for (const n of sizes) {
    const body = Buffer.alloc(n, n & 0xff)
    const wire = encodeMessage([body])
    t.equal(wire.length, n + (n < 256 ? 2 : 9), `size ${n}: header length`)
    t.equal(wire[0], n < 256 ? 0x00 : 0x02, `size ${n}: flags (LONG iff > 255)`)
    if (n >= 256) t.equal(wire.readBigUInt64BE(1), BigInt(n), `size ${n}: 8-byte size`)
    else t.equal(wire[1], n, `size ${n}: 1-byte size`)
    const ev = decodeChunks([wire])
    t.equal(ev.length, 1)
    t.same(ev[0], { kind: 'message', frames: [body.toString('hex')] }, `size ${n}: round trip`)
  }
})

t.test('MORE joins frames into one message; COMMAND frames are separate', async (t) => {
  const wire = Buffer.concat([
    encodeMessage([Buffer.from('a'), Buffer.alloc(0), Buffer.alloc(256, 2)]),
    encodeCommand('PING', Buffer.of(0, 10)),
    encodeMessage([]),
  ])
  t.equal(wire[0], 0x01, 'first frame has MORE')
  t.same(decodeChunks([wire]), [
    { kind: 'message', frames: ['61', '', '02'.repeat(256)] },
    { kind: 'command', body: Buffer.concat([Buffer.of(4), Buffer.from('PING'), Buffer.of(0, 10)]).toString('hex') },
    { kind: 'message', frames: [''] },
  ])
})

t.test('a short size may be sent in LONG form (peers may do so)', async (t) => {
  const wire = Buffer.alloc(9 + 3)
  wire[0] = 0x02
  wire.writeBigUInt64BE(3n, 1)
  wire.write('abc', 9)
  t.same(decodeChunks([wire]), [{ kind: 'message', frames: ['616263'] }])
})

const stream = Buffer.concat([
  encodeMessage([Buffer.from('hello'), Buffer.alloc(0)]),
  encodeCommand('SUBSCRIBE', Buffer.from('topic')),
  encodeMessage([Buffer.alloc(255, 1), Buffer.alloc(256, 2), Buffer.alloc(1000, 3)]),
  encodeMessage([Buffer.alloc(0)]),
  encodeCommand('PING', Buffer.of(0, 0), Buffer.from('ctx')),
  encodeMessage([Buffer.from('end')]),
])

t.test('splitting the stream at every byte (in two and in single bytes) gives the same result', async (t) => {
  const whole = decodeChunks([stream])
  t.equal(whole.length, 6)
  for (let i = 0; i <= stream.length; i++) {
    t.same(decodeChunks([stream.subarray(0, i), stream.subarray(i)]), whole, `split at ${i}`)
  }
  const bytes: Buffer[] = []
  for (let i = 0; i < stream.length; i++) bytes.push(stream.subarray(i, i + 1))
  t.same(decodeChunks(bytes), whole, 'one byte per chunk')
})

t.test('random chunkings of random messages (fast-check)', async (t) => {
  const frameArb = fc.oneof(
    fc.uint8Array({ maxLength: 20 }),
    fc.uint8Array({ minLength: 250, maxLength: 300 }),
  )
  const msgArb = fc.array(frameArb, { minLength: 1, maxLength: 4 })
  fc.assert(
    fc.property(fc.array(msgArb, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(400), { maxLength: 30 }), (msgs, cuts) => {
      const wire = Buffer.concat(msgs.map((m) => encodeMessage(m.map((f) => Buffer.from(f)))))
      const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b)
      const chunks: Buffer[] = []
      let prev = 0
      for (const p of points) {
        chunks.push(wire.subarray(prev, p))
        prev = p
      }
      chunks.push(wire.subarray(prev))
      const ev = decodeChunks(chunks)
      const expected = msgs.map((m) => ({ kind: 'message', frames: m.map((f) => Buffer.from(f).toString('hex')) }))
      return JSON.stringify(ev) === JSON.stringify(expected)
    }),
    { numRuns: 300 },
  )
  t.pass('property held for 300 runs')
})

t.test('frames inside one chunk are views, not copies', async (t) => {
  const wire = encodeMessage([Buffer.from('abc')])
  let got: Buffer | undefined
  const d = new FrameDecoder({ onMessage: (f) => { got = f[0] }, onCommand: () => {} })
  d.push(wire)
  t.equal(got!.buffer, wire.buffer, 'same ArrayBuffer')
})

t.test('flags: reserved bits and COMMAND+MORE are refused', async (t) => {
  for (const flags of [0x08, 0x10, 0x20, 0x40, 0x80, 0xff, 0x05]) {
    t.equal(codeOf(() => decodeChunks([Buffer.of(flags, 0)])), 'ZMTP_BAD_FLAGS', `flags 0x${flags.toString(16)}`)
    t.equal(codeOf(() => decodeChunks([Buffer.of(flags)])), 'ZMTP_BAD_FLAGS', `flags 0x${flags.toString(16)} alone in a chunk`)
  }
  t.equal(codeOf(() => decodeChunks([Buffer.of(0x07, 0, 0, 0, 0, 0, 0, 0, 1)])), 'ZMTP_BAD_FLAGS', 'LONG COMMAND+MORE')
})

t.test('maxMessageSize is checked against the header, before the body arrives', async (t) => {
  // header only: the body never comes, so an error proves the check happens at the header
  const header = (n: number, more = false) => {
    const b = Buffer.alloc(9)
    return b.subarray(0, writeFrameHeader(b, 0, more ? 1 : 0, n))
  }
  t.equal(codeOf(() => decodeChunks([header(101)], { maxMessageSize: 100 })), 'ZMTP_FRAME_TOO_LARGE', 'short frame over the limit')
  t.equal(codeOf(() => decodeChunks([header(100)], { maxMessageSize: 100 })), undefined, 'frame exactly at the limit is fine')
  t.equal(codeOf(() => decodeChunks([header(1000)], { maxMessageSize: 100 })), 'ZMTP_FRAME_TOO_LARGE', 'long frame over the limit')
  const twoParts = Buffer.concat([header(60, true), Buffer.alloc(60), header(41)])
  t.equal(codeOf(() => decodeChunks([twoParts], { maxMessageSize: 100 })), 'ZMTP_MESSAGE_TOO_LARGE', 'sum of frames over the limit')
  const okParts = Buffer.concat([encodeMessage([Buffer.alloc(60), Buffer.alloc(40)]), encodeMessage([Buffer.alloc(100)])])
  t.equal(decodeChunks([okParts], { maxMessageSize: 100 }).length, 2, 'the total resets per message')
  t.equal(codeOf(() => decodeChunks([header(0)], { maxMessageSize: 0 })), undefined, 'empty frame with limit 0')
})

t.test('LONG sizes up to 2^64-1 are refused cleanly, also when unlimited', async (t) => {
  for (const n of [2n ** 63n, 2n ** 64n - 1n, 2n ** 53n, BigInt(HARD_FRAME_CAP) + 1n]) {
    const b = Buffer.alloc(9)
    b[0] = 0x02
    b.writeBigUInt64BE(n, 1)
    t.equal(codeOf(() => decodeChunks([b])), 'ZMTP_FRAME_TOO_LARGE', `unlimited, size ${n}`)
    t.equal(codeOf(() => decodeChunks([b], { maxMessageSize: 1000 })), 'ZMTP_FRAME_TOO_LARGE', `limited, size ${n}`)
    t.equal(codeOf(() => decodeChunks([b.subarray(0, 4), b.subarray(4)])), 'ZMTP_FRAME_TOO_LARGE', `split header, size ${n}`)
  }
})

t.test('a large frame that straddles chunks is accumulated piecewise, then delivered once', async (t) => {
  const body = Buffer.alloc(1 << 20)
  for (let i = 0; i < body.length; i++) body[i] = i & 0xff
  const wire = encodeMessage([body])
  const sink = collector()
  const d = new FrameDecoder(sink)
  for (let off = 0; off < wire.length; off += 65536) {
    t.equal(sink.events.length, 0, 'nothing before the last piece')
    d.push(wire.subarray(off, off + 65536))
  }
  t.equal(sink.events.length, 1)
  t.equal(sink.events[0]!.kind === 'message' && sink.events[0]!.frames[0] === body.toString('hex'), true, 'bytes intact')
})

t.test('command size cap and commands inside a multipart message', async (t) => {
  const big = encodeCommand('READY', Buffer.alloc(2000))
  t.equal(codeOf(() => decodeChunks([big], { maxCommandSize: 1000 })), 'ZMTP_FRAME_TOO_LARGE')
  const interleaved = Buffer.concat([Buffer.of(0x01, 1, 0x61), encodeCommand('PING', Buffer.of(0, 0))])
  t.equal(codeOf(() => decodeChunks([interleaved])), 'ZMTP_BAD_COMMAND')
})

t.test('too many frames in one message', async (t) => {
  const wire = Buffer.alloc(2 * 11)
  for (let i = 0; i < 11; i++) wire[2 * i] = 0x01
  t.equal(codeOf(() => decodeChunks([wire], { maxFrames: 10 })), 'ZMTP_MESSAGE_TOO_LARGE')
  t.equal(codeOf(() => decodeChunks([wire], { maxFrames: 11 })), undefined)
})

t.test('pause holds input, resume delivers it in order; stop drops everything', async (t) => {
  const sink = collector()
  const d = new FrameDecoder({
    onMessage(f) {
      sink.onMessage(f)
      if (sink.events.length === 1) d.pause()
    },
    onCommand: sink.onCommand,
  })
  const wire = Buffer.concat([encodeMessage([Buffer.from('1')]), encodeMessage([Buffer.from('2')])])
  d.push(wire)
  d.push(encodeMessage([Buffer.from('3')]))
  t.equal(sink.events.length, 1, 'paused after the first message')
  t.ok(d.isPaused)
  d.resume()
  t.same(sink.events.map((e) => (e.kind === 'message' ? e.frames[0] : '')), ['31', '32', '33'])
  d.stop()
  d.push(encodeMessage([Buffer.from('4')]))
  t.equal(sink.events.length, 3, 'nothing after stop')
})

t.test('reused chunks (viewMin Infinity): any chunking, the memory reused after each push, nothing kept (fast-check)', async (t) => {
  const frameArb = fc.oneof(fc.uint8Array({ maxLength: 20 }), fc.uint8Array({ minLength: 250, maxLength: 600 }))
  const msgArb = fc.array(frameArb, { minLength: 1, maxLength: 4 })
  fc.assert(
    fc.property(
      fc.array(msgArb, { minLength: 1, maxLength: 6 }),
      fc.array(fc.nat(3000), { maxLength: 30 }),
      fc.array(fc.boolean(), { maxLength: 12 }),
      (msgs, cuts, pauses) => {
        const wire = Buffer.concat(msgs.map((m) => encodeMessage(m.map((f) => Buffer.from(f)))))
        const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b)
        // Frames are kept as delivered and only read at the end: a view into the reused
        // buffer would show the 0xEE it is overwritten with.
        const kept: Buffer[][] = []
        let n = 0
        const d: FrameDecoder = new FrameDecoder({
          onMessage: (f) => {
            kept.push(f)
            // Some messages pause the decoder mid-chunk: the rest of the chunk is held.
            if (pauses[n++ % Math.max(1, pauses.length)] === true) d.pause()
          },
          onCommand: () => {},
        })
        const scratch = Buffer.alloc(wire.length + 1)
        let prev = 0
        for (const p of [...points, wire.length]) {
          const len = wire.copy(scratch, 0, prev, p)
          d.push(scratch.subarray(0, len), Infinity)
          scratch.fill(0xee)
          prev = p
          d.resume()
        }
        while (d.isPaused) d.resume()
        const expected = msgs.map((m) => m.map((f) => Buffer.from(f).toString('hex')))
        return JSON.stringify(kept.map((m) => m.map((f) => f.toString('hex')))) === JSON.stringify(expected)
      },
    ),
    { numRuns: 300 },
  )
  t.pass('property held for 300 runs')
})

t.test('reused chunks (viewMin Infinity): frames are copies in their own exactly sized memory', async (t) => {
  const scratch = Buffer.alloc(200_000)
  const wire = Buffer.concat([encodeMessage([Buffer.from('abc')]), encodeMessage([Buffer.alloc(70_000, 7)])])
  wire.copy(scratch)
  const got: Buffer[] = []
  const d = new FrameDecoder({ onMessage: (f) => got.push(f[0]!), onCommand: () => {} })
  t.equal(d.push(scratch.subarray(0, wire.length), Infinity), false, "nothing of the chunk kept")
  t.equal(got.length, 2)
  t.not(got[0]!.buffer, scratch.buffer, 'small frame copied')
  t.not(got[1]!.buffer, scratch.buffer, 'large frame copied')
  t.equal(got[1]!.buffer.byteLength, 70_000, 'a large frame does not pin more than itself')
  scratch.fill(0)
  t.equal(got[0]!.toString(), 'abc')
  t.ok(got[1]!.every((b) => b === 7))
})

t.test('viewMin: parts at least that large stay views and push() says the chunk is taken', async (t) => {
  const wire = Buffer.concat([encodeMessage([Buffer.from('abc')]), encodeMessage([Buffer.alloc(70_000, 7)])])
  const got: Buffer[] = []
  const d = new FrameDecoder({ onMessage: (f) => got.push(f[0]!), onCommand: () => {} })
  t.equal(d.push(wire, 65_536), true, 'a view was kept')
  t.not(got[0]!.buffer, wire.buffer, 'the small frame is a copy')
  t.equal(got[1]!.buffer, wire.buffer, 'the large frame is a view')
  const small = encodeMessage([Buffer.from('x')])
  t.equal(d.push(small, 65_536), false, 'only small frames: the chunk may be reused')
  small.fill(0)
  t.equal(got[2]!.toString(), 'x', 'copied, so unchanged when the chunk is reused')
  // A large frame's first piece is kept as a view too, so the chunk is taken.
  const big = encodeMessage([Buffer.alloc(200_000, 9)])
  t.equal(d.push(big.subarray(0, 100_000), 65_536), true, 'straddling piece kept as a view')
  t.equal(d.push(big.subarray(100_000), 65_536), true)
  t.equal(got[3]!.length, 200_000)
  t.ok(got[3]!.every((b) => b === 9))
  // While paused, held input follows the same rule.
  d.pause()
  t.equal(d.push(encodeMessage([Buffer.from('x')]), 65_536), false, 'small held input copied')
  t.equal(d.push(wire, 65_536), true, 'large held input kept as a view')
  d.resume()
  t.equal(got.length, 7)
})

t.test('largeFrameBytesAtLeast counts exactly the large frames wholly inside the chunk (fast-check)', async (t) => {
  const sizeArb = fc.oneof(fc.nat(40), fc.integer({ min: 250, max: 300 }), fc.integer({ min: 1000, max: 3000 }))
  fc.assert(
    fc.property(
      fc.array(sizeArb, { minLength: 1, maxLength: 12 }),
      fc.nat(),
      fc.nat(),
      fc.integer({ min: 1, max: 2000 }),
      fc.option(fc.nat()),
      fc.nat(4000),
      (sizes, cutSeed, endSeed, anyMin, pick, atLeast) => {
        // Often exactly one of the frame sizes, to test the boundary.
        const viewMin = pick === null ? anyMin : Math.max(1, sizes[pick % sizes.length]!)
        const frames = sizes.map((n) => Buffer.alloc(n, 1))
        const wire = encodeMessage(frames)
        // Frame layout: [headerStart, bodyStart, bodyEnd) for each frame of one message.
        const layout: [number, number, number][] = []
        let off = 0
        for (const f of frames) {
          const head = f.length < 256 ? 2 : 9
          layout.push([off, off + head, off + head + f.length])
          off += head + f.length
        }
        const cut = cutSeed % (wire.length + 1)
        const end = cut + (endSeed % (wire.length - cut + 1))
        const d = new FrameDecoder({ onMessage: () => {}, onCommand: () => {} })
        d.push(wire.subarray(0, cut))
        const chunk = wire.subarray(cut, end)
        const splitHeader = layout.some(([h, b]) => cut > h && cut < b)
        let large = 0
        for (const [h, b, e] of layout) if (h >= cut && e <= end && e - b >= viewMin) large += e - b
        const expected = !splitHeader && chunk.length >= atLeast && large >= atLeast
        return d.largeFrameBytesAtLeast(chunk, viewMin, atLeast) === expected
      },
    ),
    { numRuns: 1000 },
  )
  t.pass('property held for 1000 runs')
})

t.test('reused chunks: 4-16 KiB frames are copied into shared 64 KiB slabs, intact after the chunk is reused', async (t) => {
  const sizes = [5000, 16384, 4096, 12000, 9000, 7000, 4095, 16385]
  const wire = encodeMessage(sizes.map((n, i) => Buffer.alloc(n, i + 1)))
  const scratch = Buffer.from(wire)
  let frames: Buffer[] = []
  const d = new FrameDecoder({ onMessage: (f) => { frames = f }, onCommand: () => {} })
  t.equal(d.push(scratch, Infinity), false)
  scratch.fill(0xee)
  t.same(frames.map((f) => f.length), sizes)
  frames.forEach((f, i) => t.ok(f.every((b) => b === i + 1), `frame ${i} (${f.length} bytes) intact`))
  const slabbed = frames.filter((f) => f.length >= 4096 && f.length <= 16384)
  t.ok(slabbed.every((f) => f.buffer.byteLength === 65536), '4-16 KiB frames live in 64 KiB slabs')
  // Six of them, 53 KiB in all: two slabs at most, whatever the first slab held before.
  t.ok(new Set(slabbed.map((f) => f.buffer)).size <= 2, 'they share slabs')
  t.equal(frames[7]!.buffer.byteLength, 16385, 'a larger frame has memory of its own')
})
