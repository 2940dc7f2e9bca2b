// Time-boxed fuzzing of a LIVE CURVE Router: mutated handshakes, and mutated or random traffic
// after a real handshake (so the fuzz reaches the MESSAGE decoder), each on its own TCP
// connection. Afterwards a libzmq CURVE client on the same socket must still get in and through.
import t from 'tap'
import * as net from 'node:net'
import { once } from 'node:events'
import fc from 'fast-check'
import * as zmq from 'zeromq'
import { Router, curveKeyPair, z85Decode } from '../../zmtp/index.ts'
import { CurveClient } from '../../zmtp/curve/client.ts'
import { CURVE_FLAG_COMMAND, CURVE_FLAG_MORE } from '../../zmtp/curve/message-codec.ts'
import { encodeGreeting } from '../../zmtp/codec/greeting.ts'
import { encodeMetadata } from '../../zmtp/codec/metadata.ts'
import { encodeCommand } from '../../zmtp/codec/frame.ts'
import { FrameDecoder } from '../../zmtp/codec/frame-decoder.ts'
import { parseCommand } from '../../zmtp/codec/commands.ts'

const server = curveKeyPair()
const client = curveKeyPair()
const clientKeys = { publicKey: z85Decode(client.publicKey), secretKey: z85Decode(client.secretKey), serverKey: z85Decode(server.publicKey) }
const GREETING = encodeGreeting({ mechanism: 'CURVE', asServer: false })
const METADATA = encodeMetadata([['Socket-Type', Buffer.from('DEALER')], ['Identity', Buffer.from('fz')]])

const router = new Router({ linger: 0, maxMessageSize: 64 * 1024, handshakeTimeout: 2000, curveServer: true, curveSecretKey: server.secretKey })
await router.bind('tcp://127.0.0.1:0')
const port = Number(router.lastEndpoint!.split(':').pop())

let reading = true
let fromFuzz = 0
const reader = (async () => {
  while (reading) {
    try {
      await router.receive()
      fromFuzz++
    } catch {
      return
    }
  }
})()
t.teardown(async () => {
  reading = false
  router.close()
  await reader
})

function mutate(base: Buffer, edits: { at: number; value: number }[], cut: number): Buffer {
  const b = Buffer.from(base)
  for (const e of edits) b[e.at % b.length] = e.value
  return b.subarray(0, Math.max(1, cut % (b.length + 1)))
}

/** The data of the n-th command the server sends on `socket` (1-based), once it has come. */
function serverCommands(socket: net.Socket): (n: number) => Promise<Buffer> {
  const commands: Buffer[] = []
  let greeting = Buffer.alloc(0)
  let waker: (() => void) | undefined
  const decoder = new FrameDecoder({ onMessage: () => {}, onCommand: (b) => { commands.push(Buffer.from(parseCommand(b).data)); waker?.() } })
  socket.on('data', (d: Buffer) => {
    if (greeting.length < 64) {
      greeting = Buffer.concat([greeting, d])
      if (greeting.length < 64) return
      d = greeting.subarray(64)
      greeting = greeting.subarray(0, 64)
    }
    decoder.push(d)
  })
  return async (n) => {
    while (commands.length < n) await new Promise<void>((r) => (waker = r))
    return commands[n - 1]!
  }
}

/** A connection whose client has sent HELLO and taken the router's WELCOME. */
async function welcomed(): Promise<{ socket: net.Socket; cc: CurveClient; next: (n: number) => Promise<Buffer> }> {
  const socket = net.connect(port, '127.0.0.1')
  socket.on('error', () => {})
  await once(socket, 'connect')
  const cc = new CurveClient(clientKeys)
  const next = serverCommands(socket)
  socket.write(Buffer.concat([GREETING, cc.hello()]))
  cc.welcome(await next(1))
  return { socket, cc, next }
}

/** A connection that has done a real CURVE handshake with the router: write anything after it. */
async function handshaken(): Promise<{ socket: net.Socket; codec: ReturnType<CurveClient['ready']>['messages'] }> {
  const { socket, cc, next } = await welcomed()
  socket.write(cc.initiate(METADATA))
  const { messages } = cc.ready(await next(2))
  return { socket, codec: messages }
}

async function finish(socket: net.Socket, bytes: Uint8Array): Promise<void> {
  socket.end(bytes)
  await once(socket, 'close')
}

const edits = fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 6 })
const settings = { interruptAfterTimeLimit: 2000, numRuns: 2000 }

async function libzmqClientWorks(tag: string): Promise<boolean> {
  const dealer = new zmq.Dealer({ curveServerKey: server.publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey, routingId: 'good', linger: 0 })
  try {
    dealer.connect(router.lastEndpoint!)
    const before = fromFuzz
    await dealer.send(tag)
    // The reader counts every message; wait for ours to be among them.
    const deadline = Date.now() + 5000
    while (fromFuzz === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
    await router.send(['good', `echo-${tag}`])
    const [back] = await dealer.receive()
    return back!.toString() === `echo-${tag}`
  } finally {
    dealer.close()
  }
}

t.ok(await libzmqClientWorks('before'), 'a libzmq CURVE client works before fuzzing')

t.test('mutated CURVE greetings and HELLOs', async (t) => {
  let runs = 0
  const script = Buffer.concat([GREETING, new CurveClient(clientKeys).hello()])
  await fc.assert(
    fc.asyncProperty(edits, fc.nat(), async (e, cut) => {
      runs++
      const s = net.connect(port, '127.0.0.1')
      s.on('error', () => {})
      s.on('data', () => {})
      await once(s, 'connect')
      await finish(s, mutate(script, e, cut))
    }),
    settings,
  )
  t.ok(runs > 10, `${runs} connections fuzzed`)
  t.ok(await libzmqClientWorks('after-hello'))
})

t.test('mutated INITIATEs after a real WELCOME', async (t) => {
  let runs = 0
  await fc.assert(
    fc.asyncProperty(edits, fc.nat(), async (e, cut) => {
      runs++
      const { socket, cc } = await welcomed()
      await finish(socket, mutate(cc.initiate(METADATA), e, cut))
    }),
    { ...settings, numRuns: 500 },
  )
  t.ok(runs > 10, `${runs} connections fuzzed`)
  t.ok(await libzmqClientWorks('after-initiate'))
})

t.test('mutated and random traffic after a real handshake', async (t) => {
  let runs = 0
  await fc.assert(
    fc.asyncProperty(edits, fc.nat(), fc.uint8Array({ maxLength: 300 }), async (e, cut, noise) => {
      runs++
      const { socket, codec } = await handshaken()
      const traffic = Buffer.concat([
        codec.encodeFrame(CURVE_FLAG_MORE, Buffer.from('a')),
        codec.encodeFrame(0, Buffer.alloc(300, 1)),
        codec.encodeFrame(CURVE_FLAG_COMMAND, encodeCommand('PING', Buffer.of(0, 5)).subarray(2)),
        codec.encodeFrame(0, Buffer.from('b')),
      ])
      await finish(socket, Buffer.concat([mutate(traffic, e, cut), noise]))
    }),
    { ...settings, numRuns: 500 },
  )
  t.ok(runs > 10, `${runs} connections fuzzed`)
  t.ok(await libzmqClientWorks('after-traffic'))
  t.comment(`${fromFuzz} messages came out of fuzz input`)
})
