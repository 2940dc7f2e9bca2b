// Deadline queues (deadlines.ts), which hold every connection's handshake timeout: entries not
// cancelled expire once, in order, no earlier than their time; cancelled ones never; the timer
// keeps the process alive only while an entry is live; expiries may cancel or add entries; long
// runs of cancelled entries are compacted without losing live ones; a throwing expiry (a bug) is
// an uncaught error and the entries after it still expire (checked in a child process).
import t from 'tap'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { DeadlineQueue, deadlinesOf, type Expiring } from '../../../zmtp/connection/deadlines.ts'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
const timeouts = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length

function entry(log: string[], name: string, at?: number[]): Expiring {
  return { expired: () => { log.push(name); at?.push(performance.now()) } }
}

t.test('entries expire once, in order, not before their time; cancelled ones never', async (t) => {
  const q = new DeadlineQueue(30)
  const log: string[] = []
  const at: number[] = []
  const t0 = performance.now()
  const a = q.add(entry(log, 'a', at))
  const b = q.add(entry(log, 'b', at))
  await sleep(10)
  const t1 = performance.now()
  q.add(entry(log, 'c', at))
  q.add(entry(log, 'd', at))
  q.cancel(b)
  t.equal(q.size, 3)
  await sleep(100)
  t.same(log, ['a', 'c', 'd'])
  t.ok(at[0]! - t0 >= 29, `a after ${(at[0]! - t0).toFixed(1)} ms`)
  t.ok(at[1]! - t1 >= 29, `c after ${(at[1]! - t1).toFixed(1)} ms of its own`)
  t.equal(q.size, 0)
  q.cancel(a)
  q.cancel(b)
  t.equal(q.size, 0, 'cancelling an expired or cancelled entry does nothing')
})

t.test('the timer keeps the process alive only while an entry is live', async (t) => {
  await sleep(5)
  const before = timeouts()
  const q = new DeadlineQueue(10_000)
  const log: string[] = []
  const ns = Array.from({ length: 100 }, (_, i) => q.add(entry(log, `e${i}`)))
  t.equal(timeouts(), before + 1, 'one timer for a hundred deadlines')
  for (const n of ns.slice(0, 99)) q.cancel(n)
  t.equal(timeouts(), before + 1, 'still there for the last live entry')
  q.cancel(ns[99]!)
  t.equal(timeouts(), before, 'gone once none is live')
  t.equal(q.size, 0)
  q.add(entry(log, 'again'))
  t.equal(timeouts(), before + 1, 'back for a new entry')
  q.cancel(ns[99]! + 1)
  t.equal(timeouts(), before)
  t.same(log, [])
})

t.test('an expiry may cancel later entries and add new ones', async (t) => {
  const q = new DeadlineQueue(20)
  const log: string[] = []
  let later = 0
  q.add({
    expired: () => {
      log.push('first')
      q.cancel(later)
      q.add(entry(log, 'added by first'))
    },
  })
  later = q.add(entry(log, 'cancelled by first'))
  q.add(entry(log, 'third'))
  await sleep(80)
  t.same(log, ['first', 'third', 'added by first'])
  t.equal(q.size, 0)
})

t.test('an expiry that cancels every other entry empties the queue cleanly', async (t) => {
  const q = new DeadlineQueue(15)
  const log: string[] = []
  const others: number[] = []
  q.add({ expired: () => { log.push('first'); for (const n of others) q.cancel(n) } })
  for (let i = 0; i < 10; i++) others.push(q.add(entry(log, `other${i}`)))
  await sleep(60)
  t.same(log, ['first'])
  q.add(entry(log, 'after'))
  await sleep(60)
  t.same(log, ['first', 'after'], 'the queue works after being emptied')
})

t.test('thousands of cancelled entries are compacted; the live ones among them expire', async (t) => {
  const q = new DeadlineQueue(40)
  const log: string[] = []
  const keep = new Set([0, 1500, 2999, 3000, 5999])
  for (let i = 0; i < 3000; i++) {
    const n = q.add(entry(log, `x${i}`))
    if (!keep.has(i)) q.cancel(n)
  }
  await sleep(20)
  for (let i = 3000; i < 6000; i++) {
    const n = q.add(entry(log, `x${i}`))
    if (!keep.has(i)) q.cancel(n)
  }
  t.equal(q.size, 5)
  await sleep(150)
  t.same(log, ['x0', 'x1500', 'x2999', 'x3000', 'x5999'])
})

t.test('deadlinesOf: one queue per duration', async (t) => {
  t.equal(deadlinesOf(1234), deadlinesOf(1234))
  t.not(deadlinesOf(1234), deadlinesOf(1235))
  t.equal(deadlinesOf(1234).ms, 1234)
})

t.test('an expiry that throws is an uncaught error; the entries after it still expire', async (t) => {
  const child = `
    import { DeadlineQueue } from './zmtp/connection/deadlines.ts'
    process.on('uncaughtException', (e) => console.log('uncaught ' + e.message))
    const q = new DeadlineQueue(5)
    q.add({ expired: () => console.log('a') })
    q.add({ expired: () => { throw new Error('boom') } })
    q.add({ expired: () => console.log('c') })`
  const out = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child], { cwd: root }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
  )
  t.equal(out, 'a\nuncaught boom\nc\n')
})
