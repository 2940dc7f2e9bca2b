// Big-endian uint32 for generated codecs, without Buffer#readUInt32BE's argument checks: the generated code
// has bounds-checked the offset already.

export function readU32(b: Buffer, p: number): number {
  return b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!)
}

export function writeU32(b: Buffer, p: number, v: number): void {
  b[p] = v >>> 24
  b[p + 1] = (v >>> 16) & 0xff
  b[p + 2] = (v >>> 8) & 0xff
  b[p + 3] = v & 0xff
}
