// The write batcher: whatever mix of messages and raw commands goes in, the bytes that come out
// are exactly their encodings in order; large bodies are passed by reference; a quiet
// connection holds no slab between batches, a busy one grows its slab to 64 KiB and keeps it.
import t from 'tap'
import fc from 'fast-check'
import { WriteBatcher } from '../../../zmtp/connection/write-batcher.ts'
import { encodeMessage } from '../../../zmtp/codec/frame.ts'

const frame = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 300 }) },
  { weight: 2, arbitrary: fc.integer({ min: 4000, max: 9000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 60_000, max: 140_000 }) },
).map((n) => Buffer.alloc(n, n & 0xff))

const item = fc.oneof(
  fc.record({ raw: fc.constant(false as const), frames: fc.array(frame, { minLength: 1, maxLength: 4 }) }),
  fc.record({ raw: fc.constant(true as const), frames: fc.array(frame, { minLength: 1, maxLength: 1 }) }),
)

t.test('output bytes are the encodings in order, across slabs and takes', async (t) => {
  fc.assert(
    fc.property(fc.array(item, { maxLength: 60 }), fc.array(fc.boolean(), { maxLength: 60 }), (items, takeAfter) => {
      const b = new WriteBatcher()
      const out: Buffer[] = []
      const expected: Buffer[] = []
      items.forEach((it, i) => {
        if (it.raw) {
          b.addRaw(it.frames[0]!)
          expected.push(it.frames[0]!)
        } else {
          b.addMessage(it.frames)
          expected.push(encodeMessage(it.frames))
        }
        if (takeAfter[i]) out.push(...b.take())
      })
      const pending = b.pendingBytes
      const last = b.take()
      t.equal(last.reduce((n, p) => n + p.length, 0), pending, 'pendingBytes counts what take() returns')
      out.push(...last)
      t.ok(b.isEmpty)
      return Buffer.concat(out).equals(Buffer.concat(expected))
    }),
    { numRuns: 200 },
  )
})

t.test('a large body is referenced, not copied', async (t) => {
  const b = new WriteBatcher()
  const body = Buffer.alloc(100_000, 7)
  b.addMessage([Buffer.from('head'), body])
  t.ok(b.take().some((part) => part === body), 'the body Buffer itself is handed to the stream')
})

t.test('slabs start small and grow for busy connections', async (t) => {
  const b = new WriteBatcher()
  b.addMessage([Buffer.from('hello')])
  const [first] = b.take()
  t.ok(first!.buffer.byteLength < 64 * 1024, 'no 64 KiB slab for one small message')
  // Many small messages: later slabs reach 64 KiB so a busy tick is one or two writes.
  for (let i = 0; i < 5000; i++) b.addMessage([Buffer.alloc(40)])
  const parts = b.take()
  t.ok(parts.length <= 12, `5000 small messages in few parts (${parts.length})`)
})

t.test('a quiet connection holds no slab between its batches; a busy one keeps its large slab', async (t) => {
  const slabOf = (b: WriteBatcher): Buffer => (b as unknown as { slab: Buffer }).slab
  const quiet = new WriteBatcher()
  for (let turn = 0; turn < 3; turn++) {
    quiet.addMessage([Buffer.from(`message ${turn}`)])
    t.equal(Buffer.concat(quiet.take()).subarray(2).toString(), `message ${turn}`)
    t.equal(slabOf(quiet).length, 0, `nothing held after batch ${turn}`)
  }
  const busy = new WriteBatcher()
  for (let i = 0; i < 5000; i++) busy.addMessage([Buffer.alloc(40)])
  busy.take()
  t.ok(slabOf(busy).length > 1024, `a busy connection keeps its grown slab (${slabOf(busy).length} bytes)`)
})

t.test('copiedBytes counts what went into slabs, not bodies passed by reference (fast-check)', async (t) => {
  fc.assert(
    fc.property(fc.array(item, { maxLength: 40 }), (items) => {
      const b = new WriteBatcher()
      let referenced = 0
      for (const it of items) {
        if (it.raw) b.addRaw(it.frames[0]!)
        else b.addMessage(it.frames)
        // Bodies over 4 KiB in messages over 8 KiB, and raw buffers over 4 KiB, go by reference.
        const total = it.frames.reduce((n, f) => n + f.length + (f.length < 256 ? 2 : 9), 0)
        for (const f of it.frames) if (f.length > 4096 && (it.raw || total > 8192)) referenced += f.length
        if (b.copiedBytes !== b.pendingBytes - referenced) return false
      }
      b.take()
      return b.copiedBytes === 0 && b.pendingBytes === 0
    }),
    { numRuns: 300 },
  )
  t.pass('property held for 300 runs')
})
