// `zyre keygen`: a new CURVE key pair for `--curve-cert`, printed or written as a secret
// certificate file (zcert's layout, readable by its owner only).
import { parseArgs } from 'node:util'
import { curveKeyPair } from '../../lib/index.ts'
import { CertError, certText, writeCert } from './curve-cert.ts'
import { withUsage } from './node-options.ts'

const help = `usage: zyre keygen [--out FILE]

Makes a new CURVE key pair. Without --out it prints the secret certificate; with it, writes it to
FILE (mode 0600, never over an existing file) and prints the public key. Use the file with
--curve-cert on zyre ping / zyre chat; C programs load it with zcert_load.

  -o, --out FILE       write the certificate here`

export async function run(argv: string[]): Promise<number> {
  return withUsage(help, async () => {
    const { values } = parseArgs({ args: argv, options: { out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } }, strict: true })
    if (values.help) {
      process.stdout.write(help + '\n')
      return 0
    }
    const keys = curveKeyPair()
    if (values.out === undefined) {
      process.stdout.write(certText(keys))
      return 0
    }
    try {
      writeCert(values.out, keys)
    } catch (err) {
      throw new CertError(`cannot write ${values.out}: ${(err as Error).message}`)
    }
    process.stdout.write(`public-key = "${keys.publicKey}"\n`)
    return 0
  })
}
