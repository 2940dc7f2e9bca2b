// Streaming ZMTP frame decoder. Bytes in (any chunking), whole multipart messages and command
// bodies out. Works on each chunk in place: a frame that lies inside one chunk is delivered as a
// view (subarray) of it; only a frame that straddles chunks is assembled, from the pieces as
// they arrive, so a size the peer claims is never allocated up front. Limits are checked
// against the header before any body byte is read.
//
// A chunk whose memory is reused after the call (as when a stream reads into one reused buffer)
// is pushed with a `viewMin`: what outlives the call and is smaller than that (frames, pieces of
// straddling frames, input held while paused) is copied out, each into its own exactly sized
// buffer; what is larger stays a view, and push() returns true to say the memory is now taken.
// viewMin Infinity copies everything; 0 (the default) copies nothing. largeFrameBytesAtLeast()
// tells a caller beforehand how much of a chunk such views would cover.

import { constants as bufferConstants } from 'node:buffer'
import { ZmtpError } from '../errors.ts'
import { FLAG_COMMAND, FLAG_LONG, FLAG_MORE, FLAG_RESERVED } from './frame.ts'

export interface FrameSink {
  /** A whole multipart data message (frames of one message are never delivered partially). */
  onMessage(frames: Buffer[]): void
  /** The body of one COMMAND frame (name length, name, data). */
  onCommand(body: Buffer): void
}

export interface FrameDecoderOptions {
  /** Bytes of payload per whole message, -1 = unlimited (still capped by HARD_FRAME_CAP). */
  maxMessageSize?: number
  /** Bytes per command frame. Commands are small; the cap stops a peer from making us buffer a huge one. */
  maxCommandSize?: number
  /** Frames per message: empty frames cost no payload bytes but still cost memory. */
  maxFrames?: number
}

/** Largest frame a Node Buffer can hold: anything above is refused even when unlimited. */
export const HARD_FRAME_CAP = Math.min(bufferConstants.MAX_LENGTH, Number.MAX_SAFE_INTEGER)
export const DEFAULT_MAX_COMMAND_SIZE = 1 << 20
export const DEFAULT_MAX_FRAMES = 1 << 16

const TWO_32 = 0x1_0000_0000
/** A LONG size whose high word reaches this is >= 2^53 and beyond any cap. */
const HI_WORD_LIMIT = 0x20_0000

export class FrameDecoder {
  maxMessageSize: number
  readonly maxCommandSize: number
  readonly maxFrames: number

  private readonly sink: FrameSink
  // header assembly when a header straddles chunks (made the first time one does)
  private head: Buffer | undefined
  private headLen = 0
  // current frame whose body straddles chunks
  private flags = 0
  private remaining = -1 // body bytes still expected; -1 = reading a header
  private pieces: Buffer[] = []
  private piecesLen = 0
  // current multipart message
  private frames: Buffer[] = []
  private messageSize = 0
  // input held back while paused or stopped
  private held: Buffer[] = []
  private paused = false
  private stopped = false
  /** Parts of the chunk being decoded smaller than this are copied; larger ones are views. */
  private viewMin = 0
  /** A view of the chunk being decoded has been kept. */
  private viewed = false

  constructor(sink: FrameSink, options: FrameDecoderOptions = {}) {
    this.sink = sink
    this.maxMessageSize = options.maxMessageSize ?? -1
    this.maxCommandSize = options.maxCommandSize ?? DEFAULT_MAX_COMMAND_SIZE
    this.maxFrames = options.maxFrames ?? DEFAULT_MAX_FRAMES
  }

  /** Stops delivering until resume(); input pushed meanwhile is kept (the caller pauses its stream). */
  pause(): void {
    this.paused = true
  }

  resume(): void {
    if (!this.paused || this.stopped) return
    this.paused = false
    while (!this.paused && !this.stopped && this.held.length > 0) {
      const next = this.held.shift()!
      this.decode(next)
    }
  }

  /** Drops all state; nothing is delivered any more. */
  stop(): void {
    this.stopped = true
    this.held = []
    this.pieces = []
    this.frames = []
  }

  get isPaused(): boolean {
    return this.paused
  }

  /** True when no partial frame or message is pending. */
  get isIdle(): boolean {
    return this.remaining === -1 && this.headLen === 0 && this.frames.length === 0
  }

  /**
   * Decodes `chunk`; throws ZmtpError on bad input (the caller then drops the connection). Parts
   * kept beyond the call that are smaller than `viewMin` are copied. Returns true when a view of
   * `chunk` was kept: its memory must not be reused.
   */
  push(chunk: Buffer, viewMin = 0): boolean {
    if (this.stopped) return false
    this.viewMin = viewMin
    this.viewed = false
    try {
      if (this.paused) this.held.push(this.keep(chunk, 0, chunk.length))
      else this.decode(chunk)
    } finally {
      this.viewMin = 0
    }
    return this.viewed
  }

  /**
   * True when `chunk` holds at least `atLeast` bytes of frames of `viewMin` bytes or more that lie
   * wholly inside it (those push() would deliver as views), walking the frame headers from where
   * decoding stands. A caller asks before push(chunk, viewMin) so that it only keeps views of
   * memory that is mostly taken by them.
   */
  largeFrameBytesAtLeast(chunk: Buffer, viewMin: number, atLeast: number): boolean {
    const len = chunk.length
    if (len < atLeast) return false
    if (this.headLen > 0) return false
    // The rest of a straddling frame is assembled from pieces (copied), never a view.
    let off = this.remaining > 0 ? Math.min(this.remaining, len) : 0
    let large = 0
    // Stop as soon as the answer is known either way.
    while (off + 2 <= len && large < atLeast && large + (len - off) >= atLeast) {
      let size: number
      if (chunk[off]! & FLAG_LONG) {
        if (off + 9 > len) break
        const hi = chunk.readUInt32BE(off + 1)
        if (hi >= HI_WORD_LIMIT) break
        size = hi * TWO_32 + chunk.readUInt32BE(off + 5)
        off += 9
      } else {
        size = chunk[off + 1]!
        off += 2
      }
      if (size > len - off) break
      if (size >= viewMin) large += size
      off += size
    }
    return large >= atLeast
  }

  /** `chunk[start, end)`: a view, or a copy when shorter than viewMin. */
  private keep(chunk: Buffer, start: number, end: number): Buffer {
    if (end - start < this.viewMin) return copyOf(chunk, start, end)
    if (this.viewMin > 0) this.viewed = true
    return chunk.subarray(start, end)
  }

  private decode(chunk: Buffer): void {
    const len = chunk.length
    let off = 0
    while (off < len) {
      if (this.paused || this.stopped) {
        if (this.paused) this.held.unshift(this.keep(chunk, off, len))
        return
      }
      if (this.remaining >= 0) {
        // continue a body that straddles chunks
        const take = Math.min(this.remaining, len - off)
        this.pieces.push(this.keep(chunk, off, off + take))
        this.piecesLen += take
        this.remaining -= take
        off += take
        if (this.remaining === 0) {
          const body = this.pieces.length === 1 ? this.pieces[0]! : Buffer.concat(this.pieces, this.piecesLen)
          this.pieces = []
          this.piecesLen = 0
          this.remaining = -1
          this.frame(this.flags, body)
        }
        continue
      }

      let flags: number
      let size: number
      if (this.headLen === 0 && len - off >= 2 && (chunk[off]! & FLAG_LONG) === 0) {
        // fast path: short header wholly in this chunk
        flags = chunk[off]!
        size = chunk[off + 1]!
        off += 2
      } else if (this.headLen === 0 && len - off >= 9) {
        flags = chunk[off]!
        size = this.longSize(chunk, off + 1)
        off += 9
      } else {
        // header straddles chunks: collect its bytes
        if (this.headLen === 0) this.checkFlags(chunk[off]!)
        const head = (this.head ??= Buffer.alloc(9))
        const need = (this.headLen > 0 ? head[0]! : chunk[off]!) & FLAG_LONG ? 9 : 2
        const take = Math.min(need - this.headLen, len - off)
        chunk.copy(head, this.headLen, off, off + take)
        this.headLen += take
        off += take
        if (this.headLen < need) continue
        flags = head[0]!
        size = need === 2 ? head[1]! : this.longSize(head, 1)
        this.headLen = 0
      }
      this.checkFlags(flags)
      this.checkSize(flags, size)
      if (len - off >= size) {
        const body = this.keep(chunk, off, off + size)
        off += size
        this.frame(flags, body)
      } else {
        this.flags = flags
        this.remaining = size - (len - off)
        this.pieces.push(this.keep(chunk, off, len))
        this.piecesLen = len - off
        off = len
      }
    }
  }

  private longSize(buf: Buffer, at: number): number {
    const hi = buf.readUInt32BE(at)
    if (hi >= HI_WORD_LIMIT) {
      this.checkFlags(buf[at - 1]!)
      throw new ZmtpError('ZMTP_FRAME_TOO_LARGE', `frame claims ${buf.readBigUInt64BE(at)} bytes`)
    }
    return hi * TWO_32 + buf.readUInt32BE(at + 4)
  }

  private checkFlags(flags: number): void {
    if (flags & FLAG_RESERVED) throw new ZmtpError('ZMTP_BAD_FLAGS', `reserved flag bits set: 0x${flags.toString(16)}`)
    if ((flags & (FLAG_COMMAND | FLAG_MORE)) === (FLAG_COMMAND | FLAG_MORE)) {
      throw new ZmtpError('ZMTP_BAD_FLAGS', 'COMMAND frame with MORE set')
    }
  }

  private checkSize(flags: number, size: number): void {
    if (flags & FLAG_COMMAND) {
      if (size > this.maxCommandSize) throw new ZmtpError('ZMTP_FRAME_TOO_LARGE', `command frame of ${size} bytes exceeds ${this.maxCommandSize}`)
      if (this.frames.length > 0) throw new ZmtpError('ZMTP_BAD_COMMAND', 'command frame inside a multipart message')
      return
    }
    if (size > HARD_FRAME_CAP) throw new ZmtpError('ZMTP_FRAME_TOO_LARGE', `frame of ${size} bytes exceeds the Buffer limit`)
    const max = this.maxMessageSize
    if (max >= 0) {
      if (size > max) throw new ZmtpError('ZMTP_FRAME_TOO_LARGE', `frame of ${size} bytes exceeds maxMessageSize ${max}`)
      if (this.messageSize + size > max) {
        throw new ZmtpError('ZMTP_MESSAGE_TOO_LARGE', `message of more than ${max} bytes (maxMessageSize)`)
      }
    }
    if (this.frames.length >= this.maxFrames) throw new ZmtpError('ZMTP_MESSAGE_TOO_LARGE', `message of more than ${this.maxFrames} frames`)
  }

  private frame(flags: number, body: Buffer): void {
    if (flags & FLAG_COMMAND) {
      this.sink.onCommand(body)
      return
    }
    this.frames.push(body)
    if (flags & FLAG_MORE) {
      this.messageSize += body.length
      return
    }
    const frames = this.frames
    this.frames = []
    this.messageSize = 0
    this.sink.onMessage(frames)
  }
}

/** Copies of 4-16 KiB are carved from slabs of this size (Node's own pool takes smaller ones). */
const SLAB_SIZE = 64 * 1024
const SLAB_MIN = 4 * 1024
const SLAB_MAX = SLAB_SIZE / 4
let slab: Buffer | undefined
let slabPos = 0

/**
 * A copy of `src[start, end)`. Under 4 KiB from Node's pool (as Buffer.from does); 4-16 KiB
 * from a 64 KiB slab of ours, so a stream of such frames is not one allocation each (a kept one
 * pins its slab, at most 16 times its size, as a view of a 64 KiB read did); larger ones alone.
 */
function copyOf(src: Buffer, start: number, end: number): Buffer {
  const n = end - start
  let out: Buffer
  if (n < SLAB_MIN || n > SLAB_MAX) {
    out = Buffer.allocUnsafe(n)
  } else {
    if (slab === undefined || SLAB_SIZE - slabPos < n) {
      slab = Buffer.allocUnsafeSlow(SLAB_SIZE)
      slabPos = 0
    }
    out = slab.subarray(slabPos, slabPos + n)
    // Keep the next copy 8-byte aligned, as Node's pool does.
    slabPos = (slabPos + n + 7) & ~7
  }
  src.copy(out, 0, start, end)
  return out
}
