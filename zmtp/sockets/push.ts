// PUSH: load-balances messages round-robin over peers with room; waits while all are full.
import { ZmtpError, ZmtpErrorCode } from '../errors.ts'
import type { SocketOptions } from './options.ts'
import { Socket } from './socket.ts'

export class Push extends Socket {
  readonly type = 'PUSH' as const

  constructor(options: SocketOptions = {}) {
    super()
    this.applyOptions(options)
  }

  protected override xcanReceive(): void {
    throw new ZmtpError(ZmtpErrorCode.ENOTSUP, 'PUSH sockets cannot receive')
  }

  protected override xsend(frames: Buffer[]): boolean {
    return this.sendRoundRobin(frames) !== undefined
  }
}
