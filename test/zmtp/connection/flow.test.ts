// Flow control of one Connection: pauseInput/resumeInput, send() returning false and 'drain',
// graceful close() flushing what was queued, destroy() semantics.
import t from 'tap'
import * as zmq from 'zeromq'
import { connectTcp, connection, listen, RawPeer } from './helpers.ts'
import { encodeMessage } from '../../../zmtp/codec/frame.ts'
import { encodeGreeting } from '../../../zmtp/codec/greeting.ts'
import { encodeReady } from '../../../zmtp/codec/commands.ts'
import { ZmtpError } from '../../../zmtp/errors.ts'

const portOf = (endpoint: string): number => Number(endpoint.split(':').pop())
const handshake = Buffer.concat([encodeGreeting({ mechanism: 'NULL', asServer: false }), encodeReady([['Socket-Type', Buffer.from('DEALER')]])])

t.test('pauseInput from a message listener holds the rest; resumeInput delivers it later, in order', async (t) => {
  const l = await listen()
  t.teardown(() => l.close())
  const { conn, rec } = connection(await connectTcp(l.port), { socketType: 'ROUTER' })
  t.teardown(() => conn.destroy())
  conn.on('message', () => {
    if (rec.messages.length === 1) conn.pauseInput()
  })
  const peer = new RawPeer(await l.accept())
  const msgs = Buffer.concat(['1', '2', '3', '4'].map((s) => encodeMessage([Buffer.from(s)])))
  peer.write(Buffer.concat([handshake, msgs]))
  await rec.messagesAtLeast(1)
  await new Promise((r) => setTimeout(r, 50))
  t.equal(rec.messages.length, 1, 'held while paused')
  t.ok(conn.isInputPaused)
  conn.resumeInput()
  t.equal(rec.messages.length, 1, 'not delivered inside resumeInput()')
  await rec.messagesAtLeast(4)
  t.same(rec.messages.map((m) => m[0]!.toString()), ['1', '2', '3', '4'])
})

t.test('send() returns false over the write mark and drain follows; every message arrives', async (t) => {
  const l = await listen()
  t.teardown(() => l.close())
  const { conn, rec } = connection(await connectTcp(l.port), { writeHighWaterMark: 64 * 1024 })
  t.teardown(() => conn.destroy())
  const s = await l.accept()
  s.pause() // the peer reads nothing for now: our writes must back up
  const peer = new RawPeer(s)
  peer.write(handshake)
  s.resume()
  await rec.ready
  s.pause()
  const frame = Buffer.alloc(1000, 1)
  let sent = 0
  while (conn.send([frame])) sent++
  sent++
  t.ok(conn.bufferedAmount > 64 * 1024, 'over the mark when send() said false')
  const drained = new Promise<void>((r) => conn.once('drain', () => r()))
  s.resume()
  await drained
  t.ok(conn.bufferedAmount <= 64 * 1024, 'under the mark at drain')
  await peer.until(() => peer.messages.length >= sent)
  t.equal(peer.messages.length, sent, `all ${sent} messages arrived`)
})

t.test('close() flushes queued messages before ending (libzmq receives them all)', async (t) => {
  const pull = new zmq.Pull()
  t.teardown(() => pull.close())
  await pull.bind('tcp://127.0.0.1:*')
  const { conn, rec } = connection(await connectTcp(portOf(pull.lastEndpoint!)), { socketType: 'PUSH' })
  await rec.ready
  for (let i = 0; i < 1000; i++) conn.send([Buffer.from(`m${i}`)])
  conn.close()
  t.equal(conn.send([Buffer.from('late')]), false, 'send after close is refused')
  for (let i = 0; i < 1000; i++) {
    const [m] = await pull.receive()
    if (m!.toString() !== `m${i}`) {
      t.fail(`got ${m} for ${i}`)
      break
    }
  }
  const err = await rec.closed
  t.equal(err, undefined, 'graceful close has no error')
  t.equal(rec.closes, 1)
})

t.test('destroy(err) emits that error then close, synchronously, once', async (t) => {
  const l = await listen()
  t.teardown(() => l.close())
  const { conn, rec } = connection(await connectTcp(l.port))
  await l.accept()
  const e = new ZmtpError('ETERM', 'bye')
  conn.destroy(e)
  t.equal(rec.closes, 1)
  t.equal(rec.errors[0], e)
  conn.destroy()
  conn.close()
  t.equal(rec.closes, 1, 'still one close')
})

t.test('send() before ready is a programming error (EFSM)', async (t) => {
  const l = await listen()
  t.teardown(() => l.close())
  const { conn } = connection(await connectTcp(l.port))
  t.teardown(() => conn.destroy())
  t.throws(() => conn.send([Buffer.from('x')]), { code: 'EFSM' })
})

t.test('bad options throw from the constructor, not later from the network path', async (t) => {
  const l = await listen()
  t.teardown(() => l.close())
  const s = await connectTcp(l.port)
  t.teardown(() => s.destroy())
  t.throws(() => connection(s, { mechanism: 'PLAIN', plainUsername: 'u'.repeat(256), plainPassword: '' }), RangeError)
  t.throws(() => connection(s, { metadata: new Map([['bad name', Buffer.alloc(0)]]) }), RangeError)
})
