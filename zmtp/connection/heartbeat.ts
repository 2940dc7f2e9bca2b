// ZMTP heartbeats (RFC 37) for one connection: our PINGs every interval with a timeout, and the
// peer's advertised TTL. Liveness is "any bytes received": the connection bumps `rx` per chunk,
// which is cheaper than re-arming a timer per chunk; timers compare it with the value they saw.

import { ZmtpError } from '../errors.ts'

export interface HeartbeatHost {
  /** Bumped by the connection for every chunk received. */
  readonly rx: number
  /** While we hold input back ourselves, silence is our doing, not the peer's. */
  readonly isInputPaused: boolean
  sendPing(): void
  fail(err: ZmtpError): void
}

export class Heartbeat {
  private readonly host: HeartbeatHost
  private interval: NodeJS.Timeout | undefined
  private pingTimeout: NodeJS.Timeout | undefined
  private ttlTimer: NodeJS.Timeout | undefined
  private readonly timeoutMs: number

  constructor(host: HeartbeatHost, intervalMs: number, timeoutMs: number) {
    this.host = host
    this.timeoutMs = timeoutMs > 0 ? timeoutMs : intervalMs
    if (intervalMs > 0) {
      this.interval = setInterval(() => this.ping(), intervalMs)
      this.interval.unref()
    }
  }

  private ping(): void {
    this.host.sendPing()
    if (this.pingTimeout !== undefined) return // a PING is already awaiting traffic
    const seen = this.host.rx
    this.pingTimeout = setTimeout(() => {
      this.pingTimeout = undefined
      if (this.host.rx === seen && !this.host.isInputPaused) {
        this.host.fail(new ZmtpError('ZMTP_HEARTBEAT_TIMEOUT', `no traffic within ${this.timeoutMs} ms after PING`))
      }
    }, this.timeoutMs)
    this.pingTimeout.unref()
  }

  /** The peer's PING said: close if you hear nothing from me for `ttlMs`. */
  peerTtl(ttlMs: number): void {
    if (ttlMs <= 0 || this.ttlTimer !== undefined) return
    const seen = this.host.rx
    this.ttlTimer = setTimeout(() => {
      this.ttlTimer = undefined
      if (this.host.rx === seen && !this.host.isInputPaused) {
        this.host.fail(new ZmtpError('ZMTP_HEARTBEAT_TIMEOUT', `peer silent for its advertised TTL of ${ttlMs} ms`))
      }
    }, ttlMs)
    this.ttlTimer.unref()
  }

  stop(): void {
    clearInterval(this.interval)
    clearTimeout(this.pingTimeout)
    clearTimeout(this.ttlTimer)
    this.interval = this.pingTimeout = this.ttlTimer = undefined
  }
}
