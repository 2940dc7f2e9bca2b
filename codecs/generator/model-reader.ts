// Reads a zproto codec model (class / include / define / header / message / field) into a checked Model.
// Every rejection is a ModelError carrying the file:line of the offending element.
import { readFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { ModelError } from './model-error.ts'
import { parseXml, type XmlElement } from './xml-reader.ts'
import { FIELD_TYPES, type Define, type Field, type FieldType, type Message, type Model } from './model.ts'
import { camel, kebab, pascal, upperSnake } from './names.ts'

interface Located extends XmlElement {
  file: string
  children: Located[]
}

const NUMBER_SIZES = [1, 2, 4, 8]
const MAX_NUMBER: Record<number, bigint> = { 1: 0xffn, 2: 0xffffn, 4: 0xffffffffn, 8: 0xffffffffffffffffn }
// Names the generated module already uses for itself; a define with one of them would clash.
const RESERVED_DEFINES = new Set(['SIGNATURE', 'MESSAGE_NAMES'])

// Type names a generated module declares or imports besides the message interfaces (globals such as Map and
// Buffer are refused separately: an interface of that name would shadow them).
function reservedTypeNames(t: string): Set<string> {
  return new Set([t, `${t}Id`, `${t}Type`, `${t}Arbitraries`, 'CodecError', 'Mutation', 'Mutated', 'Fc', 'FastCheck', 'Record', 'Readonly', 'ReadonlySet'])
}

export type ReadFile = (path: string) => string

/** Reads and checks the model in `file`; includes are resolved relative to the including file. */
export function readModel(file: string, read: ReadFile = (p) => readFileSync(p, 'utf8')): Model {
  const root = load(file, read, [])
  return buildModel(root)
}

/** Parses a model given as text (includes resolved relative to `file`). */
export function parseModel(source: string, file: string, read: ReadFile = (p) => readFileSync(p, 'utf8')): Model {
  const root = locate(parseXml(source, file), file)
  expandIncludes(root, read, [resolve(file)])
  return buildModel(root)
}

function locate(el: XmlElement, file: string): Located {
  const l = el as Located
  l.file = file
  for (const c of el.children) locate(c, file)
  return l
}

function load(file: string, read: ReadFile, chain: string[]): Located {
  const abs = resolve(file)
  // errors name files as the user would: relative to the working directory when below it
  const rel = relative(process.cwd(), abs)
  const shown = rel.startsWith('..') ? abs : rel
  const root = locate(parseXml(read(abs), shown), shown)
  expandIncludes(root, read, [...chain, abs])
  return root
}

const INSERTED_ROOTS = new Set(['message', 'define', 'header', 'field', 'license', 'doc', 'grammar'])

// <include filename="x.xml"/> is replaced by x.xml's root element or by that root's children (see below).
function expandIncludes(el: Located, read: ReadFile, chain: string[]): void {
  const out: Located[] = []
  for (const c of el.children) {
    if (c.name !== 'include') {
      expandIncludes(c, read, chain)
      out.push(c)
      continue
    }
    const name = c.attrs['filename']
    if (!name) throw new ModelError(c.file, c.line, '<include> needs a filename attribute')
    const target = resolve(dirname(c.file), name)
    if (chain.includes(target)) throw new ModelError(c.file, c.line, `include cycle: ${name} includes itself`)
    let included: Located
    try {
      included = load(target, read, chain)
    } catch (err) {
      if (err instanceof ModelError) throw err
      throw new ModelError(c.file, c.line, `cannot read included file ${name}: ${(err as Error).message}`)
    }
    // zproto inserts the included file's root element itself (a <message>, a <license>, ...); a root that is
    // only a container (<class>, <include>, anything else) contributes its children instead.
    if (INSERTED_ROOTS.has(included.name)) out.push(included)
    else out.push(...included.children)
  }
  el.children = out
}

function fail(el: { file: string; line: number }, msg: string): never {
  throw new ModelError(el.file, el.line, msg)
}

function description(el: XmlElement): string {
  return el.text
    .split('\n')
    .map((l) => l.trim())
    .filter((l, i, all) => l !== '' || (i > 0 && i < all.length - 1))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

function checkAttrs(el: Located, allowed: string[]): void {
  for (const a of Object.keys(el.attrs)) {
    if (!allowed.includes(a)) fail(el, `unknown attribute '${a}' on <${el.name}> (allowed: ${allowed.join(', ')})`)
  }
}

function integer(el: Located, attr: string, min: number, max: number): number | undefined {
  const raw = el.attrs[attr]
  if (raw === undefined) return undefined
  if (!/^\s*\d+\s*$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    fail(el, `<${el.name}> ${attr}="${raw}" must be an integer from ${min} to ${max}`)
  }
  return Number(raw)
}

function buildModel(root: Located): Model {
  if (root.name !== 'class') fail(root, `root element must be <class>, not <${root.name}>`)
  checkAttrs(root, ['name', 'signature', 'title', 'script', 'package_dir', 'source_dir', 'project_header', 'export_macro', 'version', 'header'])
  const name = root.attrs['name']
  if (!name || !/^[A-Za-z][\w-]*$/.test(name)) fail(root, '<class> needs a name (letters, digits, _ or -, starting with a letter)')
  // zproto's default signature is 0 (first bytes 0xAA 0xA0)
  const signature = integer(root, 'signature', 0, 15) ?? 0

  const defines: Define[] = []
  const header: Field[] = []
  const messages: Message[] = []
  const fieldTypes = new Map<string, Field>()
  let headerSeen = false

  for (const el of root.children) {
    if (el.name === 'define') {
      checkAttrs(el, ['name', 'value'])
      const dn = el.attrs['name']
      const dv = el.attrs['value']
      if (!dn || dv === undefined) fail(el, '<define> needs name and value')
      const id = upperSnake(dn)
      if (id === '' || /^\d/.test(id)) fail(el, `define name '${dn}' does not make an identifier`)
      if (RESERVED_DEFINES.has(id)) fail(el, `define name '${dn}' is reserved by the generated module`)
      const prev = defines.find((d) => upperSnake(d.name) === id)
      if (prev) fail(el, `duplicate define '${dn}' (first at ${prev.file}:${prev.line})`)
      defines.push({ name: dn, value: /^\d+$/.test(dv) ? Number(dv) : dv, description: description(el), file: el.file, line: el.line })
    } else if (el.name === 'header') {
      checkAttrs(el, [])
      if (headerSeen) fail(el, 'only one <header> is allowed')
      headerSeen = true
      for (const f of el.children) header.push(buildField(f, true, defines, fieldTypes))
    } else if (el.name === 'message') {
      messages.push(buildMessage(el, pascal(name!), messages, header, defines, fieldTypes))
    } else if (el.name === 'doc' || el.name === 'grammar' || el.name === 'license') {
      // documentation elements zproto models carry (license.xml is included by most of them): ignored
    } else {
      fail(el, `unknown element <${el.name}> in <class> (expected define, header, message, include)`)
    }
  }
  if (messages.length === 0) fail(root, `class ${name} has no messages`)
  return {
    name: name!,
    typeName: pascal(name!),
    moduleName: kebab(name!),
    // one line: it goes into // comments and headings
    title: (root.attrs['title'] ?? name!).replace(/\s+/g, ' ').trim(),
    signature,
    description: description(root),
    defines,
    header,
    messages,
    file: root.file,
    line: root.line,
  }
}

function buildMessage(el: Located, modelType: string, messages: Message[], header: Field[], defines: Define[], fieldTypes: Map<string, Field>): Message {
  checkAttrs(el, ['name', 'id'])
  const name = el.attrs['name']
  if (!name || !/^[A-Za-z]/.test(name)) fail(el, '<message> needs a name starting with a letter')
  const key = upperSnake(name)
  const id = integer(el, 'id', 0, 255) ?? messages.length + 1
  const sameName = messages.find((m) => m.key === key)
  if (sameName) fail(el, `duplicate message name '${name}' (first at ${sameName.file}:${sameName.line})`)
  const typeName = pascal(name)
  if (reservedTypeNames(modelType).has(typeName) || typeName in globalThis) {
    fail(el, `message name '${name}' would make the type ${typeName}, which the generated module already uses`)
  }
  const sameType = messages.find((m) => m.typeName === typeName)
  if (sameType) fail(el, `message names '${name}' and '${sameType.name}' both make the type ${typeName}`)
  const sameId = messages.find((m) => m.id === id)
  if (sameId) fail(el, `duplicate message id ${id}: '${name}' and '${sameId.name}' (${sameId.file}:${sameId.line})`)
  const own: Field[] = []
  for (const f of el.children) own.push(buildField(f, false, defines, fieldTypes))
  const fields = [...header, ...own]
  const props = new Map<string, Field>()
  fields.forEach((f, i) => {
    const prev = props.get(f.prop)
    if (prev) fail(f, `field '${f.name}' appears twice in message ${name} (first at ${prev.file}:${prev.line})`)
    props.set(f.prop, f)
    if (f.type === 'msg' && i !== fields.length - 1) fail(f, `msg field '${f.name}' must be the last field of message ${name}`)
  })
  return { name, key, typeName, id, fields, description: description(el), file: el.file, line: el.line }
}

function buildField(el: Located, inHeader: boolean, defines: Define[], fieldTypes: Map<string, Field>): Field {
  if (el.name !== 'field') fail(el, `unknown element <${el.name}> (expected <field>)`)
  checkAttrs(el, ['name', 'type', 'size', 'value'])
  const name = el.attrs['name']
  if (!name || !/^[A-Za-z]/.test(name)) fail(el, '<field> needs a name starting with a letter')
  const prop = camel(name)
  if (prop === 'type') fail(el, `field name '${name}' is reserved (it is the message discriminator)`)
  const type = (el.attrs['type'] ?? 'string') as FieldType
  if (!(FIELD_TYPES as readonly string[]).includes(type)) {
    fail(el, `field '${name}' has unknown type '${type}' (expected one of ${FIELD_TYPES.join(', ')})`)
  }
  let size: number | undefined
  if (type === 'number') {
    if (el.attrs['size'] === undefined) fail(el, `number field '${name}' needs a size (1, 2, 4 or 8)`)
    size = integer(el, 'size', 1, 8)
    if (!NUMBER_SIZES.includes(size!)) fail(el, `number field '${name}' has size ${size}: must be 1, 2, 4 or 8`)
  } else if (type === 'octets') {
    if (el.attrs['size'] === undefined) fail(el, `octets field '${name}' needs a size`)
    size = integer(el, 'size', 1, 65535)
  } else if (el.attrs['size'] !== undefined) {
    fail(el, `field '${name}' of type ${type} takes no size`)
  }
  const field: Field = { name, prop, type, description: description(el), header: inHeader, file: el.file, line: el.line }
  if (size !== undefined) field.size = size
  const raw = el.attrs['value']
  if (raw !== undefined) field.constant = constantValue(el, field, raw, defines)
  const prev = fieldTypes.get(prop)
  if (prev && (prev.type !== type || prev.size !== size)) {
    const t = (f: Field): string => (f.size === undefined ? f.type : `${f.type} size ${f.size}`)
    fail(el, `field '${name}' is ${t(field)} here but ${t(prev)} at ${prev.file}:${prev.line}: one name, one type`)
  }
  if (!prev) fieldTypes.set(prop, field)
  return field
}

function constantValue(el: Located, field: Field, raw: string, defines: Define[]): number | bigint | string {
  // A value may name a define (zproto style) or be a literal.
  const def = defines.find((d) => upperSnake(d.name) === upperSnake(raw) && /^[A-Za-z]/.test(raw))
  const v = def ? String(def.value) : raw
  if (field.type === 'number') {
    if (!/^\d+$/.test(v)) fail(el, `constant '${raw}' of number field '${field.name}' is not a non-negative integer or a known define`)
    const big = BigInt(v)
    if (big > MAX_NUMBER[field.size!]!) fail(el, `constant ${v} does not fit number field '${field.name}' of size ${field.size}`)
    return field.size === 8 ? big : Number(big)
  }
  if (field.type === 'string' || field.type === 'longstr') {
    if (field.type === 'string' && Buffer.byteLength(v) > 255) fail(el, `constant of string field '${field.name}' is over 255 bytes`)
    return v
  }
  return fail(el, `field '${field.name}' of type ${field.type} cannot have a constant value`)
}
