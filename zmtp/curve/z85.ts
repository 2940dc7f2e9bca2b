// Z85 (ZeroMQ RFC 32): 4 bytes, read as a big-endian 32-bit number, become 5 base-85 digits
// (most significant first) from a printable alphabet that is safe in source code and config files.

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#'

/** Digit value of each char code 0..127, -1 for a char outside the alphabet. */
const DIGITS = new Int8Array(128).fill(-1)
for (let i = 0; i < ALPHABET.length; i++) DIGITS[ALPHABET.charCodeAt(i)] = i

/** Z85 text of data; data length must be a multiple of 4 (RangeError otherwise). */
export function z85Encode(data: Uint8Array): string {
  if (data.length % 4 !== 0) throw new RangeError(`Z85 input length must be a multiple of 4, got ${data.length}`)
  let text = ''
  for (let i = 0; i < data.length; i += 4) {
    let value = ((data[i]! << 24) | (data[i + 1]! << 16) | (data[i + 2]! << 8) | data[i + 3]!) >>> 0
    const d4 = value % 85
    value = (value - d4) / 85
    const d3 = value % 85
    value = (value - d3) / 85
    const d2 = value % 85
    value = (value - d2) / 85
    const d1 = value % 85
    const d0 = (value - d1) / 85
    text += ALPHABET[d0]! + ALPHABET[d1]! + ALPHABET[d2]! + ALPHABET[d3]! + ALPHABET[d4]!
  }
  return text
}

/**
 * Bytes of Z85 text; length must be a multiple of 5 and every char from the Z85 alphabet, and each
 * 5-char group must decode to < 2^32 (RangeError otherwise).
 */
export function z85Decode(text: string): Buffer {
  if (typeof text !== 'string') throw new TypeError('Z85 input must be a string')
  if (text.length % 5 !== 0) throw new RangeError(`Z85 text length must be a multiple of 5, got ${text.length}`)
  const out = Buffer.alloc((text.length / 5) * 4)
  for (let i = 0, o = 0; i < text.length; i += 5, o += 4) {
    let value = 0
    for (let k = 0; k < 5; k++) {
      const code = text.charCodeAt(i + k)
      const digit = code < 128 ? DIGITS[code]! : -1
      if (digit < 0) throw new RangeError(`invalid Z85 character ${JSON.stringify(text[i + k])} at ${i + k}`)
      value = value * 85 + digit
    }
    if (value > 0xffffffff) throw new RangeError(`Z85 group ${JSON.stringify(text.slice(i, i + 5))} at ${i} exceeds 32 bits`)
    out.writeUInt32BE(value, o)
  }
  return out
}
