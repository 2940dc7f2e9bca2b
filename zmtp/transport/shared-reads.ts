// Reading streams into one buffer shared by every connection of this thread (net's `onread`).
// Node's default read path allocates a fresh 64 KiB buffer for every read and hands it on through
// the stream machinery; here the kernel copies straight into one large reused buffer and the
// connection's handler is called directly, so bulk transfers need far fewer reads and no memory
// per read. A chunk in the shared buffer is only valid during its handler call (the decoder
// copies what it keeps). Sharing is safe because on Unix a read completes synchronously, one at
// a time on this thread, its handler finishing before the next read; worker threads load their
// own copy of this module. On Windows a read may still be in flight while another completes, so
// streams there keep Node's own buffers.
//
// A stream that fills half the shared buffer in one read is moving bulk data: it gets a buffer of
// its own, and large frames (an eighth of the buffer or more) may be handed on as views of it, not
// copied (the connection does so only when they fill half the buffer); once a read leaves such a
// view behind, the next read goes into a fresh buffer. After eight small reads in a row the
// stream goes back to the shared buffer.
import * as net from 'node:net'

/**
 * Called with each chunk read. Parts the handler keeps that are smaller than `viewMin` must be
 * copied (Infinity: copy everything, the chunk is reused; 0: the chunk is never reused). Returns
 * true when it kept a view of the chunk.
 */
export type ChunkHandler = (chunk: Buffer, viewMin: number) => boolean

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

const kReader = Symbol('zmtp.reader')

/** Where a stream's chunks go. */
class Reader {
  handler: ChunkHandler | undefined
  /** Copies of chunks read before a handler was set (not expected: handlers are set at once). */
  early: Buffer[] | undefined
  /** A bulk stream's own buffer; undefined while it reads into the shared one. */
  private own: Buffer | undefined
  /** Small reads in a row. */
  private smallReads = 0

  readonly onread: net.OnReadOpts = {
    // Asked for the buffer of the next read, once at the start and after every read.
    buffer: () => this.own ?? (shared ??= Buffer.allocUnsafe(SHARED_READ_SIZE)),
    callback: (n, buf) => {
      const chunk = (buf as Buffer).subarray(0, n)
      const own = buf === this.own
      const handler = this.handler
      let taken = false
      if (handler === undefined) (this.early ??= []).push(Buffer.from(chunk))
      else taken = handler(chunk, own ? VIEW_MIN : Infinity) && own
      this.smallReads = n >= BULK_READ ? 0 : this.smallReads + 1
      const bulk = n >= BULK_READ || (own && this.smallReads < BULK_IDLE_READS)
      // A bulk stream reads into a buffer of its own: a fresh one when a view took the last.
      if (!bulk) this.own = undefined
      else if (taken || this.own === undefined) this.own = Buffer.allocUnsafeSlow(SHARED_READ_SIZE)
      return true
    },
  }
}

type ReadingSocket = net.Socket & { [kReader]?: Reader }

/** Opens an outgoing stream that reads into the shared buffer (where supported). */
export function connectShared(options: net.NetConnectOpts): net.Socket {
  if (!SHARED_READS) return net.connect(options)
  const reader = new Reader()
  const stream: ReadingSocket = net.connect({ ...options, onread: reader.onread })
  stream[kReader] = reader
  return stream
}

/**
 * An accepted stream (its server made with `pauseOnConnect: true`) as one reading into the
 * shared buffer. Returns the stream to use from now on: a new net.Socket over the same handle,
 * or the original, resumed, when its handle cannot be moved.
 */
export function adoptAccepted(stream: net.Socket): net.Socket {
  const original = stream as unknown as { _handle?: { readStart?: unknown } | null }
  const handle = original._handle
  if (!SHARED_READS || handle == null || typeof handle.readStart !== 'function' || stream.destroyed) {
    stream.resume()
    return stream
  }
  const reader = new Reader()
  let moved: ReadingSocket
  try {
    moved = new net.Socket({ handle, readable: true, writable: true, onread: reader.onread } as net.SocketConstructorOpts)
  } catch {
    stream.resume()
    return stream
  }
  moved[kReader] = reader
  // The original gives up the handle; destroying it then only settles the server's count.
  original._handle = null
  stream.destroy()
  return moved
}

/** True when the stream reads into the shared buffer: use setChunkHandler, not 'data'. */
export function readsShared(stream: net.Socket): boolean {
  return (stream as ReadingSocket)[kReader] !== undefined
}

/** Sends each chunk `stream` reads from now on to `handler` (a shared-read stream only). */
export function setChunkHandler(stream: net.Socket, handler: ChunkHandler): void {
  const reader = (stream as ReadingSocket)[kReader]
  if (reader === undefined) throw new TypeError('not a shared-read stream')
  reader.handler = handler
  const early = reader.early
  if (early === undefined) return
  reader.early = undefined
  for (const chunk of early) handler(chunk, 0)
}
