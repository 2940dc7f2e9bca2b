// Cross-check with an independent implementation: the hand-written ZRE codec of the zyre.js npm package
// reads what our generated codec writes, and we read what it writes, for random messages of every type
// zyre.js knows (it has no ELECT, LEADER or GOODBYE).
import t from 'tap'
import fc from 'fast-check'
import Module, { createRequire } from 'node:module'
import { decode, encode, type ZreMsg } from '../../codecs/generated/zre-msg.ts'

interface JsMsg {
  cmd: number
  sequence: number
  toBuffer(): Buffer
  [k: string]: unknown
}
interface JsZreMsgClass {
  new (cmd: number, opts: Record<string, unknown>): JsMsg
  read(buf: Buffer, frame?: Buffer): JsMsg | undefined
}

// zre_msg.js requires 'zeromq' (v5 API) at load time; our devDependency is v6 with a v5-compat module.
const require = createRequire(import.meta.url)
const M = Module as unknown as { _resolveFilename(req: string, ...rest: unknown[]): string }
const original = M._resolveFilename
M._resolveFilename = function (req: string, ...rest: unknown[]) {
  return original.call(this, req === 'zeromq' ? 'zeromq/v5-compat' : req, ...rest)
}
let JsZreMsg: JsZreMsgClass
try {
  JsZreMsg = require('zyre.js/lib/zre_msg.js') as JsZreMsgClass
} finally {
  M._resolveFilename = original
}

const ids = { HELLO: 1, WHISPER: 2, SHOUT: 3, JOIN: 4, LEAVE: 5, PING: 6, PING_OK: 7 } as const
// zyre.js writes strings without a length check and keeps one content frame: stay inside what it can carry.
const text = fc.string({ unit: 'binary', maxLength: 50 })
const seq = fc.integer({ min: 0, max: 0xffff })
const status = fc.integer({ min: 0, max: 0xff })
const frame = fc.uint8Array({ maxLength: 100 }).map((a) => Buffer.from(a))
const messages: fc.Arbitrary<ZreMsg> = fc.oneof(
  fc.record({
    type: fc.constant('HELLO' as const),
    sequence: fc.constant(1), // zyre.js refuses a HELLO whose sequence is not 1
    endpoint: text,
    groups: fc.array(text, { maxLength: 5 }),
    status,
    name: text,
    headers: fc.dictionary(text.filter((k) => k !== '__proto__'), text, { maxKeys: 4 }).map((o) => new Map(Object.entries(o))),
  }),
  fc.record({ type: fc.constant('WHISPER' as const), sequence: seq, content: frame.map((f) => [f]) }),
  fc.record({ type: fc.constant('SHOUT' as const), sequence: seq, group: text, content: frame.map((f) => [f]) }),
  fc.record({ type: fc.constant('JOIN' as const), sequence: seq, group: text, status }),
  fc.record({ type: fc.constant('LEAVE' as const), sequence: seq, group: text, status }),
  fc.record({ type: fc.constant('PING' as const), sequence: seq }),
  fc.record({ type: fc.constant('PING_OK' as const), sequence: seq }),
)

// zyre.js' representation of one of our messages.
function toJs(m: ZreMsg): JsMsg {
  const { type, ...rest } = m as ZreMsg & Record<string, unknown>
  const opts: Record<string, unknown> = { ...rest }
  if (m.type === 'HELLO') opts['headers'] = Object.fromEntries(m.headers)
  if (m.type === 'WHISPER' || m.type === 'SHOUT') opts['content'] = m.content[0]
  return new JsZreMsg(ids[type as keyof typeof ids], opts)
}

t.test('zyre.js reads what we write', async (t) => {
  let n = 0
  fc.assert(
    fc.property(messages, (m) => {
      const frames = encode(m)
      const js = JsZreMsg.read(frames[0]!, frames[1])
      if (!js) throw new Error(`zyre.js rejected ${m.type}`)
      const want = toJs(m)
      for (const k of ['cmd', 'sequence', 'group', 'endpoint', 'groups', 'status', 'name', 'headers', 'content']) {
        t.same(js[k], want[k], `${m.type} ${k}`)
      }
      n++
    }),
    { numRuns: 300 },
  )
  t.equal(n, 300)
})

t.test('we read what zyre.js writes, byte-identical to our own encoding', async (t) => {
  fc.assert(
    fc.property(messages, (m) => {
      const js = toJs(m)
      const first = js.toBuffer()
      t.same(first, encode(m)[0], `${m.type} same bytes`)
      const frames = m.type === 'WHISPER' || m.type === 'SHOUT' ? [first, m.content[0]!] : [first]
      t.same(decode(frames), m, `${m.type} decoded`)
    }),
    { numRuns: 300 },
  )
})
