// ZMTP 3.x frame encoding (RFC 23 §"Framing"): flags byte, 1-byte or 8-byte size, body.
// Encoders write a whole message into one Buffer so the connection can batch writes.

export const FLAG_MORE = 0x01
export const FLAG_LONG = 0x02
export const FLAG_COMMAND = 0x04
/** Bits 3..7 are reserved and must be zero on the wire. */
export const FLAG_RESERVED = 0xf8

const TWO_32 = 0x1_0000_0000

/** Bytes of header for a body of `size` bytes: short frames carry sizes 0..255. */
export function frameHeaderSize(size: number): number {
  return size < 256 ? 2 : 9
}

/** Writes the header of one frame at `off` and returns the offset after it. `flags` must not contain LONG. */
export function writeFrameHeader(buf: Buffer, off: number, flags: number, size: number): number {
  if (size < 256) {
    buf[off] = flags
    buf[off + 1] = size
    return off + 2
  }
  buf[off] = flags | FLAG_LONG
  // Sizes stay below 2^53 (Buffer limit), so a split into two uint32 is exact.
  buf.writeUInt32BE(Math.floor(size / TWO_32), off + 1)
  buf.writeUInt32BE(size >>> 0, off + 5)
  return off + 9
}

/** Encoded size of a multipart data message. */
export function messageEncodedSize(frames: readonly Uint8Array[]): number {
  let total = 0
  for (let i = 0; i < frames.length; i++) {
    const n = frames[i]!.length
    total += n + (n < 256 ? 2 : 9)
  }
  return total
}

/** Writes a whole multipart data message at `off`; returns the offset after it. */
export function writeMessage(buf: Buffer, off: number, frames: readonly Uint8Array[]): number {
  const last = frames.length - 1
  for (let i = 0; i <= last; i++) {
    const f = frames[i]!
    off = writeFrameHeader(buf, off, i < last ? FLAG_MORE : 0, f.length)
    buf.set(f, off)
    off += f.length
  }
  return off
}

/** One Buffer with every frame of the message (MORE on all but the last). An empty message is one empty frame. */
export function encodeMessage(frames: readonly Uint8Array[]): Buffer {
  if (frames.length === 0) frames = [EMPTY]
  const out = Buffer.allocUnsafe(messageEncodedSize(frames))
  writeMessage(out, 0, frames)
  return out
}

/** A command frame: name length, name (ASCII, 1..255 bytes), then the command data. */
export function encodeCommand(name: string, ...data: Uint8Array[]): Buffer {
  const nameLen = Buffer.byteLength(name, 'latin1')
  if (nameLen < 1 || nameLen > 255) throw new RangeError(`command name must be 1..255 bytes: ${name}`)
  let size = 1 + nameLen
  for (const d of data) size += d.length
  const out = Buffer.allocUnsafe(frameHeaderSize(size) + size)
  let off = writeFrameHeader(out, 0, FLAG_COMMAND, size)
  out[off++] = nameLen
  off += out.write(name, off, 'latin1')
  for (const d of data) {
    out.set(d, off)
    off += d.length
  }
  return out
}

const EMPTY = new Uint8Array(0)
