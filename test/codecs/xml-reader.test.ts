// The small XML reader behind the model reader: attributes in either quote, entities, comments, CDATA,
// text, and the line of every element.
import t from 'tap'
import { parseXml } from '../../codecs/generator/xml-reader.ts'
import fc from 'fast-check'
import { ModelError } from '../../codecs/generator/model-error.ts'
import { parseModel } from '../../codecs/generator/model-reader.ts'

t.test('elements, attributes, text and lines', async (t) => {
  const doc = parseXml(
    [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<!DOCTYPE class>',
      '<!-- a comment with <tags> and "quotes"',
      '     over two lines -->',
      "<class name='single' title=\"double &amp; &lt;escaped&gt; &#65;&#x42;\">",
      '  Text &quot;one&quot;',
      '  <child a = "1"',
      '         b=\'2\'/>',
      '  <!-- <child a="ignored"/> -->',
      '  <other><![CDATA[<raw & text>]]></other>',
      '  &apos;two&apos;',
      '</class>',
    ].join('\n'),
    'x.xml',
  )
  t.equal(doc.name, 'class')
  t.equal(doc.line, 5)
  t.same(doc.attrs, { name: 'single', title: 'double & <escaped> AB' })
  t.equal(doc.children.length, 2, 'commented-out element ignored')
  t.same([doc.children[0]!.name, doc.children[0]!.line, doc.children[0]!.attrs], ['child', 7, { a: '1', b: '2' }])
  t.same([doc.children[1]!.name, doc.children[1]!.line, doc.children[1]!.text], ['other', 10, '<raw & text>'])
  t.match(doc.text, /Text "one"/)
  t.match(doc.text, /'two'/)
})

t.test('lines are counted inside attributes and comments', async (t) => {
  const doc = parseXml('<a\n  x="multi\nline">\n<!--\n\n-->\n<b/>\n</a>', 'y.xml')
  t.equal(doc.children[0]!.line, 7)
  t.equal(doc.attrs['x'], 'multi\nline')
})

t.test('descriptions of class, messages and fields are kept', async (t) => {
  const m = parseModel(
    `<class name="d" signature="0" title="T">
       Class text,
       second line.
       <message name="A">
         Message &amp; text
         <field name="f" type="string">Field text</field>
       </message>
     </class>`,
    'd.xml',
  )
  t.equal(m.description, 'Class text,\nsecond line.')
  t.equal(m.messages[0]!.description, 'Message & text')
  t.equal(m.messages[0]!.fields[0]!.description, 'Field text')
  t.equal(m.messages[0]!.fields[0]!.line, 6)
  t.equal(m.title, 'T')
})

t.test('random and damaged models only ever raise ModelError', async (t) => {
  const valid = `<?xml version="1.0"?>
<class name="z" signature="2" title="t &amp; u">
  <!-- c -->
  <define name="V" value="3">d</define>
  <header><field name="v" type="number" size="1" value="V"/></header>
  <message name="A" id='1'>text<field name="s" type="string">x</field><field name="h" type="hash"/></message>
  <message name="B"><field name="m" type="msg"/></message>
</class>`
  t.equal(parseModel(valid, 'v.xml').messages.length, 2, 'the seed model is valid')
  const kinds = { ok: 0, rejected: 0 }
  const check = (source: string): void => {
    try {
      parseModel(source, 'f.xml', () => {
        throw new Error('no includes here')
      })
      kinds.ok++
    } catch (err) {
      if (!(err instanceof ModelError)) throw err
      if (!/^f\.xml:\d+: /.test(err.message)) throw new Error(`no location: ${err.message}`)
      kinds.rejected++
    }
  }
  fc.assert(
    fc.property(fc.nat(), fc.nat(), fc.string({ maxLength: 12, unit: fc.constantFrom(...'<>/="\'&;!-?[] \nabcmsgfield#x0'.split('')) }), (a, b, insert) => {
      const i = a % valid.length
      const j = Math.min(valid.length, i + (b % 8))
      check(valid.slice(0, i) + insert + valid.slice(j))
    }),
    { numRuns: 3000 },
  )
  fc.assert(fc.property(fc.string({ maxLength: 200 }), check), { numRuns: 500 })
  t.ok(kinds.ok > 0 && kinds.rejected > 0, `${kinds.ok} accepted, ${kinds.rejected} rejected`)
})
