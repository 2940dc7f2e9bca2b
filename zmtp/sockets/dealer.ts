// DEALER: sends round-robin to peers with room (waiting while all are full), receives
// fair-queued from all peers; whole messages only, no envelope handling.
import type { SocketOptions } from './options.ts'
import { Socket } from './socket.ts'

export class Dealer extends Socket {
  readonly type = 'DEALER' as const

  constructor(options: SocketOptions = {}) {
    super()
    this.applyOptions(options)
  }

  protected override xsend(frames: Buffer[]): boolean {
    return this.sendRoundRobin(frames) !== undefined
  }
}
