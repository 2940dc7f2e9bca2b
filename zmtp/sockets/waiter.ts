// One parked send() or receive(): a socket holds at most one of each. The caller settles it with
// a value or an error; otherwise its timeout rejects it (EAGAIN). Settling clears the timer and
// frees the slot, so a late timer or a second settle does nothing.
import { ZmtpError, ZmtpErrorCode } from '../errors.ts'

interface Pending<T, D> {
  resolve: (value: T) => void
  reject: (err: Error) => void
  timer: NodeJS.Timeout | undefined
  data: D
}

export class Waiter<T, D = undefined> {
  private pending: Pending<T, D> | undefined

  /** `what` names the operation in the timeout's error: 'Send', 'Receive'. */
  constructor(private readonly what: string) {}

  get waiting(): boolean {
    return this.pending !== undefined
  }

  /** What the parked caller left with its wait (the frames of a blocked send). */
  get data(): D | undefined {
    return this.pending?.data
  }

  /** Park the caller until settled, at most `timeoutMs` (<= 0: no limit). Only when not waiting. */
  wait(timeoutMs: number, data: D): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const p: Pending<T, D> = { resolve, reject, timer: undefined, data }
      if (timeoutMs > 0) {
        p.timer = setTimeout(() => {
          if (this.pending !== p) return
          this.pending = undefined
          reject(new ZmtpError(ZmtpErrorCode.EAGAIN, `${this.what} timed out after ${timeoutMs} ms`))
        }, timeoutMs)
      }
      this.pending = p
    })
  }

  resolve(value: T): void {
    this.take()?.resolve(value)
  }

  reject(err: Error): void {
    this.take()?.reject(err)
  }

  private take(): Pending<T, D> | undefined {
    const p = this.pending
    if (p === undefined) return undefined
    this.pending = undefined
    if (p.timer !== undefined) clearTimeout(p.timer)
    return p
  }
}
