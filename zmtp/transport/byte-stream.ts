// A connected byte stream as a Connection uses it: chunks in (to one handler), buffers out, pause,
// end and destroy, and a close notice. Two kinds implement it: a libuv stream handle driven
// directly (handle-stream.ts, TCP on Unix) and a net.Socket (socket-stream.ts: IPC, Windows,
// hostnames, and wherever the handle path is unavailable). Everything above the transport sees
// only this interface.

/**
 * Called with each chunk read. Parts the handler keeps that are smaller than `viewMin` must be
 * copied (Infinity: copy everything, the chunk's memory is reused; 0: it never is). Returns true
 * when it kept a view of the chunk.
 */
export type ChunkHandler = (chunk: Buffer, viewMin: number) => boolean

/** Called once when the stream has closed; `err` is the transport error that closed it, if any. */
export type CloseListener = (err: Error | undefined) => void

export interface ByteStream {
  /** Destroyed, or closed by either side. */
  readonly destroyed: boolean
  /**
   * Bytes of writes not yet completed: a write the kernel took only part of counts whole (as
   * net.Socket's writableLength does).
   */
  readonly writableLength: number
  /**
   * Sends each chunk read from now on to `handler` and starts reading (unless paused). Chunks
   * that arrived before a handler was set are handed to it first. A stream may not read at all
   * before it has a handler (the libuv one does not), so it sees no FIN or reset until then.
   */
  setChunkHandler(handler: ChunkHandler): void
  /** Called whenever writes the kernel could not take at once have all gone out. */
  setDrainListener(listener: () => void): void
  /** Called once the stream is closed (after the last chunk). Several may be added. */
  onClose(listener: CloseListener): void
  write(buf: Buffer): void
  /** Writes the buffers in order, in one system call where possible. */
  writev(bufs: Buffer[]): void
  pause(): void
  resume(): void
  /**
   * Writes `last` if given, then shuts our side down once everything written has gone. Reading
   * goes on (to a handler that may discard) until the peer closes its side.
   */
  end(last?: Buffer): void
  /** Closes at once; unsent writes are dropped. */
  destroy(): void
}
