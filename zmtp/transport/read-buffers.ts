// Where a stream's reads go: one buffer shared by every stream of this thread, or, for a stream
// moving bulk data, a buffer of its own. Node's default read path allocates a fresh 64 KiB buffer
// for every read; here the kernel copies into one large reused buffer and the chunk's handler
// copies out only what it keeps. Sharing is safe because on Unix a read completes synchronously,
// one at a time on this thread, its handler finishing before the next read; worker threads load
// their own copy of this module. On Windows a read may still be in flight while another
// completes, so streams there keep Node's own buffers (SHARED_READS is false).
//
// A stream that fills half the shared buffer in one read is moving bulk data: it gets a buffer of
// its own, and large frames (an eighth of the buffer or more) may be handed on as views of it, not
// copied (the connection does so only when they fill half the buffer); once a read leaves such a
// view behind, the next read goes into a fresh buffer. After eight small reads in a row the
// stream goes back to the shared buffer.
import type { ChunkHandler } from './byte-stream.ts'

/** Size of the shared read buffer, and of a bulk stream's own: the most one read can return. */
export const SHARED_READ_SIZE = 512 * 1024

/** Frames this large or larger are kept as views of a bulk stream's own buffer. */
const VIEW_MIN = SHARED_READ_SIZE / 8
/** A read this large makes the stream a bulk stream. */
const BULK_READ = SHARED_READ_SIZE / 2
/** Small reads in a row after which a bulk stream gives its own buffer up. */
const BULK_IDLE_READS = 8

/** False on Windows, where reads may overlap. */
export const SHARED_READS = process.platform !== 'win32'

let shared: Buffer | undefined

export class ReadBuffers {
  /** A bulk stream's own buffer; undefined while it reads into the shared one. */
  private own: Buffer | undefined
  /** Small reads in a row. */
  private smallReads = 0

  /** The buffer the next read goes into. */
  next(): Buffer {
    return this.own ?? (shared ??= Buffer.allocUnsafe(SHARED_READ_SIZE))
  }

  /**
   * Hands the `n` bytes just read into `buf` (what next() returned) to `handler`, then decides
   * where the next read goes; returns that buffer.
   */
  deliver(handler: ChunkHandler, n: number, buf: Buffer): Buffer {
    const own = buf === this.own
    const taken = handler(buf.subarray(0, n), own ? VIEW_MIN : Infinity) && own
    this.smallReads = n >= BULK_READ ? 0 : this.smallReads + 1
    const bulk = n >= BULK_READ || (own && this.smallReads < BULK_IDLE_READS)
    // A bulk stream reads into a buffer of its own: a fresh one when a view took the last.
    if (!bulk) this.own = undefined
    else if (taken || this.own === undefined) this.own = Buffer.allocUnsafeSlow(SHARED_READ_SIZE)
    return this.next()
  }
}
