// A ByteStream whose other end is another MemoryStream in the same thread: the inproc transport
// (inproc.ts). Bytes written are copied (the writer may reuse its buffers, as after a kernel
// write) into the peer's inbox and handed to the peer's chunk handler on a later turn of the event
// loop, all chunks of a turn together, as reads from a socket would be. The writer's
// writableLength is what the peer has not yet taken, so a reader that pauses holds its writer
// back just as a full socket buffer would, and the writer's drain listener runs once the peer has
// taken everything.
//
// Closing follows HandleStream (net.Socket with allowHalfOpen off): end() or destroy() on one side
// is, for the other, the end of its input after the bytes before it; the other side then ends its
// own, and both close. Close listeners run on a later turn, once each.
import type { ByteStream, ChunkHandler, CloseListener } from './byte-stream.ts'

export class MemoryStream implements ByteStream {
  private peer: MemoryStream | undefined
  private handler: ChunkHandler | undefined
  /** Chunks the peer wrote that our handler has not had yet. */
  private readonly inbox: Buffer[] = []
  private inboxBytes = 0
  /** The peer ended or destroyed its side after the chunks in the inbox. */
  private inputEnds = false
  private paused = false
  private deliveryQueued = false
  private ending = false
  private closed = false
  private drainListener: (() => void) | undefined
  private closeListeners: CloseListener[] = []

  /** Joins two new streams end to end. */
  static pair(): [MemoryStream, MemoryStream] {
    const a = new MemoryStream()
    const b = new MemoryStream()
    a.peer = b
    b.peer = a
    return [a, b]
  }

  get destroyed(): boolean {
    return this.closed
  }

  get writableLength(): number {
    return this.peer?.inboxBytes ?? 0
  }

  setChunkHandler(handler: ChunkHandler): void {
    this.handler = handler
    this.queueDelivery()
  }

  setDrainListener(listener: () => void): void {
    this.drainListener = listener
  }

  onClose(listener: CloseListener): void {
    if (this.closed) setImmediate(listener, undefined)
    else this.closeListeners.push(listener)
  }

  write(buf: Buffer): void {
    if (buf.length > 0 && this.open) this.send(Buffer.from(buf))
  }

  writev(bufs: Buffer[]): void {
    if (bufs.length === 1) this.write(bufs[0]!)
    else if (bufs.length > 1 && this.open) this.send(Buffer.concat(bufs))
  }

  pause(): void {
    this.paused = true
  }

  resume(): void {
    this.paused = false
    this.queueDelivery()
  }

  end(last?: Buffer): void {
    if (this.closed || this.ending) return
    if (last !== undefined) this.write(last)
    this.ending = true
    // Keep taking input (the handler may discard) so the peer's end is seen.
    this.resume()
    this.peer?.endInput()
    if (this.inputEnds && this.inbox.length === 0) this.close()
  }

  destroy(): void {
    if (this.closed) return
    this.peer?.endInput()
    this.close()
  }

  /** Writes still go somewhere: neither we nor the peer are done. */
  private get open(): boolean {
    return !this.closed && !this.ending && this.peer !== undefined && !this.peer.closed
  }

  /** Our copy of written bytes, into the peer's inbox. */
  private send(chunk: Buffer): void {
    const peer = this.peer!
    peer.inbox.push(chunk)
    peer.inboxBytes += chunk.length
    peer.queueDelivery()
  }

  private endInput(): void {
    this.inputEnds = true
    this.queueDelivery()
  }

  private queueDelivery(): void {
    if (this.deliveryQueued || this.closed) return
    this.deliveryQueued = true
    setImmediate(deliver, this)
  }

  /** @internal Hands the inbox to the handler while not paused; then sees the end of input. */
  deliverInbox(): void {
    this.deliveryQueued = false
    if (this.closed || this.handler === undefined) return
    const inbox = this.inbox
    const hadBytes = this.inboxBytes > 0
    while (inbox.length > 0 && !this.paused && !this.closed) {
      const chunk = inbox.shift()!
      this.inboxBytes -= chunk.length
      this.handler(chunk, 0)
    }
    if (hadBytes && this.inboxBytes === 0) this.peer?.drainListener?.()
    if (inbox.length > 0 || !this.inputEnds || this.closed) return
    // The peer's side has ended: ours follows (nothing of ours waits to go), then both are closed.
    if (this.ending) this.close()
    else this.end()
  }

  private close(): void {
    if (this.closed) return
    this.closed = true
    this.inbox.length = 0
    this.inboxBytes = 0
    const listeners = this.closeListeners
    this.closeListeners = []
    for (const l of listeners) setImmediate(l, undefined)
  }
}

function deliver(stream: MemoryStream): void {
  stream.deliverInbox()
}
