// Invalid models are rejected with file:line and a message that says what is wrong.
import t, { type Test } from 'tap'
import { ModelError } from '../../codecs/generator/model-error.ts'
import { parseModel } from '../../codecs/generator/model-reader.ts'

// In-memory files for includes, so the tests never touch the disk.
const files: Record<string, string> = {
  '/m/a.xml': '<class name="a" signature="1">\n<include filename="b.xml"/>\n<message name="A"/>\n</class>',
  '/m/b.xml': '<x>\n<include filename="a.xml"/>\n</x>',
  '/m/sub/c.xml': '<x>\n\n<message name="C">\n<field name="n" type="number"/>\n</message>\n</x>',
  '/m/ok.xml': '<x><define name="V" value="7"/></x>',
  '/m/license.xml': '<license>\n  Copyright text, ignored\n</license>',
  '/m/one-message.xml': '<message name="INCLUDED" id="9">\n<field name="n" type="number" size="4"/>\n</message>',
}
const read = (p: string): string => {
  const text = files[p]
  if (text === undefined) throw new Error(`ENOENT: ${p}`)
  return text
}

function rejects(t: Test, source: string, where: string, message: RegExp, name = '/m/model.xml'): void {
  try {
    parseModel(source, name, read)
    t.fail(`accepted: expected ${message}`)
  } catch (err) {
    if (!(err instanceof ModelError)) throw err
    t.equal(`${err.file}:${err.line}`, where, `${err.message} (location)`)
    t.match(err.message, message)
    t.ok(err.message.startsWith(`${where}: `), 'message starts with file:line')
  }
}


const wrap = (body: string, cls = '<class name="m" signature="3">') => `${cls}\n${body}\n</class>\n`

t.test('field errors', async (t) => {
  rejects(t, wrap('<message name="A">\n  <field name="x" type="float"/>\n</message>'), '/m/model.xml:3', /field 'x' has unknown type 'float'/)
  rejects(t, wrap('<message name="A">\n  <field name="x" type="number"/>\n</message>'), '/m/model.xml:3', /number field 'x' needs a size/)
  rejects(t, wrap('<message name="A">\n  <field name="x" type="number" size="3"/>\n</message>'), '/m/model.xml:3', /size 3: must be 1, 2, 4 or 8/)
  rejects(t, wrap('<message name="A">\n  <field name="x" type="octets"/>\n</message>'), '/m/model.xml:3', /octets field 'x' needs a size/)
  rejects(t, wrap('<message name="A">\n  <field name="x" type="string" size="4"/>\n</message>'), '/m/model.xml:3', /takes no size/)
  rejects(t, wrap('<message name="A">\n<field name="c" type="msg"/>\n<field name="x" type="string"/>\n</message>'), '/m/model.xml:3', /msg field 'c' must be the last field of message A/)
  rejects(t, wrap('<header><field name="c" type="msg"/></header>\n<message name="A">\n<field name="x"/>\n</message>'), '/m/model.xml:2', /msg field 'c' must be the last/)
  rejects(t, wrap('<message name="A">\n<field name="x" type="string"/>\n</message>\n<message name="B">\n<field name="x" type="longstr"/>\n</message>'), '/m/model.xml:6', /field 'x' is longstr here but string at \/m\/model.xml:3: one name, one type/)
  rejects(t, wrap('<message name="A">\n<field name="x" type="number" size="1"/>\n</message>\n<message name="B">\n<field name="x" type="number" size="2"/>\n</message>'), '/m/model.xml:6', /number size 2 here but number size 1/)
  rejects(t, wrap('<message name="A">\n<field name="x"/>\n<field name="X"/>\n</message>'), '/m/model.xml:4', /field 'X' appears twice in message A/)
  rejects(t, wrap('<header><field name="x"/></header>\n<message name="A">\n<field name="x"/>\n</message>'), '/m/model.xml:4', /field 'x' appears twice/)
  rejects(t, wrap('<message name="A">\n<field name="type"/>\n</message>'), '/m/model.xml:3', /reserved/)
  rejects(t, wrap('<message name="A">\n<field type="string"/>\n</message>'), '/m/model.xml:3', /needs a name/)
  rejects(t, wrap('<message name="A">\n<field name="x" type="number" size="1" value="256"/>\n</message>'), '/m/model.xml:3', /constant 256 does not fit/)
  rejects(t, wrap('<message name="A">\n<field name="x" type="number" size="1" value="NOPE"/>\n</message>'), '/m/model.xml:3', /not a non-negative integer or a known define/)
  rejects(t, wrap('<message name="A">\n<field name="x" type="hash" value="1"/>\n</message>'), '/m/model.xml:3', /cannot have a constant/)
  rejects(t, wrap('<message name="A">\n<field name="x" type="string" colour="red"/>\n</message>'), '/m/model.xml:3', /unknown attribute 'colour'/)
  rejects(t, wrap('<message name="A">\n<fields name="x"/>\n</message>'), '/m/model.xml:3', /unknown element <fields>/)
})

t.test('message and class errors', async (t) => {
  rejects(t, wrap('<message name="A" id="4"/>\n<message name="B" id="4"/>'), '/m/model.xml:3', /duplicate message id 4: 'B' and 'A'/)
  rejects(t, wrap('<message name="A" id="2"/>\n<message name="B"/>'), '/m/model.xml:3', /duplicate message id 2/, '/m/model.xml')
  rejects(t, wrap('<message name="PING-OK"/>\n<message name="ping_ok"/>'), '/m/model.xml:3', /duplicate message name 'ping_ok'/)
  rejects(t, wrap('<message name="A" id="256"/>'), '/m/model.xml:2', /id="256" must be an integer from 0 to 255/)
  rejects(t, wrap('<message name="A"/>', '<class name="m" signature="16">'), '/m/model.xml:1', /signature="16" must be an integer from 0 to 15/)
  rejects(t, wrap('<message name="A"/>', '<class name="m" signature="-1">'), '/m/model.xml:1', /signature="-1"/)
  rejects(t, wrap('<message name="A"/>', '<class name="m" signature="x">'), '/m/model.xml:1', /signature="x"/)
  rejects(t, wrap('<message name="A"/>', '<class signature="1">'), '/m/model.xml:1', /<class> needs a name/)
  rejects(t, wrap(''), '/m/model.xml:1', /has no messages/)
  rejects(t, '<protocol name="m"/>', '/m/model.xml:1', /root element must be <class>/)
  rejects(t, wrap('<define name="V" value="1"/>\n<define name="v" value="2"/>\n<message name="A"/>'), '/m/model.xml:3', /duplicate define 'v'/)
  rejects(t, wrap('<define name="SIGNATURE" value="1"/>\n<message name="A"/>'), '/m/model.xml:2', /reserved/)
  rejects(t, wrap('<header/>\n<header/>\n<message name="A"/>'), '/m/model.xml:3', /only one <header>/)
  rejects(t, wrap('<massage name="A"/>'), '/m/model.xml:2', /unknown element <massage>/)
})

t.test('include errors carry the included file and line', async (t) => {
  rejects(t, wrap('<include filename="sub/c.xml"/>'), '/m/sub/c.xml:4', /number field 'n' needs a size/)
  rejects(t, wrap('\n<include filename="missing.xml"/>'), '/m/model.xml:3', /cannot read included file missing.xml/)
  rejects(t, wrap('<include/>'), '/m/model.xml:2', /<include> needs a filename/)
  rejects(t, files['/m/a.xml']!, '/m/b.xml:2', /include cycle/, '/m/a.xml')
  const m = parseModel(wrap('<include filename="ok.xml"/>\n<message name="A"/>'), '/m/model.xml', read)
  t.same(m.defines.map((d) => [d.name, d.value, d.file, d.line]), [['V', 7, '/m/ok.xml', 1]], 'an include resolved relative to the including file')
  const z = parseModel(wrap('<include filename="license.xml"/>\n<message name="A"/>\n<include filename="one-message.xml"/>'), '/m/model.xml', read)
  t.same(z.messages.map((x) => [x.name, x.id, x.file, x.line]), [['A', 1, '/m/model.xml', 3], ['INCLUDED', 9, '/m/one-message.xml', 1]], 'zproto style: an included <message> root is inserted itself, a <license> is ignored')
})

t.test('XML syntax errors', async (t) => {
  rejects(t, '<class name="m">\n<message name="A">\n</class>', '/m/model.xml:3', /unexpected <\/class> \(open element is <message> from line 2\)/)
  rejects(t, '<class name="m">\n<message name="A"/>', '/m/model.xml:1', /<class> is never closed/)
  rejects(t, '<class name="m">\n<message name="A &bogus;"/>\n</class>', '/m/model.xml:2', /unknown entity '&bogus;'/)
  rejects(t, '<class name="m">\n\n<message name=A/>\n</class>', '/m/model.xml:3', /malformed attribute in <message>/)
  rejects(t, '<class name="m" name="n"/>', '/m/model.xml:1', /duplicate attribute 'name'/)
  rejects(t, '<class name="m">\n<!-- never closed\n</class>', '/m/model.xml:2', /unterminated comment/)
  rejects(t, '<a/>\n<b/>', '/m/model.xml:2', /more than one root element/)
  rejects(t, 'text<a/>', '/m/model.xml:1', /text outside the root element/)
  rejects(t, '', '/m/model.xml:1', /no root element/)
})
