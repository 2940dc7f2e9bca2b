// A ByteStream that drives a libuv TCP handle directly, the layer under net.Socket, without the
// stream machinery above it: no Duplex state, no per-write callbacks, no event emitter. Reads
// land in the shared read buffers (read-buffers.ts) and go straight to the one chunk handler;
// writes are libuv writes, most of them completed synchronously. Opening, accepting and closing
// a connection this way costs a fraction of what a net.Socket does, which is most of the time a
// process with thousands of connections (a 50-node Zyre mesh) spends setting them up.
//
// Behaviour follows net.Socket with allowHalfOpen off: the peer's FIN ends our side once what we
// wrote has gone, then the stream closes; errors close it, reported to the close listeners.
import { isIPv6 } from 'node:net'
import { getSystemErrorName } from 'node:util'
import type { ByteStream, ChunkHandler, CloseListener } from './byte-stream.ts'
import { ReadBuffers } from './read-buffers.ts'
import { UV_EOF, type UvBinding, type UvShutdownReq, type UvTcpHandle, type UvWriteReq } from './uv-binding.ts'

/** libuv's "socket is not connected": a shutdown with nothing to do. */
const UV_ENOTCONN = -107

interface WriteReq extends UvWriteReq {
  stream: HandleStream
}

interface ShutdownReq extends UvShutdownReq {
  stream: HandleStream
}

/** A system error as net reports it: code (EPIPE...), errno and syscall. */
export function uvError(status: number, syscall: string): NodeJS.ErrnoException {
  let code: string
  try {
    code = getSystemErrorName(status)
  } catch {
    code = `E${-status}`
  }
  const err: NodeJS.ErrnoException = new Error(`${syscall} ${code}`)
  err.code = code
  err.errno = status
  err.syscall = syscall
  return err
}

export class HandleStream implements ByteStream {
  private handler: ChunkHandler | undefined
  private readonly buffers = new ReadBuffers()
  /** The buffer the handle reads into now. */
  private current: Buffer | undefined
  private reading = false
  private paused = false
  private closed = false
  /** Our side is shut down, or will be once the writes before it are done. */
  private ending = false
  private shutDown = false
  private peerEnded = false
  /** Bytes of writes the kernel has not completed. */
  private pendingBytes = 0
  private drainListener: (() => void) | undefined
  private closeListeners: CloseListener[] = []
  private error: Error | undefined

  constructor(
    private readonly uv: UvBinding,
    private readonly handle: UvTcpHandle,
  ) {
    // Shared callbacks that find their stream through the handle (libuv calls them with the
    // handle as `this`): no closures per stream.
    ;(handle as OwnedHandle)[OWNER] = this
    handle.onread = onHandleRead
  }

  get destroyed(): boolean {
    return this.closed
  }

  get writableLength(): number {
    return this.pendingBytes
  }

  setChunkHandler(handler: ChunkHandler): void {
    this.handler = handler
    this.startReading()
  }

  setDrainListener(listener: () => void): void {
    this.drainListener = listener
  }

  onClose(listener: CloseListener): void {
    this.closeListeners.push(listener)
  }

  write(buf: Buffer): void {
    if (this.closed || this.ending) return
    const req = spareWriteReq(this.uv)
    this.written(req, this.handle.writeBuffer(req, buf), buf)
  }

  writev(bufs: Buffer[]): void {
    // libuv asserts on a write of no buffers: that would abort the process.
    if (this.closed || this.ending || bufs.length === 0) return
    const req = spareWriteReq(this.uv)
    if (bufs.length === 1) this.written(req, this.handle.writeBuffer(req, bufs[0]!), bufs[0]!)
    else this.written(req, this.handle.writev(req, bufs, true), bufs)
  }

  pause(): void {
    this.paused = true
    if (!this.reading) return
    this.reading = false
    this.handle.readStop()
  }

  resume(): void {
    this.paused = false
    this.startReading()
  }

  end(last?: Buffer): void {
    if (this.closed || this.ending) return
    if (last !== undefined) this.write(last)
    if (this.closed) return
    this.ending = true
    // Keep reading (the handler may discard) so the peer's FIN is seen.
    this.resume()
    const req = this.uv.newShutdownReq() as ShutdownReq
    req.handle = this.handle
    req.stream = this
    req.oncomplete = onShutdownDone
    const err = this.handle.shutdown(req)
    if (err === 1 || err === UV_ENOTCONN) this.shutdownDone()
    else if (err !== 0) this.close(uvError(err, 'shutdown'))
  }

  destroy(): void {
    this.close(undefined)
  }

  /** The connect failed, or the stream otherwise ends with `err`. */
  fail(err: Error): void {
    this.close(err)
  }

  /** The peer's address, as getpeername gives it. */
  peerAddress(): { address: string; port: number } {
    const out: { address?: string; port?: number } = {}
    this.handle.getpeername(out)
    return { address: out.address ?? '?', port: out.port ?? 0 }
  }

  // ---- libuv callbacks ----------------------------------------------------------------------

  /** @internal Called (through the handle) after each read; returns the buffer for the next one when it changes. */
  readDone(): Buffer | undefined {
    const n = this.uv.state[this.uv.kReadBytesOrError]!
    if (n > 0) {
      if (this.closed) return undefined
      const buf = this.current!
      const next = this.buffers.deliver(this.handler!, n, buf)
      if (next === buf) return undefined
      this.current = next
      return next
    }
    if (n === UV_EOF) this.onPeerEnd()
    else if (n < 0) this.close(uvError(n, 'read'))
    return undefined
  }

  writeDone(req: WriteReq, status: number): void {
    this.pendingBytes -= req.bytes
    req.buffers = undefined
    if (this.closed) return
    if (status < 0) this.close(uvError(status, 'write'))
    else if (this.pendingBytes === 0) this.drainListener?.()
  }

  shutdownDone(): void {
    this.shutDown = true
    if (this.peerEnded) this.close(undefined)
  }

  // ---- internals ----------------------------------------------------------------------------

  /**
   * After a write call: an error closes the stream; a write left to libuv keeps its buffers and
   * takes the request object, so the next write gets a new one.
   */
  private written(req: WriteReq, err: number, bufs: Buffer | Buffer[]): void {
    const uv = this.uv
    if (err === 0 && uv.state[uv.kLastWriteWasAsync] === 0) return
    spare = undefined
    if (err !== 0) {
      this.close(uvError(err, 'write'))
      return
    }
    req.handle = this.handle
    req.stream = this
    req.buffers = bufs
    req.bytes = uv.state[uv.kBytesWritten]!
    this.pendingBytes += req.bytes
  }

  private startReading(): void {
    if (this.reading || this.paused || this.closed || this.peerEnded || this.handler === undefined) return
    if (this.current === undefined) {
      this.current = this.buffers.next()
      this.handle.useUserBuffer(this.current)
    }
    const err = this.handle.readStart()
    if (err !== 0) {
      this.close(uvError(err, 'read'))
      return
    }
    this.reading = true
  }

  /** The peer closed its side: ours follows once what we wrote has gone, then the stream closes. */
  private onPeerEnd(): void {
    this.peerEnded = true
    this.reading = false
    if (this.shutDown) this.close(undefined)
    else if (!this.ending) this.end()
  }

  private close(err: Error | undefined): void {
    if (this.closed) return
    this.closed = true
    this.reading = false
    this.error = err
    this.handle.close(onHandleClosed)
  }

  /** @internal The handle is closed: tells the close listeners, each once. */
  handleClosed(): void {
    const listeners = this.closeListeners
    this.closeListeners = []
    for (const l of listeners) l(this.error)
  }
}

const OWNER = Symbol('HandleStream')

interface OwnedHandle extends UvTcpHandle {
  [OWNER]: HandleStream
}

function onHandleRead(this: OwnedHandle): Buffer | undefined {
  return this[OWNER].readDone()
}

function onHandleClosed(this: OwnedHandle): void {
  this[OWNER].handleClosed()
}

/**
 * The request object for the next write. Node uses it only for a write the kernel does not take
 * at once (that is when it makes the libuv request): one completed within the call, as nearly
 * all are, leaves it untouched, so it serves the next write of any stream instead of a new native
 * object per write. A write that fails (Node may store its error on the object) or is left to
 * libuv keeps it. One per thread, as all module state is.
 */
let spare: WriteReq | undefined

function spareWriteReq(uv: UvBinding): WriteReq {
  if (spare === undefined) {
    spare = uv.newWriteReq() as WriteReq
    spare.oncomplete = onWriteDone
  }
  return spare
}

function onWriteDone(this: WriteReq, status: number): void {
  this.stream.writeDone(this, status)
}

function onShutdownDone(this: ShutdownReq): void {
  this.stream.shutdownDone()
}

/** Opens a TCP connection to `host` (an IP address of `family`) and `port`; `onConnect` once connected. */
export function dialHandle(uv: UvBinding, host: string, port: number, family: 4 | 6, onConnect: (stream: HandleStream) => void): HandleStream {
  const handle = uv.newTcp(false)
  const stream = new HandleStream(uv, handle)
  const req = uv.newConnectReq()
  req.oncomplete = (status) => {
    // Destroyed while connecting: the handle is closed, the request cancelled.
    if (stream.destroyed) return
    if (status < 0) {
      stream.fail(uvError(status, 'connect'))
      return
    }
    handle.setNoDelay(true)
    onConnect(stream)
  }
  const err = family === 6 ? handle.connect6(req, host, port) : handle.connect(req, host, port)
  // As with net, a failed connect is reported after the caller has its stream.
  if (err !== 0) process.nextTick(() => stream.fail(uvError(err, 'connect')))
  return stream
}

export interface HandleListener {
  readonly address: string
  readonly port: number
  close(): void
}

/**
 * Listens on `host` (an IP address) and `port` (0: ephemeral). Throws the bind or listen error.
 * `onAccept` gets each accepted stream and its peer's address.
 */
export function listenHandle(
  uv: UvBinding,
  host: string,
  port: number,
  backlog: number,
  onAccept: (stream: HandleStream, address: string, port: number) => void,
): HandleListener {
  const handle = uv.newTcp(true)
  // Dual-stack on '::' as net does it (no IPV6_V6ONLY).
  let err = isIPv6(host) ? handle.bind6(host, port, 0) : handle.bind(host, port)
  // libuv reports some bind errors (EADDRINUSE) only when listening.
  if (err === 0) err = handle.listen(backlog)
  if (err !== 0) {
    handle.close()
    throw uvError(err, 'listen')
  }
  handle.onconnection = (status, client) => {
    // A failed accept (EMFILE...) drops that one connection; the listener goes on.
    if (status < 0 || client === undefined) return
    client.setNoDelay(true)
    const stream = new HandleStream(uv, client)
    const peer = stream.peerAddress()
    onAccept(stream, peer.address, peer.port)
  }
  const out: { address?: string; port?: number } = {}
  handle.getsockname(out)
  let closed = false
  return {
    address: out.address ?? host,
    port: out.port ?? port,
    close: () => {
      if (closed) return
      closed = true
      handle.close()
    },
  }
}
