// ZMTP metadata properties (RFC 23): name-length (1 byte), name, value-length (4 bytes BE), value.
// Used by READY, INITIATE and WELCOME-less handshakes alike.

import { ZmtpError } from '../errors.ts'

/** RFC 23: name = 1*255 name-char, name-char = ALPHA | DIGIT | "-" | "_" | "." | "+". */
export function isValidPropertyName(name: string): boolean {
  if (name.length < 1 || name.length > 255) return false
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
      c === 0x2d || c === 0x5f || c === 0x2e || c === 0x2b
    if (!ok) return false
  }
  return true
}

/** Properties in insertion order; names as given (the wire is case-insensitive, we keep the sender's case). */
export function encodeMetadata(props: Iterable<readonly [string, Uint8Array]>): Buffer {
  const parts: Uint8Array[] = []
  let size = 0
  for (const [name, value] of props) {
    if (!isValidPropertyName(name)) throw new RangeError(`invalid metadata property name: ${JSON.stringify(name)}`)
    const head = Buffer.allocUnsafe(1 + name.length + 4)
    head[0] = name.length
    head.write(name, 1, 'latin1')
    head.writeUInt32BE(value.length, 1 + name.length)
    parts.push(head, value)
    size += head.length + value.length
  }
  return Buffer.concat(parts, size)
}

/** The names every peer sends, as spelled on the wire -> lower case: one string for all connections. */
const KNOWN_NAMES = new Map(['Socket-Type', 'Identity', 'Resource', 'User-Id'].map((n) => [n, n.toLowerCase()]))

/**
 * Decodes properties into a Map keyed by lower-cased name (later duplicates win, as in libzmq).
 * Values are copies, so the map does not pin the receive buffer.
 */
export function decodeMetadata(data: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>()
  let off = 0
  while (off < data.length) {
    const nameLen = data[off]!
    if (nameLen === 0) throw new ZmtpError('ZMTP_BAD_METADATA', 'metadata property with an empty name')
    if (off + 1 + nameLen + 4 > data.length) throw new ZmtpError('ZMTP_BAD_METADATA', 'truncated metadata property name')
    const name = data.toString('latin1', off + 1, off + 1 + nameLen)
    if (!isValidPropertyName(name)) throw new ZmtpError('ZMTP_BAD_METADATA', `invalid metadata property name ${JSON.stringify(name)}`)
    off += 1 + nameLen
    const valueLen = data.readUInt32BE(off)
    off += 4
    if (valueLen > data.length - off) throw new ZmtpError('ZMTP_BAD_METADATA', `truncated value of metadata property ${name}`)
    out.set(KNOWN_NAMES.get(name) ?? name.toLowerCase(), Buffer.from(data.subarray(off, off + valueLen)))
    off += valueLen
  }
  return out
}
