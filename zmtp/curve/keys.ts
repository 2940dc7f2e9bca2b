// CURVE keys as options give them (40-character Z85 text or 32 raw bytes) and the box keys the
// handshake derives from them.

import { ZmtpError } from '../errors.ts'
import { boxKey, CurveKeyError } from './box.ts'
import { z85Decode } from './z85.ts'

/** A long-term key pair, raw 32-byte keys. */
export interface CurveKeys {
  publicKey: Buffer
  secretKey: Buffer
}

/** A key option as 32 raw bytes; throws ZmtpError EINVAL for anything else. */
export function toCurveKey(value: string | Uint8Array, what: string): Buffer {
  if (typeof value === 'string') {
    // libzmq also takes the 41-byte C string with its terminating NUL.
    const text = value.length === 41 && value.endsWith('\0') ? value.slice(0, 40) : value
    if (text.length === 40) {
      try {
        return z85Decode(text)
      } catch {
        // reported below
      }
    }
  } else if (value.length === 32) {
    return Buffer.from(value)
  }
  throw new ZmtpError('EINVAL', `${what} must be 40 characters of Z85 or 32 bytes`)
}

/** The precomputed box key of their public and our secret key; a bad key fails the handshake. */
export function keyOrFail(theirPublic: Buffer, ourSecret: Buffer): Buffer {
  try {
    return boxKey(theirPublic, ourSecret)
  } catch (e) {
    if (e instanceof CurveKeyError) throw new ZmtpError('ZMTP_CRYPTOGRAPHIC', `unusable CURVE key: ${(e as Error).message}`)
    throw e
  }
}
