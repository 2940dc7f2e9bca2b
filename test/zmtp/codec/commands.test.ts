// Command codecs: each command round-trips, each malformed form is refused with a typed error.
import t from 'tap'
import * as c from '../../../zmtp/codec/commands.ts'
import { FrameDecoder } from '../../../zmtp/codec/frame-decoder.ts'
import { encodeCommand } from '../../../zmtp/codec/frame.ts'
import { codeOf } from '../../helpers/zmtp-codec.ts'

/** Frame → decoder → parseCommand, as the connection does. */
function parseWire(wire: Buffer): c.RawCommand {
  let body: Buffer | undefined
  new FrameDecoder({ onMessage: () => {}, onCommand: (b) => { body = b } }).push(wire)
  return c.parseCommand(body!)
}

t.test('frame layout of a command', async (t) => {
  const w = encodeCommand('PING', Buffer.of(0, 5))
  t.same([...w], [0x04, 7, 4, ...Buffer.from('PING'), 0, 5])
  const long = encodeCommand('READY', Buffer.alloc(300))
  t.equal(long[0], 0x06, 'LONG + COMMAND')
  t.equal(long.readBigUInt64BE(1), 306n)
  t.throws(() => encodeCommand(''), RangeError)
})

t.test('READY / INITIATE round trip', async (t) => {
  const props: [string, Buffer][] = [['Socket-Type', Buffer.from('DEALER')], ['Identity', Buffer.from('me')], ['X-Big', Buffer.alloc(300, 1)]]
  for (const [name, enc] of [['READY', c.encodeReady], ['INITIATE', c.encodeInitiate]] as const) {
    const cmd = parseWire(enc(props))
    t.equal(cmd.name, name)
    const m = c.decodeProperties(cmd.data)
    t.same([...m.keys()], ['socket-type', 'identity', 'x-big'], 'names lower-cased, in order')
    t.equal(m.get('socket-type')!.toString(), 'DEALER')
    t.equal(m.get('x-big')!.length, 300)
  }
  t.equal(c.decodeProperties(parseWire(c.encodeReady([])).data).size, 0, 'empty READY')
})

t.test('ERROR', async (t) => {
  t.equal(c.decodeError(parseWire(c.encodeError('Invalid socket type')).data), 'Invalid socket type')
  t.equal(c.decodeError(parseWire(c.encodeError('x'.repeat(400))).data).length, 255, 'cut to 255 bytes')
  t.equal(codeOf(() => c.decodeError(Buffer.alloc(0))), 'ZMTP_BAD_COMMAND', 'no length')
  t.equal(codeOf(() => c.decodeError(Buffer.of(5, 0x41))), 'ZMTP_BAD_COMMAND', 'truncated reason')
  t.equal(codeOf(() => c.decodeError(Buffer.of(1, 0x41, 0x42))), 'ZMTP_BAD_COMMAND', 'trailing bytes')
})

t.test('PING / PONG', async (t) => {
  const p = c.decodePing(parseWire(c.encodePing(300, Buffer.from('0123456789abcdef'))).data)
  t.equal(p.ttl, 300)
  t.equal(p.context.toString(), '0123456789abcdef')
  t.equal(c.decodePing(parseWire(c.encodePing(0)).data).context.length, 0, 'empty context')
  t.equal(c.decodePing(parseWire(c.encodePing(1e9)).data).ttl, 0xffff, 'TTL saturates')
  t.throws(() => c.encodePing(0, Buffer.alloc(17)), RangeError)
  t.equal(codeOf(() => c.decodePing(Buffer.of(0))), 'ZMTP_BAD_COMMAND', 'TTL truncated')
  t.equal(codeOf(() => c.decodePing(Buffer.alloc(2 + 17))), 'ZMTP_BAD_COMMAND', 'context over 16 bytes')
  const pong = parseWire(c.encodePong(Buffer.from('ctx')))
  t.equal(pong.name, 'PONG')
  t.equal(c.decodePong(pong.data).toString(), 'ctx')
  t.equal(codeOf(() => c.decodePong(Buffer.alloc(17))), 'ZMTP_BAD_COMMAND')
})

t.test('SUBSCRIBE / CANCEL', async (t) => {
  const s = parseWire(c.encodeSubscribe(Buffer.from('topic')))
  t.same([s.name, s.data.toString()], ['SUBSCRIBE', 'topic'])
  const x = parseWire(c.encodeCancel(Buffer.alloc(0)))
  t.same([x.name, x.data.length], ['CANCEL', 0])
})

t.test('PLAIN HELLO / WELCOME', async (t) => {
  t.same(c.decodeHello(parseWire(c.encodeHello('admin', 'sécret')).data), { username: 'admin', password: 'sécret' })
  t.same(c.decodeHello(parseWire(c.encodeHello('', '')).data), { username: '', password: '' })
  t.throws(() => c.encodeHello('u'.repeat(256), ''), RangeError)
  t.equal(codeOf(() => c.decodeHello(Buffer.alloc(0))), 'ZMTP_BAD_COMMAND', 'empty')
  t.equal(codeOf(() => c.decodeHello(Buffer.of(3, 0x61))), 'ZMTP_BAD_COMMAND', 'username truncated')
  t.equal(codeOf(() => c.decodeHello(Buffer.of(1, 0x61, 4, 0x62))), 'ZMTP_BAD_COMMAND', 'password truncated')
  t.equal(codeOf(() => c.decodeHello(Buffer.of(1, 0x61, 1, 0x62, 0x63))), 'ZMTP_BAD_COMMAND', 'trailing bytes')
  const w = parseWire(c.encodeWelcome())
  t.same([w.name, w.data.length], ['WELCOME', 0])
  t.equal(codeOf(() => c.decodeWelcome(Buffer.of(1))), 'ZMTP_BAD_COMMAND', 'WELCOME with data')
})

t.test('malformed command frames', async (t) => {
  t.equal(codeOf(() => c.parseCommand(Buffer.alloc(0))), 'ZMTP_BAD_COMMAND', 'empty body')
  t.equal(codeOf(() => c.parseCommand(Buffer.of(0))), 'ZMTP_BAD_COMMAND', 'empty name')
  t.equal(codeOf(() => c.parseCommand(Buffer.of(5, 0x41, 0x42))), 'ZMTP_BAD_COMMAND', 'name longer than frame')
  t.same(c.parseCommand(Buffer.of(1, 0x58)), { name: 'X', data: Buffer.alloc(0) }, 'unknown names parse (the connection ignores them)')
})

t.test('READY captured from libzmq 4.3.5 (zeromq.js Dealer) decodes; we encode the same bytes', async (t) => {
  const hex = '04290552454144590b536f636b65742d54797065000000064445414c4552084964656e7469747900000000'
  const cmd = parseWire(Buffer.from(hex, 'hex'))
  t.equal(cmd.name, 'READY')
  const m = c.decodeProperties(cmd.data)
  t.equal(m.get('socket-type')!.toString(), 'DEALER')
  t.equal(m.get('identity')!.length, 0, 'empty Identity')
  t.equal(c.encodeReady([['Socket-Type', Buffer.from('DEALER')], ['Identity', Buffer.alloc(0)]]).toString('hex'), hex)
})

t.test("libzmq's misspelt ERROR (\"^RROR\", captured from libzmq 4.3.4 rejecting a PLAIN client) parses as ERROR", async (t) => {
  const cmd = parseWire(Buffer.from('04095e52524f5203343030', 'hex'))
  t.equal(cmd.name, 'ERROR')
  t.equal(c.decodeError(cmd.data), '400')
})
