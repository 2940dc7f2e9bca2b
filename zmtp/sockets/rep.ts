// REP: takes one request at a time (fair-queued), strips its envelope (routing frames up to the
// empty delimiter) and puts it back in front of the reply, which goes to the same peer.
// Receiving twice, or replying before receiving, fails with EFSM.
import { ZmtpError, ZmtpErrorCode } from '../errors.ts'
import type { SocketOptions } from './options.ts'
import type { Pipe } from './pipe.ts'
import { Socket } from './socket.ts'

export class Reply extends Socket {
  readonly type = 'REP' as const

  private replyTo: Pipe | undefined
  private envelope: Buffer[] = []
  private sending = false

  constructor(options: SocketOptions = {}) {
    super()
    this.applyOptions(options)
  }

  override get writable(): boolean {
    return this.sending && !this.closed
  }

  protected override xinbound(_pipe: Pipe, frames: Buffer[]): Buffer[] | undefined {
    // Requests without a delimiter are malformed: dropped, as libzmq does.
    for (let i = 0; i < frames.length; i++) if (frames[i]!.length === 0) return frames
    return undefined
  }

  protected override xcanReceive(): void {
    if (this.sending) throw new ZmtpError(ZmtpErrorCode.EFSM, 'REP: send the reply to the previous request first')
  }

  protected override xreceived(pipe: Pipe, frames: Buffer[]): Buffer[] {
    let i = 0
    while (frames[i]!.length !== 0) i++
    this.envelope = frames.slice(0, i + 1)
    this.replyTo = pipe
    this.sending = true
    return frames.slice(i + 1)
  }

  protected override xsend(frames: Buffer[]): boolean {
    if (!this.sending) throw new ZmtpError(ZmtpErrorCode.EFSM, 'REP: receive a request before replying')
    const p = this.replyTo
    this.sending = false
    this.replyTo = undefined
    // The requester may be gone or full: the reply is dropped, as libzmq does.
    if (p !== undefined && !p.terminated && p.connection !== undefined && p.writable) p.write([...this.envelope, ...frames])
    this.envelope = []
    return true
  }
}
