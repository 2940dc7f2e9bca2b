// The 64-byte ZMTP 3.x greeting (RFC 23/37): signature (0xFF, 8 padding bytes, 0x7F), version,
// 20-byte mechanism name, as-server flag, 31 filler bytes. Padding and filler are ignored on receive.

import { ZmtpError } from '../errors.ts'

export const GREETING_SIZE = 64
/** Bytes after which the version major is known (signature 10 bytes + major). */
export const GREETING_VERSION_OFFSET = 10

export interface Greeting {
  major: number
  minor: number
  mechanism: string
  asServer: boolean
}

export function encodeGreeting(g: { mechanism: string; asServer: boolean; major?: number; minor?: number }): Buffer {
  const mech = Buffer.from(g.mechanism, 'latin1')
  if (mech.length < 1 || mech.length > 20) throw new RangeError('mechanism name must be 1..20 bytes')
  const out = Buffer.alloc(GREETING_SIZE)
  out[0] = 0xff
  out[8] = 0x01 // libzmq puts 1 in the last padding byte (ZMTP 1.0 "length" of an empty identity); harmless, keeps old peers sane
  out[9] = 0x7f
  out[10] = g.major ?? 3
  out[11] = g.minor ?? 1
  mech.copy(out, 12)
  out[32] = g.asServer ? 1 : 0
  return out
}

/**
 * Validates what has arrived of the peer's greeting so far (`buf` holds its first bytes), so a
 * non-ZMTP-3 peer fails after a few bytes instead of waiting for 64 it will never send.
 */
export function checkGreetingPrefix(buf: Uint8Array): void {
  if (buf.length >= 1 && buf[0] !== 0xff) {
    throw new ZmtpError('ZMTP_BAD_GREETING', `bad greeting signature: first byte 0x${buf[0]!.toString(16)} (ZMTP 1.0 peer or not ZMTP)`)
  }
  if (buf.length >= 10 && buf[9] !== 0x7f) {
    throw new ZmtpError('ZMTP_BAD_GREETING', `bad greeting signature: byte 9 is 0x${buf[9]!.toString(16)}, expected 0x7f`)
  }
  if (buf.length >= 11 && buf[10]! < 3) {
    throw new ZmtpError('ZMTP_UNSUPPORTED_VERSION', `peer speaks ZMTP ${buf[10]! === 1 ? '2.0' : `revision ${buf[10]}`}, ZMTP 3.x required`)
  }
}

/** Decodes a complete greeting (first 64 bytes of `buf`). */
export function decodeGreeting(buf: Uint8Array): Greeting {
  if (buf.length < GREETING_SIZE) throw new ZmtpError('ZMTP_BAD_GREETING', 'truncated greeting')
  checkGreetingPrefix(buf)
  let end = 12
  while (end < 32 && buf[end] !== 0) end++
  for (let i = end; i < 32; i++) {
    if (buf[i] !== 0) throw new ZmtpError('ZMTP_BAD_GREETING', 'mechanism name is not null-padded')
  }
  if (end === 12) throw new ZmtpError('ZMTP_BAD_GREETING', 'empty mechanism name')
  let mechanism = ''
  for (let i = 12; i < end; i++) {
    const c = buf[i]!
    // RFC 23: mechanism = 20mechanism-char, uppercase letters, digits, "-", "_", ".", "+"
    const ok = (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f || c === 0x2e || c === 0x2b
    if (!ok) throw new ZmtpError('ZMTP_BAD_GREETING', `invalid character 0x${c.toString(16)} in mechanism name`)
    mechanism += String.fromCharCode(c)
  }
  // Any non-zero as-server byte means "server", as libzmq reads it.
  return { major: buf[10]!, minor: buf[11]!, mechanism, asServer: buf[32] !== 0 }
}
