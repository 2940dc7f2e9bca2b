// Collects the peer's 64-byte greeting however the stream splits it. The signature and version
// are checked as their bytes arrive, so a peer that does not speak ZMTP is refused early.
import { GREETING_SIZE, checkGreetingPrefix, decodeGreeting, type Greeting } from '../codec/greeting.ts'

export class GreetingReader {
  private readonly buf = Buffer.alloc(GREETING_SIZE)
  private len = 0

  /** Takes what the greeting still lacks from `chunk`; returns how many bytes that was. */
  read(chunk: Buffer): number {
    const take = Math.min(GREETING_SIZE - this.len, chunk.length)
    chunk.copy(this.buf, this.len, 0, take)
    this.len += take
    checkGreetingPrefix(this.buf.subarray(0, this.len))
    return take
  }

  get complete(): boolean {
    return this.len === GREETING_SIZE
  }

  /** The whole greeting, once complete. */
  decode(): Greeting {
    return decodeGreeting(this.buf)
  }
}
