// socket.events: the zeromq.js Observer shape. Either emitter mode (.on/.off) or pull mode
// (receive() / for await). Pull mode keeps at most MAX_QUEUED events and drops the oldest,
// so an observer nobody reads cannot grow without bound.
import { EventEmitter } from 'node:events'
import type { ZmtpError } from '../errors.ts'

export type SocketEvent =
  | { type: 'bind'; address: string }
  | { type: 'bind:error'; address: string; error: ZmtpError }
  | { type: 'accept'; address: string }
  | { type: 'accept:error'; address: string; error: ZmtpError }
  | { type: 'connect'; address: string }
  | { type: 'connect:delay'; address: string }
  | { type: 'connect:retry'; address: string; interval: number }
  | { type: 'handshake'; address: string }
  | { type: 'handshake:error:protocol'; address: string; error: ZmtpError }
  | { type: 'handshake:error:auth'; address: string; error: ZmtpError }
  | { type: 'handshake:error:other'; address: string; error: ZmtpError }
  | { type: 'disconnect'; address: string; error?: ZmtpError }
  | { type: 'close'; address: string }
  | { type: 'end' }

export type SocketEventType = SocketEvent['type']
export type SocketEventOfType<T extends SocketEventType> = Extract<SocketEvent, { type: T }>

const MAX_QUEUED = 1000

export class Observer {
  /** Made by the first on(): most sockets are never observed in emitter mode. */
  private emitter: EventEmitter | undefined
  private readonly queue: SocketEvent[] = []
  private waiter: { resolve: (e: IteratorResult<SocketEvent, undefined>) => void } | undefined
  private emitterMode = false
  private ended = false

  get closed(): boolean {
    return this.ended
  }

  on<T extends SocketEventType>(type: T, listener: (event: SocketEventOfType<T>) => void): this {
    this.emitterMode = true
    this.queue.length = 0
    this.emitter ??= new EventEmitter()
    this.emitter.on(type, listener as (e: SocketEvent) => void)
    return this
  }

  off<T extends SocketEventType>(type: T, listener: (event: SocketEventOfType<T>) => void): this {
    this.emitter?.off(type, listener as (e: SocketEvent) => void)
    return this
  }

  /** Next event; resolves undefined-done when the socket has closed and the queue is empty. */
  async receive(): Promise<SocketEvent> {
    const r = await this.next()
    if (r.done) throw new Error('Observer ended')
    return r.value
  }

  [Symbol.asyncIterator](): AsyncIterator<SocketEvent, undefined> {
    return { next: () => this.next(), return: async () => ({ done: true, value: undefined }) }
  }

  /** @internal called by the socket. */
  publish(event: SocketEvent): void {
    if (this.ended) return
    // A throwing listener is the app's bug; it must not break the socket's internals.
    if (this.emitter !== undefined && this.emitter.listenerCount(event.type) > 0) {
      try {
        this.emitter.emit(event.type, event)
      } catch (err) {
        queueMicrotask(() => {
          throw err
        })
      }
    }
    if (this.emitterMode) {
      if (event.type === 'end') this.ended = true
      return
    }
    if (this.waiter) {
      const w = this.waiter
      this.waiter = undefined
      w.resolve({ done: false, value: event })
    } else {
      if (this.queue.length >= MAX_QUEUED) this.queue.shift()
      this.queue.push(event)
    }
    if (event.type === 'end') this.ended = true
  }

  private next(): Promise<IteratorResult<SocketEvent, undefined>> {
    const e = this.queue.shift()
    if (e) return Promise.resolve({ done: false, value: e })
    if (this.ended) return Promise.resolve({ done: true, value: undefined })
    if (this.waiter) return Promise.reject(new Error('Observer: only one receive() at a time'))
    return new Promise((resolve) => {
      this.waiter = { resolve }
    })
  }
}
