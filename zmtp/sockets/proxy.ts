// Proxy: forwards every message from one socket to the other, both ways, until terminated; the
// zeromq.js class over libzmq's zmq_proxy_steerable, as a pair of receive-and-send loops on the
// JavaScript thread. The front-end and back-end names are only conventional: the proxy is
// symmetric. A direction whose source cannot receive (PUB, PUSH) carries nothing, as libzmq's
// proxy never sees such a socket readable; a message for a socket that cannot send (SUB, PULL)
// fails the run with ENOTSUP, as libzmq's send does there.
//
// As in zeromq.js: run() needs both sockets bound or connected (EINVAL otherwise) and resolves
// once terminate() has closed both; a send or receive that fails otherwise (EHOSTUNREACH from a
// mandatory ROUTER, a socket closed from outside: ETERM) ends the proxy, closes both sockets and
// rejects run() with that error; pause(), resume() and terminate() outside a run throw EBADF.
// While paused, each direction may hold the one message it had already taken; it goes on resume.
import { ZmtpError, ZmtpErrorCode } from '../errors.ts'
import type { Socket } from './socket.ts'

export class Proxy<F extends Socket = Socket, B extends Socket = Socket> {
  private running = false
  private terminating = false
  /** Set while paused: resolves on resume() or terminate(). */
  private pausedUntil: Promise<void> | undefined
  private unpause: (() => void) | undefined
  /** The first error that ended the run (none when terminated). */
  private failure: unknown

  constructor(
    readonly frontEnd: F,
    readonly backEnd: B,
  ) {}

  /**
   * Forwards both ways until terminate(); resolves once both sockets are closed. Throws at once
   * (as zeromq.js does) when a socket is neither bound nor connected, or the proxy already runs.
   */
  run(): Promise<void> {
    if (this.running) throw new ZmtpError(ZmtpErrorCode.EBUSY, 'Proxy is already running')
    if (!this.frontEnd.hasEndpoints) throw new ZmtpError(ZmtpErrorCode.EINVAL, 'Front-end socket must be bound or connected')
    if (!this.backEnd.hasEndpoints) throw new ZmtpError(ZmtpErrorCode.EINVAL, 'Back-end socket must be bound or connected')
    this.running = true
    this.terminating = false
    this.failure = undefined
    return this.loops()
  }

  private async loops(): Promise<void> {
    try {
      await Promise.all([this.forward(this.frontEnd, this.backEnd), this.forward(this.backEnd, this.frontEnd)])
    } finally {
      this.running = false
      this.release()
    }
    if (this.failure !== undefined) throw this.failure
  }

  /** Stops forwarding until resume(). */
  pause(): void {
    this.assertRunning()
    this.pausedUntil ??= new Promise((resolve) => (this.unpause = resolve))
  }

  resume(): void {
    this.assertRunning()
    this.release()
  }

  /** Lets paused loops go on. */
  private release(): void {
    const unpause = this.unpause
    this.pausedUntil = undefined
    this.unpause = undefined
    unpause?.()
  }

  /** Ends the run: both sockets are closed (with their linger) and run() resolves. */
  terminate(): void {
    this.assertRunning()
    this.stop(undefined)
  }

  private assertRunning(): void {
    if (!this.running || this.terminating) throw new ZmtpError(ZmtpErrorCode.EBADF, 'Proxy is not running')
  }

  private async forward(from: Socket, to: Socket): Promise<void> {
    while (!this.terminating) {
      if (this.pausedUntil !== undefined) await this.pausedUntil
      let msg: Buffer[]
      try {
        msg = await from.receive()
      } catch (err) {
        // A socket type that never receives (PUB, PUSH): nothing comes this way.
        if ((err as ZmtpError).code !== ZmtpErrorCode.ENOTSUP) this.stop(err)
        return
      }
      if (this.pausedUntil !== undefined) await this.pausedUntil
      if (this.terminating) return
      try {
        await to.send(msg)
      } catch (err) {
        this.stop(err)
        return
      }
    }
  }

  /** Ends both loops: closing the sockets makes their pending receives reject. */
  private stop(err: unknown): void {
    if (this.terminating) return
    this.terminating = true
    this.failure = err
    this.release()
    if (!this.frontEnd.closed) this.frontEnd.close()
    if (!this.backEnd.closed) this.backEnd.close()
  }
}
