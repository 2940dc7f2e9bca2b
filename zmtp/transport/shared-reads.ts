// Reading streams into one buffer shared by every connection of this thread (net's `onread`).
// Node's default read path allocates a fresh 64 KiB buffer for every read and hands it on through
// the stream machinery; here the kernel copies straight into one large reused buffer and the
// connection's handler is called directly, so bulk transfers need far fewer reads and no memory
// per read. A chunk is only valid during its handler call (the decoder's pushTransient copies
// what it keeps). Sharing is safe because on Unix a read completes synchronously, one at a time
// on this thread, its handler finishing before the next read; worker threads load their own copy
// of this module. On Windows a read may still be in flight while another completes, so streams
// there keep Node's own buffers.
//
// Outgoing streams get `onread` when they are made. Accepted streams come from net.Server, which
// has no such option: the server leaves them paused (pauseOnConnect), and each one's handle is
// moved into a new net.Socket that has it. Should a Node version not allow that, the stream is
// used as it is, read through 'data' events; the handler then sees the same bytes, not transient.
import * as net from 'node:net'

/** Called with each chunk read; a `transient` chunk's memory is reused once the call returns. */
export type ChunkHandler = (chunk: Buffer, transient: boolean) => void

/** Size of the shared read buffer: the most one read can return. */
export const SHARED_READ_SIZE = 512 * 1024

/** False on Windows, where reads may overlap. */
export const SHARED_READS = process.platform !== 'win32'

let shared: Buffer | undefined

const kReader = Symbol('zmtp.reader')

/** Where a stream's chunks go. */
class Reader {
  handler: ChunkHandler | undefined
  /** Copies of chunks read before a handler was set (not expected: handlers are set at once). */
  early: Buffer[] | undefined

  readonly onread: net.OnReadOpts = {
    buffer: () => (shared ??= Buffer.allocUnsafe(SHARED_READ_SIZE)),
    callback: (n, buf) => {
      const chunk = (buf as Buffer).subarray(0, n)
      if (this.handler !== undefined) this.handler(chunk, true)
      else (this.early ??= []).push(Buffer.from(chunk))
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
  for (const chunk of early) handler(chunk, false)
}
