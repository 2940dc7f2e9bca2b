// Hostile and broken peers against a live Connection: each case ends in exactly one typed
// 'error' then one 'close', nothing throws, and no size the peer claims is allocated.
import t from 'tap'
import { connectTcp, connection, listen, RawPeer, delay } from './helpers.ts'
import { encodeGreeting } from '../../../zmtp/codec/greeting.ts'
import { encodeCommand, encodeMessage } from '../../../zmtp/codec/frame.ts'
import { encodeError, encodeReady } from '../../../zmtp/codec/commands.ts'
import { Connection } from '../../../zmtp/connection/connection.ts'
import type { ConnectionOptions } from '../../../zmtp/connection/connection.ts'

const NULL_GREETING = encodeGreeting({ mechanism: 'NULL', asServer: false })
const READY_DEALER = encodeReady([['Socket-Type', Buffer.from('DEALER')]])
const handshake = Buffer.concat([NULL_GREETING, READY_DEALER])

function longHeader(size: bigint, flags = 0x02): Buffer {
  const b = Buffer.alloc(9)
  b[0] = flags
  b.writeBigUInt64BE(size, 1)
  return b
}

interface Case {
  name: string
  bytes: Buffer
  code: string
  opts?: Partial<ConnectionOptions>
}

const cases: Case[] = [
  { name: 'HTTP request instead of a greeting', bytes: Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), code: 'ZMTP_BAD_GREETING' },
  { name: 'ZMTP 1.0 greeting (length + flags + identity)', bytes: Buffer.of(0x01, 0x00), code: 'ZMTP_BAD_GREETING' },
  { name: 'ZMTP 2.0 greeting: fails after 11 bytes, no wait for 64', bytes: Buffer.of(0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 0x01), code: 'ZMTP_UNSUPPORTED_VERSION' },
  { name: 'signature byte 9 wrong', bytes: Buffer.of(0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x00), code: 'ZMTP_BAD_GREETING' },
  { name: 'unknown mechanism', bytes: encodeGreeting({ mechanism: 'FOO', asServer: false }), code: 'ZMTP_UNKNOWN_MECHANISM' },
  { name: 'CURVE peer against NULL', bytes: encodeGreeting({ mechanism: 'CURVE', asServer: false }), code: 'ZMTP_MECHANISM_MISMATCH' },
  { name: 'garbage mechanism name', bytes: Buffer.concat([NULL_GREETING.subarray(0, 12), Buffer.from('nu\x01l'), Buffer.alloc(48)]), code: 'ZMTP_BAD_GREETING' },
  { name: 'reserved flag bits after the handshake', bytes: Buffer.concat([handshake, Buffer.of(0x80, 0)]), code: 'ZMTP_BAD_FLAGS' },
  { name: 'COMMAND with MORE', bytes: Buffer.concat([handshake, Buffer.of(0x05, 1, 0x41)]), code: 'ZMTP_BAD_FLAGS' },
  { name: 'LONG frame claiming 2^63 bytes (unlimited)', bytes: Buffer.concat([handshake, longHeader(2n ** 63n)]), code: 'ZMTP_FRAME_TOO_LARGE' },
  { name: 'LONG frame claiming 2^64-1 bytes (limited)', bytes: Buffer.concat([handshake, longHeader(2n ** 64n - 1n)]), code: 'ZMTP_FRAME_TOO_LARGE', opts: { maxMessageSize: 1000 } },
  { name: 'LONG command claiming 4 GiB', bytes: Buffer.concat([handshake, longHeader(2n ** 32n, 0x06)]), code: 'ZMTP_FRAME_TOO_LARGE' },
  { name: 'frame over maxMessageSize (header only sent)', bytes: Buffer.concat([handshake, longHeader(1001n)]), code: 'ZMTP_FRAME_TOO_LARGE', opts: { maxMessageSize: 1000 } },
  {
    name: 'multipart message over maxMessageSize',
    bytes: Buffer.concat([handshake, encodeMessage([Buffer.alloc(600), Buffer.alloc(600)])]),
    code: 'ZMTP_MESSAGE_TOO_LARGE',
    opts: { maxMessageSize: 1000 },
  },
  { name: 'malformed PING', bytes: Buffer.concat([handshake, encodeCommand('PING', Buffer.of(1))]), code: 'ZMTP_BAD_COMMAND' },
  { name: 'command name longer than its frame', bytes: Buffer.concat([handshake, Buffer.of(0x04, 2, 9, 0x41)]), code: 'ZMTP_BAD_COMMAND' },
  { name: 'empty command frame', bytes: Buffer.concat([handshake, Buffer.of(0x04, 0)]), code: 'ZMTP_BAD_COMMAND' },
  { name: 'READY with truncated metadata', bytes: Buffer.concat([NULL_GREETING, encodeCommand('READY', Buffer.of(11), Buffer.from('Socket-Type'), Buffer.of(0, 0, 0, 9), Buffer.from('DEA'))]), code: 'ZMTP_BAD_METADATA' },
  { name: 'READY without Socket-Type', bytes: Buffer.concat([NULL_GREETING, encodeReady([['Identity', Buffer.from('x')]])]), code: 'ZMTP_BAD_COMMAND' },
  { name: 'incompatible socket type', bytes: Buffer.concat([NULL_GREETING, encodeReady([['Socket-Type', Buffer.from('PUB')]])]), code: 'ZMTP_INCOMPATIBLE_SOCKET' },
  { name: 'unknown socket type', bytes: Buffer.concat([NULL_GREETING, encodeReady([['Socket-Type', Buffer.from('BOGUS')]])]), code: 'ZMTP_INCOMPATIBLE_SOCKET' },
  { name: 'data message before READY', bytes: Buffer.concat([NULL_GREETING, encodeMessage([Buffer.from('early')])]), code: 'ZMTP_UNEXPECTED_COMMAND' },
  { name: 'PING before READY', bytes: Buffer.concat([NULL_GREETING, encodeCommand('PING', Buffer.of(0, 0))]), code: 'ZMTP_UNEXPECTED_COMMAND' },
  { name: 'second READY', bytes: Buffer.concat([handshake, READY_DEALER]), code: 'ZMTP_UNEXPECTED_COMMAND' },
  { name: 'ERROR from the peer after the handshake', bytes: Buffer.concat([handshake, encodeError('going away')]), code: 'ZMTP_PEER_ERROR' },
  { name: 'ERROR from the peer during the handshake', bytes: Buffer.concat([NULL_GREETING, encodeError('no')]), code: 'ZMTP_PEER_ERROR' },
  { name: 'greeting never completed (short handshakeTimeout)', bytes: NULL_GREETING.subarray(0, 30), code: 'ZMTP_HANDSHAKE_TIMEOUT', opts: { handshakeTimeout: 100 } },
  { name: 'READY never sent (short handshakeTimeout)', bytes: NULL_GREETING, code: 'ZMTP_HANDSHAKE_TIMEOUT', opts: { handshakeTimeout: 100 } },
]

const l = await listen()
t.teardown(() => l.close())

for (const c of cases) {
  t.test(c.name, async (t) => {
    const before = process.memoryUsage().arrayBuffers
    const { conn, rec } = connection(await connectTcp(l.port), { socketType: 'ROUTER', ...c.opts })
    const peer = new RawPeer(await l.accept())
    peer.write(c.bytes)
    const err = await rec.closed
    t.equal(err?.code, c.code, 'typed error')
    t.equal(rec.errors.length, 1, 'one error event')
    t.equal(rec.errors[0], err, 'the same error on close')
    await delay(10)
    t.equal(rec.closes, 1, 'one close event')
    t.equal(rec.messages.length, 0, 'nothing delivered')
    t.notOk(conn.isReady)
    t.ok(process.memoryUsage().arrayBuffers - before < 32 * 1024 * 1024, 'no large allocation')
    await peer.until(() => peer.closed)
    t.ok(peer.closed, 'the peer was disconnected')
  })
}

t.test('incompatible socket type: the peer is told why with an ERROR command', async (t) => {
  const { rec } = connection(await connectTcp(l.port), { socketType: 'ROUTER' })
  const peer = new RawPeer(await l.accept())
  peer.write(Buffer.concat([NULL_GREETING, encodeReady([['Socket-Type', Buffer.from('SUB')]])]))
  await rec.closed
  await peer.until(() => peer.closed)
  const e = peer.commands.find((c) => c.name === 'ERROR')
  t.ok(e, 'ERROR received before the close')
  t.match(e!.data.subarray(1).toString(), /Invalid socket type/)
})

t.test('unknown commands after the handshake are ignored', async (t) => {
  const { conn, rec } = connection(await connectTcp(l.port), { socketType: 'ROUTER' })
  t.teardown(() => conn.destroy())
  const peer = new RawPeer(await l.accept())
  peer.write(Buffer.concat([handshake, encodeCommand('JOIN', Buffer.from('g')), encodeCommand('X-FUTURE'), encodeMessage([Buffer.from('after')])]))
  const [m] = await rec.messagesAtLeast(1)
  t.equal(m![0]!.toString(), 'after')
  t.equal(rec.errors.length, 0)
  t.ok(conn.isReady)
})

t.test('libzmq-style greeting in two parts (10 bytes, then the rest) is accepted', async (t) => {
  const { conn, rec } = connection(await connectTcp(l.port), { socketType: 'ROUTER' })
  t.teardown(() => conn.destroy())
  const peer = new RawPeer(await l.accept())
  peer.write(NULL_GREETING.subarray(0, 10))
  // like libzmq, wait for the other side's signature before sending the rest
  await peer.until(() => peer.greeting !== undefined)
  peer.write(Buffer.concat([NULL_GREETING.subarray(10), READY_DEALER]))
  const info = await rec.ready
  t.equal(info.socketType, 'DEALER')
})

t.test('without an error listener a protocol error still only closes the connection', async (t) => {
  const s = await connectTcp(l.port)
  const conn = new Connection(s, { socketType: 'ROUTER', mechanism: 'NULL', maxMessageSize: -1, handshakeTimeout: 0, heartbeatInterval: 0, heartbeatTimeout: 0, heartbeatTimeToLive: 0, address: 'x' })
  const peer = new RawPeer(await l.accept())
  t.equal(conn.listenerCount('error'), 0)
  const closed = new Promise((r) => conn.once('close', r))
  peer.write(Buffer.from('not zmtp at all'))
  const err = (await closed) as { code: string }
  t.equal(err.code, 'ZMTP_BAD_GREETING')
})

t.test('a peer that vanishes mid-message: close without error, no partial delivery', async (t) => {
  const { rec } = connection(await connectTcp(l.port), { socketType: 'ROUTER' })
  const peer = new RawPeer(await l.accept())
  const msg = encodeMessage([Buffer.from('part1'), Buffer.alloc(5000)])
  peer.write(Buffer.concat([handshake, msg.subarray(0, 100)]))
  await rec.ready
  peer.socket.destroy()
  const err = await rec.closed
  t.equal(err, undefined)
  t.equal(rec.messages.length, 0)
})

t.test('a frame header claiming 1 GiB (allowed: unlimited) allocates nothing until bytes arrive', async (t) => {
  const before = process.memoryUsage().arrayBuffers
  const { conn, rec } = connection(await connectTcp(l.port), { socketType: 'ROUTER', maxMessageSize: -1 })
  const peer = new RawPeer(await l.accept())
  peer.write(Buffer.concat([handshake, longHeader(2n ** 30n), Buffer.alloc(10)]))
  await rec.ready
  await delay(50)
  t.ok(process.memoryUsage().arrayBuffers - before < 32 * 1024 * 1024, 'no 1 GiB buffer')
  t.ok(conn.isReady, 'still open: the claim itself is legal')
  t.equal(rec.messages.length, 0)
  conn.destroy()
})

t.test('a message listener that destroys the connection stops delivery at once', async (t) => {
  const { conn, rec } = connection(await connectTcp(l.port), { socketType: 'ROUTER' })
  conn.on('message', () => conn.destroy())
  const peer = new RawPeer(await l.accept())
  peer.write(Buffer.concat([handshake, encodeMessage([Buffer.from('1')]), encodeMessage([Buffer.from('2')])]))
  await rec.closed
  t.equal(rec.messages.length, 1, 'nothing after destroy')
  t.equal(rec.closes, 1)
})
