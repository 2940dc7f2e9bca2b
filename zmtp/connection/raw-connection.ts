// A raw TCP connection, as a Stream socket (ZMQ_STREAM) has them: no greeting, no mechanism, no
// framing. Every chunk read is one message of whatever bytes it holds; every message sent is
// written as it is. It is ready as soon as it starts, and close() hands the peer everything
// queued before the FIN.
import type { ZmtpError } from '../errors.ts'
import type { ByteStream } from '../transport/byte-stream.ts'
import type { ConnectionHandler, PeerInfo, PeerLink } from './connection-types.ts'
import { StreamWriter, type StreamWriterHost } from './stream-writer.ts'

/** How long a closed connection waits, once its data is out, for the peer's side to close too. */
const LINGER_MS = 2000

const enum State { New, Ready, Closing, Closed }

const RAW_VERSION = { major: 0, minor: 0 } as const

/** Input after close() is read (so the peer's FIN is seen) and dropped. */
const discard = (): boolean => false

type CloseListener = (err?: ZmtpError) => void

export class RawConnection implements PeerLink, StreamWriterHost {
  readonly peer: PeerInfo
  private state = State.New
  private streamLost = false
  private readonly writer: StreamWriter
  /** once('close') listeners, made with the first. */
  private closeListeners: CloseListener[] | undefined

  constructor(
    private readonly stream: ByteStream,
    readonly address: string,
    private readonly handler: ConnectionHandler,
  ) {
    this.peer = { socketType: 'STREAM', version: RAW_VERSION, metadata: new Map(), address }
    this.writer = new StreamWriter(stream, undefined, this)
    stream.onClose(this.onStreamClose)
  }

  /** Reports the connection ready, then reads. */
  start(): void {
    if (this.state !== State.New) return
    this.state = State.Ready
    this.handler.ready(this.peer)
    if (this.state === State.Ready) this.stream.setChunkHandler(this.onChunk)
  }

  get isReady(): boolean {
    return this.state === State.Ready
  }

  get closedByPeer(): boolean {
    return this.streamLost
  }

  send(frames: Buffer[]): boolean {
    if (this.state !== State.Ready) return false
    return this.writer.sendEncoded(frames)
  }

  /** No subscriptions on raw TCP. */
  sendSubscribe(): void {}

  pauseInput(): void {
    if (this.state === State.Ready) this.stream.pause()
  }

  resumeInput(): void {
    if (this.state === State.Ready) this.stream.resume()
  }

  close(): void {
    if (this.state === State.Closing || this.state === State.Closed) return
    this.state = State.Closing
    this.writer.flush()
    // Reading goes on so that the peer's FIN closes the stream; what it sends now is dropped.
    this.stream.setChunkHandler(discard)
    this.stream.resume()
    this.stream.end()
    // Data still in flight may take as long as the peer needs to read it; only then is a peer
    // that never closes its side cut off.
    if (this.stream.writableLength === 0) this.armLinger()
    else this.stream.setDrainListener(() => this.armLinger())
  }

  destroy(err?: ZmtpError): void {
    if (this.state === State.Closed) return
    this.stream.destroy()
    this.finish(err)
  }

  once(_event: 'close', listener: CloseListener): this {
    ;(this.closeListeners ??= []).push(listener)
    return this
  }

  /** @internal StreamWriterHost: back under the write mark. */
  drained(): void {
    if (this.state === State.Ready) this.handler.drain()
  }

  private armLinger(): void {
    if (this.state !== State.Closing) return
    setTimeout(() => this.stream.destroy(), LINGER_MS).unref()
  }

  /** Parts smaller than `viewMin` are copied (see ChunkHandler); a view is kept only of a chunk that fills most of its buffer. */
  private readonly onChunk = (chunk: Buffer, viewMin: number): boolean => {
    if (this.state !== State.Ready) return false
    const keep = viewMin === 0 || (chunk.length >= viewMin && chunk.length * 2 >= chunk.buffer.byteLength)
    this.handler.message([keep ? chunk : Buffer.from(chunk)])
    return keep
  }

  private readonly onStreamClose = (): void => {
    if (this.state !== State.Closing) this.streamLost = true
    this.finish(undefined)
  }

  private finish(err: ZmtpError | undefined): void {
    if (this.state === State.Closed) return
    this.state = State.Closed
    this.handler.close(err)
    const listeners = this.closeListeners
    this.closeListeners = undefined
    for (const l of listeners ?? []) l(err)
  }
}
