// Fair-queued inbound: the pipes that hold unread messages, visited in turn, so a busy peer
// cannot starve the others. The messages stay in each pipe's own queue (bounded by the receive
// high-water mark); this only keeps the rotation and the total.
import type { Pipe } from './pipe.ts'

export class FairQueue {
  private readonly pipes: Pipe[] = []
  private cursor = 0
  private count = 0

  /** Messages queued over all pipes. */
  get length(): number {
    return this.count
  }

  push(pipe: Pipe, msg: Buffer[]): void {
    if (pipe.inbound.length === 0) this.pipes.push(pipe)
    pipe.pushInbound(msg)
    this.count++
  }

  /**
   * The pipe whose turn it is, or undefined when nothing is queued. The turn is used up: the
   * caller takes exactly one message from the pipe (shiftInbound) before queueing anything else.
   */
  next(): Pipe | undefined {
    if (this.count === 0) return undefined
    if (this.cursor >= this.pipes.length) this.cursor = 0
    const pipe = this.pipes[this.cursor]!
    this.count--
    // Its last message: the pipe leaves the rotation (and rejoins when it gets another).
    if (pipe.inbound.length === 1) this.pipes.splice(this.cursor, 1)
    else this.cursor++
    return pipe
  }
}
