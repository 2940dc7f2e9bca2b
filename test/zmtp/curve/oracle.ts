// Runs test/zmtp/curve/sodium_oracle.py under Debian's /usr/bin/python3 (python3-nacl for
// libsodium, python3-zmq for pyzmq): one process per batch of requests.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const SCRIPT = fileURLToPath(new URL('./sodium_oracle.py', import.meta.url))

export type OracleRequest = readonly [op: string, ...args: string[]]

/** The oracle's answers to `requests`, in order (bytes as lower-case hex, null where libsodium refused). */
export function oracle(requests: readonly OracleRequest[]): unknown[] {
  const r = spawnSync('/usr/bin/python3', [SCRIPT], {
    input: JSON.stringify(requests),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  })
  if (r.error) throw r.error
  if (r.status !== 0) throw new Error(`sodium_oracle.py exited with ${r.status}: ${r.stderr}`)
  return JSON.parse(r.stdout) as unknown[]
}

export const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')
export const unhex = (s: string): Buffer => Buffer.from(s, 'hex')
