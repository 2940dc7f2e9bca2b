// CURVE certificates as files, in the layout czmq's zcert saves (ZPL, RFC 4): a `curve` section
// with `public-key` and `secret-key` in Z85. A C node's secret certificate file can be used as is,
// and `zyre keygen` writes one a C program can load with zcert_load.
import { readFileSync, writeFileSync } from 'node:fs'

export interface CertKeys {
  publicKey: string
  secretKey: string
}

export class CertError extends Error {}

/** The key pair of a secret certificate file. Throws CertError when it has no usable keys. */
export function readCert(path: string): CertKeys {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new CertError(`cannot read certificate ${path}: ${(err as Error).message}`)
  }
  const keys = parseCert(text)
  if (keys.secretKey === undefined) throw new CertError(`${path} has no curve secret-key (a public certificate?)`)
  if (keys.publicKey === undefined) throw new CertError(`${path} has no curve public-key`)
  return { publicKey: keys.publicKey, secretKey: keys.secretKey }
}

/** The curve keys a ZPL certificate holds: `name = "value"` lines inside the `curve` section. */
export function parseCert(text: string): Partial<CertKeys> {
  const keys: Partial<CertKeys> = {}
  let inCurve = false
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '')
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue
    // A section name starts at column 0; its settings are indented.
    if (!/^\s/.test(line)) {
      inCurve = line.trim() === 'curve'
      continue
    }
    if (!inCurve) continue
    const m = /^\s+(public-key|secret-key)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))\s*$/.exec(line)
    if (!m) continue
    const value = m[2] ?? m[3] ?? m[4]!
    if (m[1] === 'public-key') keys.publicKey = value
    else keys.secretKey = value
  }
  return keys
}

/** A key pair as a secret certificate (zcert's layout). */
export function certText(keys: CertKeys): string {
  return [
    `#   ****  Generated on ${new Date().toISOString()} by zyre-ts  ****`,
    '#   ZeroMQ CURVE **Secret** Certificate',
    '#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.',
    '',
    'metadata',
    'curve',
    `    public-key = "${keys.publicKey}"`,
    `    secret-key = "${keys.secretKey}"`,
    '',
  ].join('\n')
}

/** Writes a secret certificate readable by its owner only; `exclusive`: never overwrite a file. */
export function writeCert(path: string, keys: CertKeys, exclusive = true): void {
  writeFileSync(path, certText(keys), { mode: 0o600, flag: exclusive ? 'wx' : 'w' })
}
