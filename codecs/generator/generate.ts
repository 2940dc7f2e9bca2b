// Model file -> generated files (codec, arbitraries, ABNF doc), as a map of file name to contents. Pure
// apart from reading the model: callers decide whether to write, compare or print.
import { basename } from 'node:path'
import { emitAbnf } from './emit-abnf.ts'
import { emitArbitraries } from './emit-arbitraries.ts'
import { emitCodec } from './emit-codec.ts'
import type { Model } from './model.ts'
import { readModel } from './model-reader.ts'

export interface GenerateOptions {
  /**
   * Module specifier the generated modules import the codec runtime (`codecRuntime`, and `CodecError`) from:
   * a relative path to codecs/runtime/index.ts inside this package, 'zyre-ts/codecs' (the default) elsewhere.
   */
  runtimeModule?: string
  /** Module specifier CodecError is imported from instead (default: the runtime module). */
  errorModule?: string
}

export const DEFAULT_RUNTIME_MODULE = 'zyre-ts/codecs'

export interface Generated {
  model: Model
  /** file name (no directory) -> contents */
  files: Map<string, string>
}

export function generateFromModel(model: Model, source: string, opts: GenerateOptions = {}): Generated {
  const stem = model.moduleName
  const files = new Map<string, string>()
  const runtimeModule = opts.runtimeModule ?? DEFAULT_RUNTIME_MODULE
  files.set(`${stem}.ts`, emitCodec(model, { runtimeModule, errorModule: opts.errorModule, source }))
  files.set(`${stem}.arbitraries.ts`, emitArbitraries(model, { codecModule: `./${stem}.ts`, runtimeModule, source }))
  files.set(`${stem}.md`, emitAbnf(model, source))
  return { model, files }
}

export function generate(modelFile: string, opts: GenerateOptions = {}): Generated {
  return generateFromModel(readModel(modelFile), basename(modelFile), opts)
}
