// The outgoing half of a connection: a WriteBatcher bound to its stream. What is queued leaves
// once per event-loop turn (turn-end.ts), or at once past FLUSH_AT so large messages do not wait,
// in one write or one cork/uncork. Bytes buffered (ours + the stream's) over the write high-water
// mark make send() return false; the host emits 'drain' once they are back under it.
import type { ByteStream } from '../transport/byte-stream.ts'
import { runAtTurnEnd, type TurnEndTask } from './turn-end.ts'
import { WriteBatcher } from './write-batcher.ts'

/**
 * Small messages copied into the batch are flushed at once past this rather than at the end of
 * the tick, so that a long synchronous loop of sends keeps handing the kernel modest writes it
 * can take while the peer reads (one large write it cannot take waits for the event loop).
 */
const FLUSH_COPIED_AT = 64 * 1024
/**
 * Large bodies (passed by reference) are gathered up to this first: one writev per 64 KiB
 * message moved about half the bytes per second that one per 1 MiB did.
 */
const FLUSH_AT = 1024 * 1024
const DEFAULT_HWM = 1024 * 1024

export interface StreamWriterHost {
  /** 'drain' is only emitted while the connection is ready. */
  readonly isReady: boolean
  drained(): void
}

export class StreamWriter extends WriteBatcher implements TurnEndTask {
  private readonly hwm: number
  private flushScheduled = false
  private needDrain = false
  private listening = false

  constructor(
    private readonly stream: ByteStream,
    /** Default 1 MiB. */
    writeHighWaterMark: number | undefined,
    private readonly host: StreamWriterHost,
  ) {
    super()
    this.hwm = writeHighWaterMark ?? DEFAULT_HWM
  }

  get bufferedAmount(): number {
    return this.stream.writableLength + this.pendingBytes
  }

  /** Queues one whole message. Returns false when over the write mark: wait for 'drain'. */
  send(frames: readonly Buffer[]): boolean {
    this.addMessage(frames)
    return this.queued()
  }

  /** Queues frames already encoded whole (header and body, as CURVE makes them); as send(). */
  sendEncoded(frames: readonly Buffer[]): boolean {
    for (let i = 0; i < frames.length; i++) this.addRaw(frames[i]!)
    return this.queued()
  }

  /** After a message is queued: flush or schedule, and say whether it is under the write mark. */
  private queued(): boolean {
    if (this.copiedBytes >= FLUSH_COPIED_AT || this.pendingBytes >= FLUSH_AT) this.flush()
    else this.scheduleFlush()
    if (this.bufferedAmount > this.hwm) {
      this.needDrain = true
      // The stream's drain only matters from now on; most connections never get here.
      if (!this.listening) {
        this.listening = true
        this.stream.setDrainListener(() => this.checkDrain())
      }
      return false
    }
    return true
  }

  /** Write what is queued at the end of this tick. */
  scheduleFlush(): void {
    if (this.flushScheduled) return
    this.flushScheduled = true
    runAtTurnEnd(this)
  }

  /** Write `buf` now, after whatever is queued. Alone it goes out as it is: no copy, no slab. */
  writeNow(buf: Buffer): void {
    if (!this.isEmpty) {
      this.addRaw(buf)
      this.flush()
    } else if (!this.stream.destroyed) {
      this.stream.write(buf)
    }
  }

  /** Write what is queued now. */
  flush(): void {
    if (this.isEmpty) return
    const parts = this.take()
    if (!this.stream.destroyed) this.stream.writev(parts)
  }

  /** @internal The scheduled flush. */
  atTurnEnd(): void {
    this.flushScheduled = false
    this.flush()
    this.checkDrain()
  }

  private checkDrain(): void {
    if (this.needDrain && this.host.isReady && this.bufferedAmount <= this.hwm) {
      this.needDrain = false
      this.host.drained()
    }
  }
}
