// When queued messages leave before the end of the tick: small (copied) messages every 64 KiB,
// so a long synchronous loop of sends keeps feeding the kernel; large bodies (passed by
// reference) are gathered up to 1 MiB per write.
import t from 'tap'
import type { ByteStream } from '../../../zmtp/transport/byte-stream.ts'
import { StreamWriter } from '../../../zmtp/connection/stream-writer.ts'

/** A stream that records the bytes of each write call (a writev counts as one). */
function fakeStream(): { stream: ByteStream; writes: number[] } {
  const writes: number[] = []
  const stream = {
    writableLength: 0,
    destroyed: false,
    write(b: Buffer) { writes.push(b.length) },
    writev(bs: Buffer[]) { writes.push(bs.reduce((n, b) => n + b.length, 0)) },
    setDrainListener() {},
  }
  return { stream: stream as unknown as ByteStream, writes }
}

const host = { isReady: true, drained() {} }

t.test('small messages are written every 64 KiB within one synchronous loop', async (t) => {
  const { stream, writes } = fakeStream()
  const w = new StreamWriter(stream, undefined, host)
  const msg = [Buffer.alloc(14)] // 16 bytes on the wire
  for (let i = 0; i < 4095; i++) w.send(msg)
  t.same(writes, [], 'nothing written below 64 KiB')
  w.send(msg)
  t.same(writes, [65536], 'one write at 64 KiB')
  for (let i = 0; i < 4096; i++) w.send(msg)
  t.same(writes, [65536, 65536], 'and the next')
})

t.test('large bodies are gathered up to 1 MiB per write', async (t) => {
  const { stream, writes } = fakeStream()
  const w = new StreamWriter(stream, 4 << 20, host)
  const msg = [Buffer.alloc(65536)]
  for (let i = 0; i < 15; i++) w.send(msg)
  t.same(writes, [], '15 x 64 KiB: still gathering')
  w.send(msg)
  t.same(writes, [16 * (65536 + 9)], 'the 16th makes one write of all sixteen')
})
