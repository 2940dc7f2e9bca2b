// Model file -> generated files (codec, arbitraries, ABNF doc), as a map of file name to contents. Pure
// apart from reading the model: callers decide whether to write, compare or print.
import { basename } from 'node:path'
import { emitAbnf } from './emit-abnf.ts'
import { emitArbitraries } from './emit-arbitraries.ts'
import { emitCodec } from './emit-codec.ts'
import type { Model } from './model.ts'
import { readModel } from './model-reader.ts'

export interface GenerateOptions {
  /** Module specifier the codec imports CodecError from. */
  errorModule: string
}

export interface Generated {
  model: Model
  /** file name (no directory) -> contents */
  files: Map<string, string>
}

export function generateFromModel(model: Model, source: string, opts: GenerateOptions): Generated {
  const stem = model.moduleName
  const files = new Map<string, string>()
  files.set(`${stem}.ts`, emitCodec(model, { errorModule: opts.errorModule, source }))
  files.set(`${stem}.arbitraries.ts`, emitArbitraries(model, { codecModule: `./${stem}.ts`, source }))
  files.set(`${stem}.md`, emitAbnf(model, source))
  return { model, files }
}

export function generate(modelFile: string, opts: GenerateOptions): Generated {
  return generateFromModel(readModel(modelFile), basename(modelFile), opts)
}
