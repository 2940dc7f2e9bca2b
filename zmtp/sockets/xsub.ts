// SUB and XSUB: subscriptions go to every publisher (SUBSCRIBE/CANCEL commands, or the 3.0
// message form, chosen by Connection) and are sent again to each new or reconnected peer.
// XSUB takes them as messages (0x01/0x00 + topic) and receives everything; SUB takes them through
// subscribe()/unsubscribe() and also filters locally, as libzmq does.
import { ZmtpError, ZmtpErrorCode } from '../errors.ts'
import type { SocketOptions } from './options.ts'
import type { Pipe } from './pipe.ts'
import { Socket } from './socket.ts'
import { TopicCounts } from './topics.ts'

abstract class SubscriberBase extends Socket {
  protected readonly subs = new TopicCounts()

  protected override xpipeReady(pipe: Pipe): boolean {
    const c = pipe.connection
    if (c !== undefined) for (const t of this.subs.topics()) c.sendSubscribe(t, true)
    return true
  }

  protected changeSubscription(topic: Buffer, on: boolean): void {
    if (on) this.subs.add(topic)
    else if (this.subs.remove(topic) !== 0) return // still wanted, or never subscribed
    for (const p of this.pipes) p.connection?.isReady && p.connection.sendSubscribe(topic, on)
  }
}

export class XSubscriber extends SubscriberBase {
  readonly type = 'XSUB' as const

  constructor(options: SocketOptions = {}) {
    super()
    this.applyOptions(options)
  }

  override get writable(): boolean {
    return !this.closed
  }

  protected override xsend(frames: Buffer[]): boolean {
    const first = frames[0]!
    if (first.length > 0 && (first[0] === 1 || first[0] === 0)) {
      this.changeSubscription(first.subarray(1), first[0] === 1)
      return true
    }
    // Anything else travels upstream to every publisher (XPUB passes it to its application).
    for (const p of this.pipes) if (p.connection !== undefined && p.writable) p.write(frames)
    return true
  }
}

export class Subscriber extends SubscriberBase {
  readonly type = 'SUB' as const

  constructor(options: SocketOptions = {}) {
    super()
    this.applyOptions(options)
  }

  override get writable(): boolean {
    return false
  }

  /** Subscribe to messages whose first frame starts with one of `prefixes`; none = everything. */
  subscribe(...prefixes: Array<Buffer | string>): void {
    if (prefixes.length === 0) prefixes = ['']
    for (const p of prefixes) this.changeSubscription(typeof p === 'string' ? Buffer.from(p) : p, true)
  }

  /** Undo subscribe() for `prefixes`; none = the subscribe-to-everything prefix. */
  unsubscribe(...prefixes: Array<Buffer | string>): void {
    if (prefixes.length === 0) prefixes = ['']
    for (const p of prefixes) this.changeSubscription(typeof p === 'string' ? Buffer.from(p) : p, false)
  }

  protected override xsend(_frames: Buffer[]): boolean {
    throw new ZmtpError(ZmtpErrorCode.ENOTSUP, 'SUB sockets cannot send')
  }

  protected override xinbound(_pipe: Pipe, frames: Buffer[]): Buffer[] | undefined {
    return this.subs.matches(frames[0]!) ? frames : undefined
  }
}
