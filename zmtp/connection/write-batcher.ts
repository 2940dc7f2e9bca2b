// Collects outgoing frames between flushes. Small frames (and headers) are copied into a slab so
// a tick's worth of messages leaves in one or a few writes; large bodies are passed through by
// reference (zero copy), so callers must not modify a Buffer after send().

import { writeFrameHeader, writeMessage, messageEncodedSize } from '../codec/frame.ts'

/** The first slab is small (most connections are quiet: a handshake and a few messages) and is
 *  dropped when its batch is taken; each refill doubles it up to SLAB_MAX, so a busy connection
 *  soon batches 64 KiB at a time. */
const SLAB_FIRST = 1024
const SLAB_MAX = 64 * 1024
/** Messages up to this size are encoded whole into the slab. */
const SMALL_MESSAGE = 8 * 1024
/** Bodies up to this size are copied; larger ones are referenced. */
const COPY_MAX = 4 * 1024

const EMPTY = Buffer.alloc(0)

export class WriteBatcher {
  private parts: Buffer[] = []
  private partsBytes = 0
  /** Of pendingBytes, those of large bodies passed by reference. */
  private referencedBytes = 0
  private slab = EMPTY
  private nextSlabSize = SLAB_FIRST
  private start = 0 // slab[start, pos) is filled but not yet handed out
  private pos = 0

  get pendingBytes(): number {
    return this.partsBytes + this.pos - this.start
  }

  /** Pending bytes copied into slabs: small messages, headers, commands. */
  get copiedBytes(): number {
    return this.pendingBytes - this.referencedBytes
  }

  get isEmpty(): boolean {
    return this.partsBytes === 0 && this.pos === this.start
  }

  addMessage(frames: readonly Buffer[]): void {
    const total = messageEncodedSize(frames)
    if (total <= SMALL_MESSAGE) {
      this.reserve(total)
      this.pos = writeMessage(this.slab, this.pos, frames)
      return
    }
    const last = frames.length - 1
    for (let i = 0; i <= last; i++) {
      const f = frames[i]!
      this.reserve(9)
      this.pos = writeFrameHeader(this.slab, this.pos, i < last ? 1 : 0, f.length)
      this.addBytes(f)
    }
  }

  /** An already encoded buffer (commands). */
  addRaw(buf: Buffer): void {
    this.addBytes(buf)
  }

  /** Everything pending, in order; the batcher is empty afterwards. */
  take(): Buffer[] {
    this.cut()
    const p = this.parts
    this.parts = []
    this.partsBytes = 0
    this.referencedBytes = 0
    // A first-size slab is all a quiet connection ever has: let it go rather than hold a
    // kilobyte per idle connection (a slab comes cheap from Node's pool when one is needed).
    if (this.slab.length <= SLAB_FIRST) {
      this.slab = EMPTY
      this.start = 0
      this.pos = 0
      this.nextSlabSize = SLAB_FIRST
    }
    return p
  }

  private addBytes(b: Buffer): void {
    if (b.length <= COPY_MAX) {
      this.reserve(b.length)
      this.slab.set(b, this.pos)
      this.pos += b.length
    } else {
      this.cut()
      this.parts.push(b)
      this.partsBytes += b.length
      this.referencedBytes += b.length
    }
  }

  private reserve(n: number): void {
    if (this.slab.length - this.pos >= n) return
    this.cut()
    // Regions already handed out stay owned by the stream; start a fresh slab.
    this.slab = Buffer.allocUnsafe(Math.max(this.nextSlabSize, n))
    this.nextSlabSize = Math.min(this.nextSlabSize * 2, SLAB_MAX)
    this.start = 0
    this.pos = 0
  }

  private cut(): void {
    if (this.pos > this.start) {
      this.parts.push(this.slab.subarray(this.start, this.pos))
      this.partsBytes += this.pos - this.start
      this.start = this.pos
    }
  }
}
