// PAIR: exactly one peer. A second peer is refused while the first is connected (as libzmq);
// sends wait while the peer's queue is full or there is no peer yet.
import type { SocketOptions } from './options.ts'
import type { Pipe } from './pipe.ts'
import { Socket } from './socket.ts'

export class Pair extends Socket {
  readonly type = 'PAIR' as const

  constructor(options: SocketOptions = {}) {
    super()
    this.applyOptions(options)
  }

  protected override xpipeReady(pipe: Pipe): boolean {
    for (const p of this.pipes) if (p !== pipe && p.ready) return false
    return true
  }

  protected override xsend(frames: Buffer[]): boolean {
    // Prefer the connected pipe; otherwise queue on a connecting one (not immediate).
    let target: Pipe | undefined
    for (const p of this.pipes) {
      if (p.ready) {
        target = p
        break
      }
      if (target === undefined) target = p
    }
    if (target === undefined || !target.writable) return false
    target.write(frames)
    return true
  }
}
