// A beacon service over node:dgram: publishes one payload at an interval, listens on the same
// UDP port (shared with any number of other nodes on this host through SO_REUSEADDR), and
// delivers every valid beacon from someone else. Hostile traffic is rejected cheaply and counted.
import type dgram from 'node:dgram'
import { EventEmitter } from 'node:events'
import { debuglog } from 'node:util'
import { BeaconError, BeaconErrorCode } from './errors.ts'
import type { ResolvedInterface } from './interfaces.ts'
import type { Destination } from './destinations.ts'
import { beaconSettings, type BeaconOptions, type BeaconSettings } from './beacon-options.ts'
import type { BeaconEvents, BeaconStats } from './beacon-types.ts'
import { BeaconSockets } from './beacon-sockets.ts'
import { InterfacePoller } from './interface-poller.ts'
import { movedPlacement, placeBeacon } from './placement.ts'
import { isAddressLost, sendToAll } from './udp-socket.ts'

export type { BeaconMode } from './destinations.ts'
export type { BeaconOptions } from './beacon-options.ts'
export type { BeaconReceived, BeaconStats, BeaconEvents } from './beacon-types.ts'

const trace = debuglog('zyre')

export class Beacon extends EventEmitter<BeaconEvents> {
  readonly stats: BeaconStats = { sent: 0, sendErrors: 0, received: 0, delivered: 0, ignored: 0, filtered: 0, malformed: 0 }
  private readonly opts: BeaconSettings
  private sockets: BeaconSockets | undefined
  private poller: InterfacePoller | undefined
  private starting: Promise<void> | undefined
  private iface: ResolvedInterface | undefined
  private destinations: Destination[] = []
  private payload: Buffer | undefined
  private publishTimer: NodeJS.Timeout | undefined
  private prefix: Buffer | undefined
  private ignoreFilter: ((p: Buffer) => boolean) | undefined
  private readonly validate: ((p: Buffer) => boolean) | null
  private closed = false
  private lastMalformedLog = 0

  constructor(options: BeaconOptions = {}) {
    super()
    this.opts = beaconSettings(options)
    this.validate = this.opts.validate
  }

  /** Our address on the chosen interface, to advertise to peers. */
  get address(): string {
    return this.requireInterface().address
  }

  get interfaceName(): string {
    return this.requireInterface().name
  }

  get interfaceInfo(): ResolvedInterface {
    return this.requireInterface()
  }

  /** The addresses beacons are currently sent to. */
  get destinationList(): readonly Destination[] {
    return this.destinations
  }

  /** Binds and resolves the interface; calling it again while (or after) starting is harmless. */
  start(): Promise<void> {
    if (this.closed) return Promise.reject(new BeaconError(BeaconErrorCode.CLOSED, 'beacon is closed'))
    this.starting ??= this.open().catch((err: unknown) => {
      this.starting = undefined
      throw err
    })
    return this.starting
  }

  private async open(): Promise<void> {
    const { iface, destinations } = placeBeacon(this.opts)
    const sockets = await BeaconSockets.open(iface, this.opts, (msg, rinfo) => this.onMessage(msg, rinfo), (err) => this.report(err))
    if (this.closed) {
      // close() ran while we were binding: do not leave sockets behind.
      await sockets.close()
      throw new BeaconError(BeaconErrorCode.CLOSED, 'beacon closed while starting')
    }
    this.sockets = sockets
    this.iface = iface
    this.destinations = destinations
    if (this.opts.interfacePollInterval > 0) {
      const failed = (err: unknown): void =>
        this.report(new BeaconError(BeaconErrorCode.SOCKET, `interface check failed: ${(err as Error).message}`, { cause: err }))
      this.poller = new InterfacePoller(() => this.pollInterface(), this.opts.interfacePollInterval, failed)
    }
    this.log(`beacon on ${iface.name} ${iface.address} port ${this.opts.port}, sending to ${this.destinations.map((d) => `${d.host}:${d.port}`).join(', ') || 'nobody'}`)
  }

  /** Publishes `payload` now and then every interval until silence() or close(). */
  publish(payload: Buffer): void {
    this.requireStarted()
    this.payload = Buffer.from(payload)
    if (this.publishTimer) clearInterval(this.publishTimer)
    void this.sendPayload(this.payload)
    this.publishTimer = setInterval(() => {
      if (this.payload) void this.sendPayload(this.payload)
    }, this.opts.interval)
  }

  silence(): void {
    if (this.publishTimer) clearInterval(this.publishTimer)
    this.publishTimer = undefined
    this.payload = undefined
  }

  /** Sends `payload` once to every destination; resolves when the datagrams are handed to the OS. */
  sendOnce(payload: Buffer): Promise<void> {
    this.requireStarted()
    return this.sendPayload(Buffer.from(payload))
  }

  subscribe(prefix: Buffer): void {
    this.prefix = Buffer.from(prefix)
  }

  unsubscribe(): void {
    this.prefix = undefined
  }

  /** Drops payloads equal to `payload`, or matched by the predicate (Zyre passes its own UUID). */
  ignore(payload: Buffer | ((p: Buffer) => boolean)): void {
    if (typeof payload === 'function') {
      this.ignoreFilter = payload
    } else {
      const copy = Buffer.from(payload)
      this.ignoreFilter = (p) => p.equals(copy)
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.silence()
    this.poller?.stop()
    const sockets = this.sockets
    this.sockets = undefined
    await sockets?.close()
  }

  private onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const s = this.stats
    s.received++
    if (msg.length === 0 || msg.length > this.opts.maxPayloadSize) return this.malformed(rinfo)
    if (this.prefix && (msg.length < this.prefix.length || msg.compare(this.prefix, 0, this.prefix.length, 0, this.prefix.length) !== 0)) {
      s.filtered++
      return
    }
    if (this.ignoreFilter?.(msg)) {
      s.ignored++
      return
    }
    if (this.validate && !this.validate(msg)) return this.malformed(rinfo)
    s.delivered++
    const payload = this.opts.sharedPayloads === true ? msg : Buffer.from(msg)
    this.emit('beacon', { address: rinfo.address, port: rinfo.port, payload })
  }

  private malformed(rinfo: dgram.RemoteInfo): void {
    this.stats.malformed++
    const now = Date.now()
    // One line a second at most: a flood must not turn into a logging flood.
    if (now - this.lastMalformedLog >= 1000) {
      this.lastMalformedLog = now
      this.log(`dropping malformed beacons (last from ${rinfo.address}:${rinfo.port}, ${this.stats.malformed} so far)`)
    }
  }

  private sendPayload(payload: Buffer): Promise<void> {
    const socket = this.sockets?.sender
    if (!socket || this.destinations.length === 0) return Promise.resolve()
    return sendToAll(socket, payload, this.destinations, this.onSent, this.onSendFailed)
  }

  private readonly onSent = (): void => {
    this.stats.sent++
  }

  private readonly onSendFailed = (err: Error, d: Destination): void => {
    this.stats.sendErrors++
    this.report(new BeaconError(BeaconErrorCode.SOCKET, `beacon to ${d.host}:${d.port}: ${err.message}`, { cause: err }))
    // Our address probably changed: follow it now, not at the next poll (none while one runs).
    if (isAddressLost(err)) this.poller?.pollNow()
  }

  /** Follows an interface whose address changed (DHCP, WiFi roaming) without a restart. */
  private async pollInterface(): Promise<void> {
    const old = this.iface
    const sockets = this.sockets
    if (!old || !sockets) return
    const moved = movedPlacement(this.opts, old)
    if (!moved) return
    const now = moved.iface
    if (!(await sockets.moveSender(now)) || this.closed) return
    sockets.leaveGroup(old)
    this.iface = now
    this.destinations = moved.destinations
    sockets.joinGroup(now)
    this.log(`beacon interface changed: ${old.name} ${old.address} -> ${now.name} ${now.address}`)
    this.emit('address', now)
    // Peers learn the new address from the next beacon: send it now rather than in a second.
    if (this.payload) void this.sendPayload(this.payload)
  }

  private report(err: Error): void {
    this.log(err.message)
    // 'error' only for those who listen: a beacon problem must never crash the process.
    if (this.listenerCount('error') > 0) this.emit('error', err)
  }

  private log(line: string): void {
    if (this.opts.logger) this.opts.logger(line)
    else trace(line)
  }

  private requireInterface(): ResolvedInterface {
    if (!this.iface) throw new BeaconError(BeaconErrorCode.NOT_STARTED, 'beacon not started')
    return this.iface
  }

  private requireStarted(): void {
    if (!this.sockets) throw new BeaconError(this.closed ? BeaconErrorCode.CLOSED : BeaconErrorCode.NOT_STARTED, this.closed ? 'beacon is closed' : 'beacon not started')
  }
}
