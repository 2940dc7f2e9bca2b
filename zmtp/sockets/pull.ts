// PULL: fair-queues messages from all peers; cannot send.
import { ZmtpError, ZmtpErrorCode } from '../errors.ts'
import type { SocketOptions } from './options.ts'
import { Socket } from './socket.ts'

export class Pull extends Socket {
  readonly type = 'PULL' as const

  constructor(options: SocketOptions = {}) {
    super()
    this.applyOptions(options)
  }

  override get writable(): boolean {
    return false
  }

  protected override xsend(_frames: Buffer[]): boolean {
    throw new ZmtpError(ZmtpErrorCode.ENOTSUP, 'PULL sockets cannot send')
  }
}
