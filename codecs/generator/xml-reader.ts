// A small XML reader for zproto models: elements, attributes in ' or ", text, comments, CDATA, entities,
// <?xml?> and <!DOCTYPE> skipped. Every element remembers its line so model errors can say file:line.
// Not a general XML parser (no namespaces, no DTD entities), just enough for hand-written models.
import { ModelError } from './model-error.ts'

export interface XmlElement {
  name: string
  attrs: Record<string, string>
  children: XmlElement[]
  /** Text directly inside this element (children's text excluded), entities decoded. */
  text: string
  line: number
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }
// Sticky regexes match at `lastIndex` without copying the rest of the source.
const CLOSE = /<\/([A-Za-z_][\w.:-]*)\s*>/y
const OPEN = /<([A-Za-z_][\w.:-]*)/y
const SPACE = /\s*/y
const ATTR = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y
const match = (re: RegExp, source: string, at: number): RegExpExecArray | null => {
  re.lastIndex = at
  return re.exec(source)
}

export function parseXml(source: string, file: string): XmlElement {
  let pos = 0
  let line = 1
  const fail = (msg: string, at = line): never => {
    throw new ModelError(file, at, msg)
  }
  // Advances pos to `to`, counting newlines on the way.
  const advance = (to: number): void => {
    for (let i = pos; i < to; i++) if (source.charCodeAt(i) === 10) line++
    pos = to
  }
  const decode = (raw: string, at: number): string =>
    raw.replace(/&([^;\s&<]*);?/g, (whole, ent: string) => {
      if (!whole.endsWith(';')) fail(`unterminated entity '${whole}'`, at)
      if (ent in NAMED) return NAMED[ent]!
      const m = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(ent)
      if (!m) return fail(`unknown entity '&${ent};'`, at)
      const code = m[1]!.startsWith('x') ? parseInt(m[1]!.slice(1), 16) : parseInt(m[1]!, 10)
      if (code > 0x10ffff) fail(`bad character reference '&${ent};'`, at)
      return String.fromCodePoint(code)
    })
  const skipTo = (end: string, what: string): void => {
    const i = source.indexOf(end, pos)
    if (i < 0) fail(`unterminated ${what}`)
    advance(i + end.length)
  }

  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '', line: 1 }
  const stack: XmlElement[] = [root]
  while (pos < source.length) {
    const lt = source.indexOf('<', pos)
    const top = stack[stack.length - 1]!
    if (lt < 0 || lt > pos) {
      const end = lt < 0 ? source.length : lt
      const raw = source.slice(pos, end)
      const at = line
      advance(end)
      if (stack.length === 1) {
        if (raw.trim() !== '') fail('text outside the root element', at)
      } else top.text += decode(raw, at)
      continue
    }
    if (source.startsWith('<!--', pos)) skipTo('-->', 'comment')
    else if (source.startsWith('<?', pos)) skipTo('?>', 'processing instruction')
    else if (source.startsWith('<![CDATA[', pos)) {
      const i = source.indexOf(']]>', pos)
      if (i < 0) fail('unterminated CDATA section')
      top.text += source.slice(pos + 9, i)
      advance(i + 3)
    } else if (source.startsWith('<!', pos)) skipTo('>', 'declaration')
    else if (source.startsWith('</', pos)) {
      const m = match(CLOSE, source, pos)
      if (!m) fail('malformed closing tag')
      if (stack.length === 1 || top.name !== m![1]) fail(`unexpected </${m![1]}>` + (stack.length > 1 ? ` (open element is <${top.name}> from line ${top.line})` : ''))
      stack.pop()
      advance(pos + m![0].length)
    } else {
      const start = line
      const nm = match(OPEN, source, pos)
      if (!nm) fail('malformed tag')
      advance(pos + nm![0].length)
      const el: XmlElement = { name: nm![1]!, attrs: {}, children: [], text: '', line: start }
      let selfClosing = false
      for (;;) {
        const ws = match(SPACE, source, pos)![0]
        advance(pos + ws.length)
        if (pos >= source.length) fail(`unterminated <${el.name}> tag`, start)
        if (source.startsWith('/>', pos)) { selfClosing = true; advance(pos + 2); break }
        if (source[pos] === '>') { advance(pos + 1); break }
        const am = match(ATTR, source, pos)
        if (!am) fail(`malformed attribute in <${el.name}>`)
        const attrLine = line
        if (am![1]! in el.attrs) fail(`duplicate attribute '${am![1]}' in <${el.name}>`)
        el.attrs[am![1]!] = decode(am![2] ?? am![3] ?? '', attrLine)
        advance(pos + am![0].length)
      }
      if (stack.length === 1 && root.children.length > 0) fail('more than one root element', start)
      top.children.push(el)
      if (!selfClosing) stack.push(el)
    }
  }
  if (stack.length > 1) fail(`<${stack[stack.length - 1]!.name}> is never closed`, stack[stack.length - 1]!.line)
  const doc = root.children[0]
  if (!doc) fail('no root element')
  return doc!
}
