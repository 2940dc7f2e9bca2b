// Time-boxed fuzzing of a LIVE Router: random and mutated byte streams after a valid greeting,
// and mutated greetings, each on its own TCP connection. Afterwards a well-behaved libzmq DEALER
// on the same socket must still work and the process must be intact.
import t from 'tap'
import * as net from 'node:net'
import { once } from 'node:events'
import fc from 'fast-check'
import * as zmq from 'zeromq'
import { Router } from '../../zmtp/index.ts'
import { encodeGreeting } from '../../zmtp/codec/greeting.ts'
import { encodeCommand, encodeMessage } from '../../zmtp/codec/frame.ts'
import { encodeHello, encodeInitiate, encodePing, encodeReady, encodeSubscribe } from '../../zmtp/codec/commands.ts'

const GREETING = encodeGreeting({ mechanism: 'NULL', asServer: false })
const READY = encodeReady([['Socket-Type', Buffer.from('DEALER')], ['Identity', Buffer.from('fz')]])
const VALID_TRAFFIC = Buffer.concat([
  encodeMessage([Buffer.from('a'), Buffer.alloc(0), Buffer.alloc(300, 1)]),
  encodePing(5, Buffer.from('c')),
  encodeSubscribe(Buffer.from('x')),
  encodeCommand('X-UNKNOWN', Buffer.of(1, 2, 3)),
  encodeMessage([Buffer.alloc(255, 2)]),
])

const router = new Router({ linger: 0, maxMessageSize: 64 * 1024, handshakeTimeout: 2000 })
await router.bind('tcp://127.0.0.1:0')
const port = Number(router.lastEndpoint!.split(':').pop())
const good = new zmq.Dealer({ routingId: 'good', linger: 0 })
good.connect(`tcp://127.0.0.1:${port}`)

// Fuzz peers may well produce valid messages: read everything, keep what the good peer sends.
const fromGood: string[] = []
let fromOthers = 0
let reading = true
const reader = (async () => {
  while (reading) {
    let m: Buffer[]
    try {
      m = await router.receive()
    } catch {
      return
    }
    if (m[0]!.toString() === 'good') fromGood.push(m[1]!.toString())
    else fromOthers++
  }
})()

t.teardown(async () => {
  reading = false
  good.close()
  router.close()
  await reader
})

async function goodPeerWorks(tag: string): Promise<boolean> {
  await good.send(tag)
  while (!fromGood.includes(tag)) await new Promise((r) => setTimeout(r, 5))
  await router.send(['good', `echo-${tag}`])
  const [back] = await good.receive()
  return back!.toString() === `echo-${tag}`
}

/** Sends bytes on a fresh connection, ends our side, resolves when the router has let go. */
async function hit(bytes: Uint8Array): Promise<void> {
  const s = net.connect(port, '127.0.0.1')
  s.on('error', () => {})
  s.on('data', () => {})
  await once(s, 'connect')
  s.end(bytes)
  await once(s, 'close')
}

function mutate(base: Buffer, edits: { at: number; value: number }[], cut: number): Buffer {
  const b = Buffer.from(base)
  for (const e of edits) b[e.at % b.length] = e.value
  return b.subarray(0, Math.max(1, cut % (b.length + 1)))
}

t.ok(await goodPeerWorks('before'), 'good peer works before fuzzing')

const edits = fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 6 })
// Bounded in time and in count: every run is a TCP connection and leaves a TIME_WAIT port behind.
const settings = { interruptAfterTimeLimit: 2000, numRuns: 3000 }

t.test('random bytes after a valid greeting and READY', async (t) => {
  let runs = 0
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 600 }), async (bytes) => {
      runs++
      await hit(Buffer.concat([GREETING, READY, bytes]))
    }),
    settings,
  )
  t.ok(runs > 10, `${runs} connections fuzzed`)
  t.ok(await goodPeerWorks('after-random'))
})

t.test('mutated valid traffic', async (t) => {
  let runs = 0
  await fc.assert(
    fc.asyncProperty(edits, fc.nat(), async (e, cut) => {
      runs++
      await hit(Buffer.concat([GREETING, READY, mutate(VALID_TRAFFIC, e, cut)]))
    }),
    settings,
  )
  t.ok(runs > 10, `${runs} connections fuzzed`)
  t.ok(await goodPeerWorks('after-mutated-traffic'))
})

t.test('mutated greetings and READY commands', async (t) => {
  let runs = 0
  const handshake = Buffer.concat([GREETING, READY, encodeMessage([Buffer.from('hi')])])
  await fc.assert(
    fc.asyncProperty(edits, fc.nat(), async (e, cut) => {
      runs++
      await hit(mutate(handshake, e, cut))
    }),
    settings,
  )
  t.ok(runs > 10, `${runs} connections fuzzed`)
  t.ok(await goodPeerWorks('after-mutated-greetings'))
  t.comment(`${fromOthers} valid messages came out of fuzz input`)
})

t.test('mutated PLAIN handshakes against a PLAIN router; a good PLAIN client still gets in', async (t) => {
  const plain = new Router({ linger: 0, plainServer: true, handshakeTimeout: 2000, authenticate: (r) => r.password === 'secret' })
  t.teardown(() => plain.close())
  await plain.bind('tcp://127.0.0.1:0')
  const plainPort = Number(plain.lastEndpoint!.split(':').pop())
  const script = Buffer.concat([
    encodeGreeting({ mechanism: 'PLAIN', asServer: false }),
    encodeHello('alice', 'secret'),
    encodeInitiate([['Socket-Type', Buffer.from('DEALER')], ['Identity', Buffer.from('p1')]]),
    encodeMessage([Buffer.from('in')]),
  ])
  let runs = 0
  await fc.assert(
    fc.asyncProperty(edits, fc.nat(), async (e, cut) => {
      runs++
      const s = net.connect(plainPort, '127.0.0.1')
      s.on('error', () => {})
      s.on('data', () => {})
      await once(s, 'connect')
      s.end(mutate(script, e, cut))
      await once(s, 'close')
    }),
    settings,
  )
  t.ok(runs > 10, `${runs} connections fuzzed`)
  const client = new zmq.Dealer({ plainUsername: 'alice', plainPassword: 'secret', routingId: 'ok', linger: 0 })
  t.teardown(() => client.close())
  client.connect(`tcp://127.0.0.1:${plainPort}`)
  await client.send('after fuzz')
  for (;;) {
    const [id, body] = await plain.receive()
    if (id!.toString() === 'ok') {
      t.equal(body!.toString(), 'after fuzz', 'good PLAIN client authenticated and delivered')
      break
    }
  }
})
