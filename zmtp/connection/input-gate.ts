// Reading on and off. The socket layer stops reading a peer at its receive high-water mark, the
// PLAIN server while authenticate() runs. A pause takes effect at once, also between two messages
// of one chunk (the decoder holds the rest); a resume restarts the stream and hands the held
// messages on from a microtask, never inside the call.
import type { ByteStream } from '../transport/byte-stream.ts'
import type { FrameDecoder } from '../codec/frame-decoder.ts'

export interface InputGateHost {
  /** Closing or closed: nothing is read or handed on any more. */
  readonly closed: boolean
}

export class InputGate {
  private _paused = false

  constructor(
    private readonly stream: ByteStream,
    private readonly decoder: FrameDecoder,
    private readonly host: InputGateHost,
    /** The decoder threw while handing on held input. */
    private readonly onError: (e: unknown) => void,
  ) {}

  get paused(): boolean {
    return this._paused
  }

  pause(): void {
    if (this._paused) return
    this._paused = true
    this.decoder.pause()
    this.stream.pause()
  }

  resume(): void {
    if (!this._paused) return
    this._paused = false
    if (this.host.closed) return
    this.stream.resume()
    queueMicrotask(this.drainHeld)
  }

  private readonly drainHeld = (): void => {
    if (this._paused || this.host.closed) return
    try {
      this.decoder.resume()
    } catch (e) {
      this.onError(e)
    }
  }
}
