// The inproc transport's streams (memory-stream.ts) and name registry (inproc.ts) on their own:
// delivery order and timing, pause and drain, how end and destroy close both sides, and dials that
// wait for a bind or give up first.
import t from 'tap'
import { MemoryStream } from '../../../zmtp/transport/memory-stream.ts'
import { bindInproc, dialInproc } from '../../../zmtp/transport/inproc.ts'

const turn = (): Promise<void> => new Promise((r) => setImmediate(r))

function collect(s: MemoryStream): Buffer[] {
  const got: Buffer[] = []
  s.setChunkHandler((chunk) => {
    got.push(chunk)
    return true
  })
  return got
}

function closes(s: MemoryStream): { count: number; errors: unknown[] } {
  const seen = { count: 0, errors: [] as unknown[] }
  s.onClose((err) => {
    seen.count++
    if (err !== undefined) seen.errors.push(err)
  })
  return seen
}

t.test('chunks arrive in order on a later turn; writableLength and drain follow the reader', async (t) => {
  const [a, b] = MemoryStream.pair()
  let drains = 0
  a.setDrainListener(() => drains++)
  const got = collect(b)
  const source = Buffer.from('abc')
  a.write(source)
  a.writev([Buffer.from('de'), Buffer.from('f')])
  source.fill(0x7a)
  t.same(got, [], 'nothing within the same turn')
  t.equal(a.writableLength, 6, 'unread bytes count as written but not gone')
  await turn()
  t.same(got.map(String), ['abc', 'def'], 'in order, one chunk per write, the writer free to reuse its buffer')
  t.equal(a.writableLength, 0)
  t.equal(drains, 1, 'drain once the reader has taken everything')
})

t.test('pause holds the chunks and the writer; resume delivers; a late handler gets earlier chunks', async (t) => {
  const [a, b] = MemoryStream.pair()
  a.write(Buffer.from('early'))
  await turn()
  const got = collect(b)
  b.pause()
  a.write(Buffer.from('held'))
  await turn()
  t.same(got.map(String), [], 'paused before the first delivery')
  t.equal(a.writableLength, 9)
  b.resume()
  await turn()
  t.same(got.map(String), ['early', 'held'])
  t.equal(a.writableLength, 0)
})

t.test('end: the peer gets what came before, ends too, and both close once without error', async (t) => {
  const [a, b] = MemoryStream.pair()
  const got = collect(b)
  collect(a)
  const ca = closes(a)
  const cb = closes(b)
  a.end(Buffer.from('last'))
  a.write(Buffer.from('after end: dropped'))
  for (let i = 0; i < 4; i++) await turn()
  t.same(got.map(String), ['last'])
  t.ok(a.destroyed && b.destroyed)
  t.same([ca.count, cb.count], [1, 1])
  t.same([...ca.errors, ...cb.errors], [])
  const late = closes(a)
  await turn()
  t.equal(late.count, 1, 'a close listener added afterwards is still called')
})

t.test('destroy: the peer reads what was written first, then closes', async (t) => {
  const [a, b] = MemoryStream.pair()
  const got = collect(b)
  const cb = closes(b)
  a.write(Buffer.from('before'))
  a.destroy()
  a.write(Buffer.from('after'))
  t.ok(a.destroyed)
  for (let i = 0; i < 4; i++) await turn()
  t.same(got.map(String), ['before'])
  t.ok(b.destroyed)
  t.equal(cb.count, 1)
})

t.test('inproc names: a dial waits for the bind; a dial destroyed first never connects', async (t) => {
  const name = `memory-stream-test-${process.pid}`
  let connected = 0
  const waiting = dialInproc(name, () => connected++)
  const abandoned = dialInproc(name, () => t.fail('an abandoned dial connected'))
  abandoned.destroy()
  await turn()
  const accepted: string[] = []
  const unbind = bindInproc(name, (_stream, address) => accepted.push(address))
  t.teardown(unbind)
  t.throws(() => bindInproc(name, () => {}), { code: 'EADDRINUSE' })
  for (let i = 0; i < 3; i++) await turn()
  t.equal(connected, 1)
  t.same(accepted, [name])
  t.notOk(waiting.destroyed)
  unbind()
  const again = bindInproc(name, () => {})
  again()
  t.pass('unbinding frees the name')
})
