// REQ: strict request/reply lock-step. A request goes round-robin to one peer with an empty
// delimiter frame in front; only that peer's reply is accepted. Sending twice, or receiving
// before sending, fails with EFSM (unless `relaxed`).
import { ZmtpError, ZmtpErrorCode } from '../errors.ts'
import type { SocketOptions } from './options.ts'
import type { Pipe } from './pipe.ts'
import { Socket } from './socket.ts'

const EMPTY = Buffer.alloc(0)

export interface RequestOptions extends SocketOptions {
  /** ZMQ_REQ_RELAXED: allow a new request before the reply came; the old reply is then ignored. */
  relaxed?: boolean
}

export class Request extends Socket {
  readonly type = 'REQ' as const
  relaxed = false

  /** A request is out and its reply not yet received by the application. */
  private awaiting = false
  /** The peer the reply must come from, until it came. */
  private replyPipe: Pipe | undefined

  constructor(options: RequestOptions = {}) {
    super()
    this.applyOptions(options, ['relaxed'])
  }

  override get writable(): boolean {
    return (!this.awaiting || this.relaxed) && super.writable
  }

  protected override xsend(frames: Buffer[]): boolean {
    if (this.awaiting && !this.relaxed) throw new ZmtpError(ZmtpErrorCode.EFSM, 'REQ: a request is already pending; receive its reply first')
    const msg = new Array<Buffer>(frames.length + 1)
    msg[0] = EMPTY
    for (let i = 0; i < frames.length; i++) msg[i + 1] = frames[i]!
    const p = this.sendRoundRobin(msg)
    if (p === undefined) return false
    this.awaiting = true
    this.replyPipe = p
    return true
  }

  protected override xcanReceive(): void {
    if (!this.awaiting) throw new ZmtpError(ZmtpErrorCode.EFSM, 'REQ: send a request before receiving')
  }

  protected override xinbound(pipe: Pipe, frames: Buffer[]): Buffer[] | undefined {
    // Stray replies (another peer, a request we gave up on, no delimiter) are dropped as in libzmq.
    if (pipe !== this.replyPipe || frames.length < 2 || frames[0]!.length !== 0) return undefined
    this.replyPipe = undefined
    frames.shift()
    return frames
  }

  protected override xreceived(_pipe: Pipe, frames: Buffer[]): Buffer[] {
    this.awaiting = false
    return frames
  }

  protected override xpipeGone(pipe: Pipe): void {
    // The reply cannot come any more; like libzmq we keep waiting (relaxed lets the app resend).
    if (pipe === this.replyPipe) this.replyPipe = undefined
  }
}
