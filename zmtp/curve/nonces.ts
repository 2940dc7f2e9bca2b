// CurveZMQ nonces (RFC 26): a 16-byte prefix naming the command, then an 8-byte big-endian
// counter ("short nonce"), or an 8-byte prefix and 16 random bytes ("long nonce").

import { randomFillSync } from 'node:crypto'

const TWO_32 = 0x1_0000_0000

/** The 24-byte nonce of `prefix16` + the counter `n` (big-endian, n < 2^53). */
export function shortNonce(prefix16: Buffer, n: number): Buffer {
  const nonce = Buffer.allocUnsafe(24)
  prefix16.copy(nonce, 0)
  writeCounter(nonce, 16, n)
  return nonce
}

/** The 24-byte nonce of `prefix8` + 16 random bytes. */
export function longNonce(prefix8: Buffer): Buffer {
  const nonce = Buffer.allocUnsafe(24)
  prefix8.copy(nonce, 0)
  randomFillSync(nonce, 8, 16)
  return nonce
}

/**
 * The 24-byte nonce of `prefix` (16 bytes before a counter, 8 before random bytes) followed by the
 * bytes a command carries at `bytes[at..)`.
 */
export function nonceFrom(prefix: Buffer, bytes: Buffer, at: number): Buffer {
  const nonce = Buffer.allocUnsafe(24)
  prefix.copy(nonce, 0)
  bytes.copy(nonce, prefix.length, at, at + 24 - prefix.length)
  return nonce
}

export function writeCounter(buf: Uint8Array, at: number, n: number): void {
  const hi = Math.floor(n / TWO_32)
  const lo = n >>> 0
  buf[at] = hi >>> 24
  buf[at + 1] = hi >>> 16
  buf[at + 2] = hi >>> 8
  buf[at + 3] = hi
  buf[at + 4] = lo >>> 24
  buf[at + 5] = lo >>> 16
  buf[at + 6] = lo >>> 8
  buf[at + 7] = lo
}

/** The counter at `at`, exact below 2^53; larger counters read as a number at least 2^53. */
export function readCounter(buf: Uint8Array, at: number): number {
  const hi = ((buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!) >>> 0
  const lo = ((buf[at + 4]! << 24) | (buf[at + 5]! << 16) | (buf[at + 6]! << 8) | buf[at + 7]!) >>> 0
  return hi * TWO_32 + lo
}

export const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1')
