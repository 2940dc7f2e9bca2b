// Collects the peer's 64-byte greeting however the stream splits it. The signature and version
// are checked as their bytes arrive, so a peer that does not speak ZMTP is refused early.
import { GREETING_SIZE, checkGreetingPrefix, decodeGreeting, type Greeting } from '../codec/greeting.ts'

export class GreetingReader {
  /** Only made when the greeting comes split over chunks; a whole one is read where it lies. */
  private buf: Buffer | undefined
  private whole: Buffer | undefined
  private len = 0

  /** Takes what the greeting still lacks from `chunk`; returns how many bytes that was. */
  read(chunk: Buffer): number {
    if (this.len === 0 && chunk.length >= GREETING_SIZE) {
      this.whole = chunk
      this.len = GREETING_SIZE
      return GREETING_SIZE
    }
    const buf = (this.buf ??= Buffer.alloc(GREETING_SIZE))
    const take = Math.min(GREETING_SIZE - this.len, chunk.length)
    chunk.copy(buf, this.len, 0, take)
    this.len += take
    checkGreetingPrefix(buf.subarray(0, this.len))
    return take
  }

  get complete(): boolean {
    return this.len === GREETING_SIZE
  }

  /** The whole greeting, once complete. */
  decode(): Greeting {
    const g = decodeGreeting(this.whole ?? this.buf!)
    this.whole = undefined
    return g
  }
}
