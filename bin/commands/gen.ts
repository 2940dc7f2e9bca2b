// `zyre gen <model.xml> [--out dir]`: generates a TypeScript codec, fast-check arbitraries and an ABNF
// document from a user's zproto model, with the same generator that builds this project's own codecs.
import { mkdirSync, writeFileSync } from 'node:fs'
import { basename, dirname, extname, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { generate } from '../../codecs/generator/generate.ts'
import { ModelError } from '../../codecs/generator/model-error.ts'

const HELP = `usage: zyre gen <model.xml> [--out dir] [--runtime-module spec] [--error-module spec] [--check] [--stdout]

Generates from a zproto codec model:
  <class>.ts              encode(msg) -> Buffer[], decode(frames) -> msg, format(msg), types, constants
  <class>.arbitraries.ts  fast-check arbitraries of valid messages and a frame mutator for fuzzing
  <class>.md              message tables and the ABNF grammar of the wire format

options:
  -o, --out <dir>          output directory (default: the model's directory)
  --runtime-module <spec>  module the generated code imports the shared codec runtime (codecRuntime,
                           CodecError) from (default: a relative path to this package's
                           codecs/runtime/index.ts if --out is inside the same tree, otherwise
                           'zyre-ts/codecs')
  --error-module <spec>    module the codec imports CodecError from instead (default: the runtime
                           module); the runtime's errors are then built with that class
  --check                  write nothing; exit 1 if the files in --out differ from fresh output
  --stdout                 print the codec module instead of writing files
  -h, --help               this text

model grammar (zproto):
  <class name="my_msg" signature="0..15" title="...">  description text
    <include filename="other.xml"/>        other.xml's root element (<message>, <define>, ...), or its
                                           children if it is a container; path relative to this file
    <define name="VERSION" value="1">...</define>      exported constant
    <header> <field .../> ... </header>     fields placed before every message's fields
    <message name="HELLO" id="1">           id defaults to the position (1, 2, ...)
      <field name="x" type="T" [size="n"] [value="c"]>description</field>   (type defaults to string)
    </message>
  </class>
  field types: number (size 1, 2, 4 or 8; 8 -> bigint), octets (size bytes), string (<= 255 bytes),
  longstr, strings (string[]), hash (Map<string, string>), chunk (Buffer), uuid (16 bytes),
  frame (one extra frame), msg (all remaining frames, must be last).
  value= makes a constant: written on encode, checked on decode (a literal or a define's name).
  Wire: first frame 0xAA, 0xA0|signature, message id, then the fields, numbers big-endian.
`

const self = fileURLToPath(import.meta.url)
const here = dirname(self)
// runtime/index.ts from source, runtime/index.js when this runs built from dist/.
const runtimeFile = resolve(here, `../../codecs/runtime/index${extname(self)}`)
const packageRoot = resolve(here, '../..')

function defaultRuntimeModule(outDir: string): string {
  const inside = !relative(packageRoot, outDir).startsWith('..') && !relative(packageRoot, outDir).includes('node_modules')
  if (!inside) return 'zyre-ts/codecs'
  const rel = relative(outDir, runtimeFile).split(sep).join('/')
  return rel.startsWith('.') ? rel : `./${rel}`
}

export async function run(argv: string[]): Promise<number> {
  let args
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        'runtime-module': { type: 'string' },
        'error-module': { type: 'string' },
        check: { type: 'boolean', default: false },
        stdout: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
  } catch (err) {
    process.stderr.write(`zyre gen: ${(err as Error).message}\n\n${HELP}`)
    return 2
  }
  const { values, positionals } = args
  if (values.help) {
    process.stdout.write(HELP)
    return 0
  }
  if (positionals.length !== 1) {
    process.stderr.write(`zyre gen: expected one model file\n\n${HELP}`)
    return 2
  }
  const model = resolve(positionals[0]!)
  const outDir = resolve(values.out ?? dirname(model))
  let generated
  try {
    generated = generate(model, { runtimeModule: values['runtime-module'] ?? defaultRuntimeModule(outDir), errorModule: values['error-module'] })
  } catch (err) {
    if (err instanceof ModelError) {
      process.stderr.write(`zyre gen: ${err.message}\n`)
      return 1
    }
    process.stderr.write(`zyre gen: cannot read ${basename(model)}: ${(err as Error).message}\n`)
    return 1
  }
  if (values.stdout) {
    process.stdout.write(generated.files.get(`${generated.model.moduleName}.ts`)!)
    return 0
  }
  if (values.check) {
    const { existsSync, readFileSync } = await import('node:fs')
    let stale = 0
    for (const [file, text] of generated.files) {
      const path = resolve(outDir, file)
      if (!existsSync(path) || readFileSync(path, 'utf8') !== text) {
        process.stderr.write(`out of date: ${path}\n`)
        stale++
      }
    }
    return stale ? 1 : 0
  }
  mkdirSync(outDir, { recursive: true })
  for (const [file, text] of generated.files) {
    writeFileSync(resolve(outDir, file), text)
    process.stdout.write(`wrote ${relative(process.cwd(), resolve(outDir, file)) || file}\n`)
  }
  return 0
}
