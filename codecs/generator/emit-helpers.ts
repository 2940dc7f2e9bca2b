// Emits `format` and the generated module's link to the shared runtime (codecs/runtime/): the import, and
// module-level consts for exactly the runtime helpers the emitted code calls, so hot paths call a local
// binding rather than a namespace property.
import { lit, type Emitter } from './emitter.ts'
import { visible } from './field-info.ts'
import type { Field, Model } from './model.ts'
import type * as helpers from '../runtime/helpers.ts'
import type { CodecErrors } from '../runtime/errors.ts'

// Checked against the runtime by tsc: a helper renamed there fails here, not in a user's generated code.
const RUNTIME_HELPERS: readonly (keyof typeof helpers)[] = ['readText', 'writeText', 'readU32', 'writeU32', 'formatText', 'formatTexts', 'formatHash', 'formatBytes', 'formatFrames']
const ERROR_HELPERS: readonly (keyof CodecErrors)[] = [
  'noFrames', 'badSignature', 'tooShort', 'unknownId', 'unknownType', 'missingFrame', 'truncated',
  'trailingBytes', 'trailingFrames', 'badConstant', 'badNumber', 'badSize', 'tooLong',
]

export interface RuntimeImport {
  /** Module specifier of the runtime (exports `codecRuntime`, and `CodecError` unless errorModule is given). */
  runtimeModule: string
  /** Module specifier CodecError comes from when it is not the runtime module. */
  errorModule?: string | undefined
}

/** The import lines and helper consts for a generated codec whose body (all code after them) is `body`. */
export function emitRuntimeImport(e: Emitter, opts: RuntimeImport, body: string): void {
  const calls = (names: readonly string[]): string[] => names.filter((n) => new RegExp(`(?<![\\w$.])${n}\\(`).test(body))
  if (opts.errorModule === undefined || opts.errorModule === opts.runtimeModule) {
    e.line(`import { CodecError, codecRuntime } from ${lit(opts.runtimeModule)}`, '')
  } else {
    e.line(`import { CodecError } from ${lit(opts.errorModule)}`, `import { codecRuntime } from ${lit(opts.runtimeModule)}`, '')
  }
  const helperNames = calls(RUNTIME_HELPERS)
  if (helperNames.length > 0) e.line(`const { ${helperNames.join(', ')} } = codecRuntime`)
  e.line(`const { ${calls(ERROR_HELPERS).join(', ')} } = codecRuntime.codecErrors(CodecError)`, '')
}

export function emitFormat(e: Emitter, model: Model): void {
  e.doc('One short human-readable line for logs and traces (long values are abbreviated).')
  e.block(`export function format(msg: ${model.typeName}): string {`, () => {
    e.block('switch (msg.type) {', () => {
      for (const m of model.messages) {
        const parts = visible(m).map((f) => `${f.prop}=\${${formatter(f)}(msg.${f.prop})}`)
        e.line(`case ${lit(m.key)}:`, `  return \`${[m.key, ...parts].join(' ')}\``)
      }
      e.line('default:', `  return \`${model.name} ?\${String((msg as { type: unknown }).type)}\``)
    })
  })
}

function formatter(f: Field): string {
  switch (f.type) {
    case 'number':
      return 'String'
    case 'string':
    case 'longstr':
      return 'formatText'
    case 'strings':
      return 'formatTexts'
    case 'hash':
      return 'formatHash'
    case 'msg':
      return 'formatFrames'
    default:
      return 'formatBytes'
  }
}
