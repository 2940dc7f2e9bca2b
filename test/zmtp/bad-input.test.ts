// Hostile input against a LIVE Router socket while a well-behaved libzmq DEALER (zeromq.js) is
// connected to it: each bad connection is dropped with a typed error in the socket's events,
// the process does not crash, and the good peer keeps working after every case.
import t from 'tap'
import * as net from 'node:net'
import { once } from 'node:events'
import * as zmq from 'zeromq'
import { Router } from '../../zmtp/index.ts'
import type { ZmtpError } from '../../zmtp/errors.ts'
import { encodeGreeting } from '../../zmtp/codec/greeting.ts'
import { encodeCommand, encodeMessage } from '../../zmtp/codec/frame.ts'
import { encodeReady } from '../../zmtp/codec/commands.ts'

const NULL_GREETING = encodeGreeting({ mechanism: 'NULL', asServer: false })
const handshake = Buffer.concat([NULL_GREETING, encodeReady([['Socket-Type', Buffer.from('DEALER')]])])

function longHeader(size: bigint, flags = 0x02): Buffer {
  const b = Buffer.alloc(9)
  b[0] = flags
  b.writeBigUInt64BE(size, 1)
  return b
}

const cases: [name: string, bytes: Buffer, code: string][] = [
  ['bad greeting', Buffer.from('GET / HTTP/1.0\r\n\r\n'), 'ZMTP_BAD_GREETING'],
  ['ZMTP 2.0 peer', Buffer.of(0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 0x01, 0x05), 'ZMTP_UNSUPPORTED_VERSION'],
  ['unknown mechanism', encodeGreeting({ mechanism: 'X-MECH', asServer: false }), 'ZMTP_UNKNOWN_MECHANISM'],
  ['invalid flags', Buffer.concat([handshake, Buffer.of(0x40, 0)]), 'ZMTP_BAD_FLAGS'],
  ['LONG frame claiming 2^63 bytes', Buffer.concat([handshake, longHeader(2n ** 63n)]), 'ZMTP_FRAME_TOO_LARGE'],
  ['message over maxMessageSize', Buffer.concat([handshake, encodeMessage([Buffer.alloc(3000)])]), 'ZMTP_FRAME_TOO_LARGE'],
  ['multipart message over maxMessageSize', Buffer.concat([handshake, encodeMessage([Buffer.alloc(1500), Buffer.alloc(1500)])]), 'ZMTP_MESSAGE_TOO_LARGE'],
  ['malformed command', Buffer.concat([handshake, encodeCommand('PING', Buffer.of(7))]), 'ZMTP_BAD_COMMAND'],
  ['malformed READY metadata', Buffer.concat([NULL_GREETING, encodeCommand('READY', Buffer.of(200, 1, 2))]), 'ZMTP_BAD_METADATA'],
  ['incompatible socket type', Buffer.concat([NULL_GREETING, encodeReady([['Socket-Type', Buffer.from('PUSH')]])]), 'ZMTP_INCOMPATIBLE_SOCKET'],
  ['handshake never finished', NULL_GREETING.subarray(0, 20), 'ZMTP_HANDSHAKE_TIMEOUT'],
]

const router = new Router({ linger: 0, maxMessageSize: 2048, handshakeTimeout: 1500 })
await router.bind('tcp://127.0.0.1:0')
const port = Number(router.lastEndpoint!.split(':').pop())
const seen: ZmtpError[] = []
for (const type of ['handshake:error:protocol', 'handshake:error:other', 'handshake:error:auth', 'disconnect'] as const) {
  router.events.on(type, (e: { error?: ZmtpError }) => {
    if (e.error) seen.push(e.error)
  })
}
const good = new zmq.Dealer({ routingId: 'good', linger: 0 })
good.connect(`tcp://127.0.0.1:${port}`)
t.teardown(() => {
  good.close()
  router.close()
})

let round = 0
async function goodPeerWorks(): Promise<boolean> {
  const tag = `round-${round++}`
  await good.send(tag)
  const [id, body] = await router.receive()
  if (id!.toString() !== 'good' || body!.toString() !== tag) return false
  await router.send([id!, `echo-${tag}`])
  const [back] = await good.receive()
  return back!.toString() === `echo-${tag}`
}

t.ok(await goodPeerWorks(), 'good peer works before the hostile ones')

for (const [name, bytes, code] of cases) {
  t.test(name, async (t) => {
    const before = process.memoryUsage().arrayBuffers
    const n = seen.length
    const s = net.connect(port, '127.0.0.1')
    s.on('error', () => {})
    s.on('data', () => {})
    await once(s, 'connect')
    s.write(bytes)
    await once(s, 'close')
    t.pass('the router dropped the bad connection')
    while (!seen.slice(n).some((e) => e.code === code)) await new Promise((r) => setTimeout(r, 5))
    t.ok(seen.slice(n).some((e) => e.code === code), `event with ${code}`)
    t.ok(process.memoryUsage().arrayBuffers - before < 32 * 1024 * 1024, 'no large allocation')
    t.ok(await goodPeerWorks(), 'the good peer still works')
  })
}

t.test('many hostile connections at once, good peer unaffected', async (t) => {
  const socks = await Promise.all(
    cases.filter(([, , code]) => code !== 'ZMTP_HANDSHAKE_TIMEOUT').map(async ([, bytes]) => {
      const s = net.connect(port, '127.0.0.1')
      s.on('error', () => {})
      s.on('data', () => {})
      await once(s, 'connect')
      s.write(bytes)
      return once(s, 'close')
    }),
  )
  t.equal(socks.length, cases.length - 1)
  t.ok(await goodPeerWorks())
})
