// PUB and XPUB: a message goes to every peer whose subscriptions match its first frame (prefix
// match); a peer whose queue is full misses it (never blocks). XPUB also hands subscriptions to
// the application as messages (0x01/0x00 + topic), once per new/last topic unless verbose, and
// passes other messages from its peers through.
import { ZmtpError, ZmtpErrorCode } from '../errors.ts'
import type { SocketOptions } from './options.ts'
import type { Pipe } from './pipe.ts'
import { Socket } from './socket.ts'
import { TopicCounts } from './topics.ts'

export interface XPublisherOptions extends SocketOptions {
  /** Wait (up to sendTimeout, then EAGAIN) instead of dropping when a matching peer is full. */
  noDrop?: boolean
  /** Deliver every subscription ('allSubs') and also every unsubscription ('allSubsUnsubs'). */
  verbosity?: null | 'allSubs' | 'allSubsUnsubs'
}

abstract class PublisherBase extends Socket {
  noDrop = false
  /** How many peers hold each topic. */
  protected readonly allTopics = new TopicCounts()

  override get writable(): boolean {
    return !this.closed
  }

  protected override xsend(frames: Buffer[]): boolean {
    const first = frames[0]!
    const pipes = this.pipes
    if (this.noDrop) {
      for (let i = 0; i < pipes.length; i++) {
        const p = pipes[i]!
        if (p.subs !== undefined && p.subs.matches(first) && !p.writable) return false
      }
    }
    for (let i = 0; i < pipes.length; i++) {
      const p = pipes[i]!
      if (p.subs !== undefined && p.connection !== undefined && p.subs.matches(first) && p.writable) p.write(frames)
    }
    return true
  }

  protected override xsubscribe(pipe: Pipe, topic: Buffer, on: boolean): void {
    const subs = (pipe.subs ??= new TopicCounts())
    if (on) {
      // A peer's subscriptions are a set: a repeated SUBSCRIBE changes nothing.
      if (subs.has(topic)) return this.subscriptionChanged(pipe, topic, true, false)
      subs.add(topic)
      this.subscriptionChanged(pipe, topic, true, this.allTopics.add(topic) === 1)
    } else {
      if (subs.remove(topic) < 0) return
      this.subscriptionChanged(pipe, topic, false, this.allTopics.remove(topic) === 0)
    }
  }

  protected override xpipeGone(pipe: Pipe): void {
    const subs = pipe.subs
    if (subs === undefined) return
    pipe.subs = undefined
    for (const t of subs.topics()) this.subscriptionChanged(pipe, t, false, this.allTopics.remove(t) === 0)
  }

  /** `unique`: the first peer subscribed / the last one left. */
  protected abstract subscriptionChanged(pipe: Pipe, topic: Buffer, on: boolean, unique: boolean): void
}

export class Publisher extends PublisherBase {
  readonly type = 'PUB' as const

  constructor(options: SocketOptions & { noDrop?: boolean } = {}) {
    super()
    this.applyOptions(options, ['noDrop'])
  }

  protected override xcanReceive(): void {
    throw new ZmtpError(ZmtpErrorCode.ENOTSUP, 'PUB sockets cannot receive')
  }

  protected override xinbound(): Buffer[] | undefined {
    return undefined
  }

  protected override subscriptionChanged(): void {}
}

export class XPublisher extends PublisherBase {
  readonly type = 'XPUB' as const
  verbosity: null | 'allSubs' | 'allSubsUnsubs' = null

  constructor(options: XPublisherOptions = {}) {
    super()
    this.applyOptions(options, ['noDrop', 'verbosity'])
  }

  protected override subscriptionChanged(pipe: Pipe, topic: Buffer, on: boolean, unique: boolean): void {
    if (!unique && !(on ? this.verbosity !== null : this.verbosity === 'allSubsUnsubs')) return
    const msg = Buffer.allocUnsafe(topic.length + 1)
    msg[0] = on ? 1 : 0
    topic.copy(msg, 1)
    this.deliver(pipe, [msg])
  }
}
