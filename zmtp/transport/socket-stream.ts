// A ByteStream over a net.Socket: IPC, Windows, hostnames, and TCP wherever libuv handles cannot
// be driven directly (handle-stream.ts). Streams we open read through net's `onread` into the
// shared read buffers (read-buffers.ts); an accepted one (its server made with `pauseOnConnect`)
// is moved onto a new net.Socket that does. Any other net.Socket (given by a caller, or on
// Windows) is read through 'data' events, each chunk its own memory.
import * as net from 'node:net'
import type { ByteStream, ChunkHandler, CloseListener } from './byte-stream.ts'
import { ReadBuffers, SHARED_READS } from './read-buffers.ts'

export class SocketStream implements ByteStream {
  private handler: ChunkHandler | undefined
  /** Copies of chunks read before a handler was set. */
  private early: Buffer[] | undefined
  private readonly buffers: ReadBuffers | undefined
  private listeningForData = false
  private listeningForDrain = false
  private drainListener: (() => void) | undefined
  /** The transport error the socket reported before closing, if any. */
  private lastError: Error | undefined

  /** `buffers`: the ReadBuffers the socket's `onread` was made with (see connectSocket). */
  constructor(
    readonly socket: net.Socket,
    buffers?: ReadBuffers,
  ) {
    this.buffers = buffers
    // Transport errors (ECONNRESET, EPIPE...) are reported with the close that follows.
    socket.on('error', this.onError)
  }

  /** The net `onread` option that feeds this stream's handler (where shared reads are allowed). */
  static onread(getStream: () => SocketStream | undefined, buffers: ReadBuffers): net.OnReadOpts {
    return {
      buffer: () => buffers.next(),
      callback: (n, buf) => {
        getStream()?.onRead(n, buf as Buffer)
        return true
      },
    }
  }

  get destroyed(): boolean {
    return this.socket.destroyed
  }

  get writableLength(): number {
    return this.socket.writableLength
  }

  setChunkHandler(handler: ChunkHandler): void {
    this.handler = handler
    if (this.buffers === undefined && !this.listeningForData) {
      this.listeningForData = true
      this.socket.on('data', this.onData)
    }
    const early = this.early
    if (early === undefined) return
    this.early = undefined
    for (const chunk of early) handler(chunk, 0)
  }

  setDrainListener(listener: () => void): void {
    this.drainListener = listener
    if (!this.listeningForDrain) {
      this.listeningForDrain = true
      this.socket.on('drain', () => this.drainListener?.())
    }
  }

  onClose(listener: CloseListener): void {
    this.socket.on('close', () => listener(this.lastError))
  }

  write(buf: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(buf)
  }

  writev(bufs: Buffer[]): void {
    const s = this.socket
    if (s.destroyed) return
    if (bufs.length === 1) {
      s.write(bufs[0]!)
      return
    }
    s.cork()
    for (let i = 0; i < bufs.length; i++) s.write(bufs[i]!)
    s.uncork()
  }

  pause(): void {
    this.socket.pause()
  }

  resume(): void {
    this.socket.resume()
  }

  end(last?: Buffer): void {
    if (last !== undefined) this.socket.end(last)
    else this.socket.end()
    // Keep reading (and discarding) even if input was paused, so the peer's FIN is seen.
    this.socket.resume()
  }

  destroy(): void {
    this.socket.destroy()
  }

  private readonly onError = (err: Error): void => {
    this.lastError = err
  }

  private onRead(n: number, buf: Buffer): void {
    const handler = this.handler
    if (handler === undefined) {
      ;(this.early ??= []).push(Buffer.from(buf.subarray(0, n)))
      this.buffers!.deliver(ignore, n, buf)
      return
    }
    this.buffers!.deliver(handler, n, buf)
  }

  private readonly onData = (chunk: Buffer): void => {
    this.handler!(chunk, 0)
  }
}

const ignore: ChunkHandler = () => false

/** Opens an outgoing stream, reading into the shared buffers where allowed; `onConnect` once connected. */
export function connectSocket(options: net.NetConnectOpts, onConnect: (stream: SocketStream) => void): SocketStream {
  if (!SHARED_READS) return connected(new SocketStream(net.connect(options)), onConnect)
  const buffers = new ReadBuffers()
  let stream: SocketStream | undefined
  const socket = net.connect({ ...options, onread: SocketStream.onread(() => stream, buffers) })
  stream = new SocketStream(socket, buffers)
  return connected(stream, onConnect)
}

function connected(stream: SocketStream, onConnect: (stream: SocketStream) => void): SocketStream {
  stream.socket.on('connect', () => onConnect(stream))
  return stream
}

/**
 * An accepted socket (its server made with `pauseOnConnect: true`) as a stream reading into the
 * shared buffers: a new net.Socket over the same handle, or the original, resumed and read
 * through 'data', when its handle cannot be moved.
 */
export function adoptAccepted(accepted: net.Socket): SocketStream {
  const original = accepted as unknown as { _handle?: { readStart?: unknown } | null }
  const handle = original._handle
  if (!SHARED_READS || handle == null || typeof handle.readStart !== 'function' || accepted.destroyed) {
    accepted.resume()
    return new SocketStream(accepted)
  }
  const buffers = new ReadBuffers()
  let stream: SocketStream | undefined
  let moved: net.Socket
  try {
    moved = new net.Socket({ handle, readable: true, writable: true, onread: SocketStream.onread(() => stream, buffers) } as net.SocketConstructorOpts)
  } catch {
    accepted.resume()
    return new SocketStream(accepted)
  }
  stream = new SocketStream(moved, buffers)
  // The original gives up the handle; destroying it then only settles the server's count.
  original._handle = null
  accepted.destroy()
  return stream
}
