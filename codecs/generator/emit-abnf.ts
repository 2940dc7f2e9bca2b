// Emits the model's documentation as markdown: message table, field descriptions and the ABNF grammar of
// the wire format (RFC 5234), in the manner of zproto's generated protocol docs.
import type { Field, Model } from './model.ts'
import { GENERATED_NOTE } from './field-info.ts'
import { kebab } from './names.ts'

function abnfType(f: Field): string {
  switch (f.type) {
    case 'number':
      return `number-${f.size}`
    case 'octets':
      return `${f.size}OCTET`
    case 'uuid':
      return '16OCTET'
    default:
      return f.type
  }
}

const hexBytes = (b: Buffer): string => '%x' + [...b].map((x) => x.toString(16).toUpperCase().padStart(2, '0')).join('.')

// The exact bytes of a constant field, in ABNF terminal values.
function constantBytes(f: Field): string {
  if (f.type === 'number') {
    const b = Buffer.alloc(f.size!)
    let v = BigInt(f.constant as number | bigint)
    for (let i = f.size! - 1; i >= 0; i--, v >>= 8n) b[i] = Number(v & 0xffn)
    return f.size === 1 ? `%d${b[0]}` : hexBytes(b)
  }
  const text = Buffer.from(String(f.constant))
  const len = Buffer.alloc(f.type === 'string' ? 1 : 4)
  if (f.type === 'string') len[0] = text.length
  else len.writeUInt32BE(text.length)
  return text.length ? `${hexBytes(len)} ${hexBytes(text)}` : hexBytes(len)
}

function pad(s: string, n = 20): string {
  return s.length >= n ? s + ' ' : s.padEnd(n)
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

export function emitAbnf(model: Model, source: string): string {
  const out: string[] = []
  const root = kebab(model.name)
  const sig = 0xa0 | model.signature
  out.push(`<!-- ${GENERATED_NOTE} Source model: ${source} -->`, '')
  out.push(`# ${model.name}: ${model.title}`, '')
  if (model.description) out.push(model.description, '')
  out.push(`Signature ${model.signature}: the first frame of every message starts \`0xAA 0x${sig.toString(16).toUpperCase()}\`, then the message id.`, '')
  if (model.defines.length > 0) {
    out.push('## Constants', '', '| name | value | meaning |', '|---|---|---|')
    for (const d of model.defines) out.push(`| \`${d.name}\` | ${d.value} | ${oneLine(d.description)} |`)
    out.push('')
  }
  out.push('## Messages', '')
  for (const m of model.messages) {
    out.push(`### ${m.name} (id ${m.id})`, '')
    if (m.description) out.push(oneLine(m.description), '')
    if (m.fields.length > 0) {
      out.push('| field | type | meaning |', '|---|---|---|')
      for (const f of m.fields) {
        const t = abnfType(f) + (f.constant !== undefined ? ` = ${String(f.constant)}` : '')
        out.push(`| ${f.name}${f.header ? ' (header)' : ''} | ${t} | ${oneLine(f.description)} |`)
      }
      out.push('')
    }
  }
  out.push('## Grammar', '', '```abnf')
  out.push(`${pad(root)}= *( ${model.messages.map((m) => kebab(m.name)).join(' / ')} )`, '')
  const defined = new Set<string>()
  const fieldRule = (m: string, f: Field): string => (f.header ? kebab(f.name) : `${m}-${kebab(f.name)}`)
  for (const m of model.messages) {
    const mk = kebab(m.name)
    if (m.description) out.push(`; ${oneLine(m.description)}`)
    const first = m.fields.filter((f) => f.type !== 'frame' && f.type !== 'msg').map((f) => fieldRule(mk, f))
    const extra = m.fields.filter((f) => f.type === 'frame' || f.type === 'msg').map((f) => fieldRule(mk, f))
    out.push(`${pad(mk)}= signature %d${m.id}${first.map((r) => ' ' + r).join('')}${extra.length ? ' ; first frame' : ''}`)
    if (extra.length) out.push(`${pad('')}  ${extra.join(' ')}${' '.repeat(2)}; then one frame per frame field, all remaining frames for a msg field`)
    for (const f of m.fields) {
      const rule = fieldRule(mk, f)
      if (defined.has(rule)) continue
      defined.add(rule)
      const value = f.constant === undefined ? abnfType(f) : constantBytes(f)
      const note = [f.constant !== undefined ? `constant ${typeof f.constant === 'string' ? JSON.stringify(f.constant) : String(f.constant)}` : '', oneLine(f.description)].filter((x) => x).join(': ')
      out.push(`${pad(rule)}= ${value}${note ? ` ; ${note}` : ''}`)
    }
    out.push('')
  }
  out.push(`signature       = %xAA %x${sig.toString(16).toUpperCase()}     ; two octets`)
  const used = new Set(model.messages.flatMap((m) => m.fields.map((f) => f.type)))
  if (used.has('string') || used.has('hash')) out.push('string          = number-1 *OCTET  ; length (0-255) then UTF-8 text')
  if (used.has('longstr') || used.has('strings') || used.has('hash')) out.push('longstr         = number-4 *OCTET  ; length then UTF-8 text')
  if (used.has('strings')) out.push('strings         = number-4 *longstr  ; count then entries')
  if (used.has('hash')) out.push('hash            = number-4 *( string longstr )  ; count then key/value pairs')
  if (used.has('chunk')) out.push('chunk           = number-4 *OCTET  ; length then bytes')
  if (used.has('frame')) out.push('frame           = *OCTET           ; one whole ZeroMQ frame')
  if (used.has('msg')) out.push('msg             = *frame           ; zero or more ZeroMQ frames, to the end of the message')
  const sizes = [...new Set(model.messages.flatMap((m) => m.fields.filter((f) => f.type === 'number').map((f) => f.size!)))].sort()
  for (const s of [1, 2, 4].filter((s) => (s === 1 && (used.has('string') || used.has('hash'))) || (s === 4 && [...used].some((t) => ['longstr', 'strings', 'hash', 'chunk'].includes(t))))) {
    if (!sizes.includes(s)) sizes.push(s)
  }
  for (const s of sizes.sort()) out.push(`${pad(`number-${s}`, 16)}= ${s}OCTET${' '.repeat(10 - String(s).length)}; unsigned, network byte order`)
  out.push('```', '')
  return out.join('\n')
}
