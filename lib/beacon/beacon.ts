// A beacon service over node:dgram: publishes one payload at an interval, listens on the same
// UDP port (shared with any number of other nodes on this host through SO_REUSEADDR), and
// delivers every valid beacon from someone else. Hostile traffic is rejected cheaply and counted.
import dgram from 'node:dgram'
import { lookup as dnsLookup } from 'node:dns'
import { isIP } from 'node:net'
import { EventEmitter } from 'node:events'
import { debuglog } from 'node:util'
import { BeaconError, BeaconErrorCode } from './errors.ts'
import { hasMulticastFlag, resolveInterface, sameInterface, type InterfaceTable, type ResolvedInterface } from './interfaces.ts'
import {
  computeDestinations,
  parseTarget,
  DEFAULT_MULTICAST_GROUP,
  IPV6_ALL_NODES,
  type BeaconMode,
  type Destination,
} from './destinations.ts'
import { isBeacon } from './payload.ts'

export type { BeaconMode } from './destinations.ts'

const trace = debuglog('zyre')
const MODES = new Set<string>(['broadcast', 'multicast', 'ipv6', 'unicast'])

export interface BeaconOptions {
  /** UDP port, default 5670 (RFC 36). */
  port?: number
  /** Interface name ('eth0', 'lo') or one of its IP addresses; default: the first LAN IPv4 interface. */
  interface?: string
  /** Default 'broadcast'. 'unicast' sends only to `targets`. */
  mode?: BeaconMode
  /** Overrides the interface's directed broadcast address, e.g. '255.255.255.255'. */
  broadcastAddress?: string
  /** IPv4 group for 'multicast' (default 239.192.0.36), IPv6 group for 'ipv6' (default ff02::1). */
  multicastGroup?: string
  multicastTtl?: number
  multicastLoopback?: boolean
  /** Unicast host[:port] targets, sent to in addition to the mode's destination. */
  targets?: string[]
  /** Publishing interval in ms, default 1000. */
  interval?: number
  /** How often to look for a changed interface address, ms; 0 turns it off. Default 2000. */
  interfacePollInterval?: number
  /** Which payloads are valid; default: well-formed ZRE beacons. */
  validate?: ((payload: Buffer) => boolean) | null
  /** Larger datagrams are dropped unread. Default 255. */
  maxPayloadSize?: number
  logger?: (line: string) => void
  /** For tests: where interface addresses come from. */
  interfaces?: () => InterfaceTable
}

export interface BeaconReceived {
  address: string
  port: number
  payload: Buffer
}

export interface BeaconStats {
  sent: number
  sendErrors: number
  received: number
  delivered: number
  /** Own beacons and anything else matched by ignore(). */
  ignored: number
  /** Payloads not starting with the subscribed prefix. */
  filtered: number
  /** Oversized, empty or invalid payloads. */
  malformed: number
}

export interface BeaconEvents {
  beacon: [BeaconReceived]
  address: [ResolvedInterface]
  error: [Error]
}

export class Beacon extends EventEmitter<BeaconEvents> {
  readonly stats: BeaconStats = { sent: 0, sendErrors: 0, received: 0, delivered: 0, ignored: 0, filtered: 0, malformed: 0 }
  private readonly opts: Required<Pick<BeaconOptions, 'port' | 'mode' | 'interval' | 'interfacePollInterval' | 'maxPayloadSize'>> & BeaconOptions
  private readonly targets: Destination[]
  /** Receives: bound to the wildcard address on the beacon port, shared through SO_REUSEADDR. */
  private socket: dgram.Socket | undefined
  /**
   * Sends (IPv4): bound to the interface's own address, ephemeral port. Linux routes a datagram
   * to 255.255.255.255 (and picks the source of any beacon) by the default route unless the
   * socket is bound to a source address; bound, the beacon leaves by the chosen interface and
   * carries the address we advertise. IPv6 sends from `socket` with the multicast interface set.
   */
  private sender: dgram.Socket | undefined
  private polling = false
  private starting: Promise<void> | undefined
  private iface: ResolvedInterface | undefined
  private destinations: Destination[] = []
  private payload: Buffer | undefined
  private publishTimer: NodeJS.Timeout | undefined
  private pollTimer: NodeJS.Timeout | undefined
  private prefix: Buffer | undefined
  private ignoreFilter: ((p: Buffer) => boolean) | undefined
  private readonly validate: ((p: Buffer) => boolean) | null
  private closed = false
  private lastMalformedLog = 0

  constructor(options: BeaconOptions = {}) {
    super()
    const port = options.port ?? 5670
    if (!Number.isInteger(port) || port <= 0 || port > 0xffff) {
      throw new BeaconError(BeaconErrorCode.BAD_OPTION, `bad beacon port ${port}`)
    }
    const interval = options.interval ?? 1000
    if (!(interval > 0)) throw new BeaconError(BeaconErrorCode.BAD_OPTION, `bad beacon interval ${interval}`)
    if (options.mode !== undefined && !MODES.has(options.mode)) {
      throw new BeaconError(BeaconErrorCode.BAD_OPTION, `bad beacon mode '${String(options.mode)}' (broadcast, multicast, ipv6 or unicast)`)
    }
    const ttl = options.multicastTtl
    if (ttl !== undefined && !(Number.isInteger(ttl) && ttl >= 0 && ttl <= 255)) {
      throw new BeaconError(BeaconErrorCode.BAD_OPTION, `bad multicast TTL ${ttl}`)
    }
    this.opts = {
      ...options,
      port,
      interval,
      mode: options.mode ?? 'broadcast',
      interfacePollInterval: options.interfacePollInterval ?? 2000,
      maxPayloadSize: options.maxPayloadSize ?? 255,
    }
    this.targets = (options.targets ?? []).map((t) => targetForFamily(parseTarget(t, port), this.opts.mode === 'ipv6'))
    this.validate = options.validate === undefined ? isBeacon : options.validate
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
    const v6 = this.opts.mode === 'ipv6'
    const iface = this.resolve()
    const destinations = this.computeDestinations(iface)
    if (v6 && !this.opts.interfaces && hasMulticastFlag(iface.name) === false) {
      throw new BeaconError(BeaconErrorCode.NO_INTERFACE, `interface '${iface.name}' has no multicast, which IPv6 beacons need (on Linux: ip link set ${iface.name} multicast on)`)
    }
    const socket = dgram.createSocket(v6 ? { type: 'udp6', reuseAddr: true, lookup: lookupDualStack } : { type: 'udp4', reuseAddr: true })
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo))
    try {
      // Wildcard bind: on Linux only a wildcard-bound socket sees broadcast, multicast and unicast
      // datagrams alike, and SO_REUSEADDR hands each broadcast/multicast one to every socket
      // sharing the port (test/lib/beacon/loopback.test.ts checks both facts).
      await bindSocket(socket, { port: this.opts.port, address: v6 ? '::' : '0.0.0.0', exclusive: false })
      this.joinGroup(socket, iface, true)
      this.sender = v6 ? socket : await this.openSender(iface)
    } catch (err) {
      this.sender = undefined
      await closeSocket(socket)
      throw err instanceof BeaconError ? err : new BeaconError(BeaconErrorCode.SOCKET, `cannot open the beacon on UDP port ${this.opts.port}: ${(err as Error).message}`, { cause: err })
    }
    if (this.closed) {
      // close() ran while we were binding: do not leave sockets behind.
      await Promise.all([closeSocket(socket), this.sender !== socket && this.sender ? closeSocket(this.sender) : undefined])
      this.sender = undefined
      throw new BeaconError(BeaconErrorCode.CLOSED, 'beacon closed while starting')
    }
    socket.on('error', (err) => this.report(new BeaconError(BeaconErrorCode.SOCKET, `beacon socket: ${err.message}`, { cause: err })))
    this.socket = socket
    this.iface = iface
    this.destinations = destinations
    if (this.opts.interfacePollInterval > 0) {
      this.pollTimer = setInterval(() => void this.pollInterface(), this.opts.interfacePollInterval)
      this.pollTimer.unref()
    }
    this.log(`beacon on ${iface.name} ${iface.address} port ${this.opts.port}, sending to ${this.destinations.map((d) => `${d.host}:${d.port}`).join(', ') || 'nobody'}`)
  }

  /** Publishes `payload` now and then every interval until silence() or close(). */
  publish(payload: Buffer): void {
    this.requireSocket()
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
    this.requireSocket()
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
    if (this.pollTimer) clearInterval(this.pollTimer)
    const socket = this.socket
    const sender = this.sender
    this.socket = undefined
    this.sender = undefined
    await Promise.all([socket && closeSocket(socket), sender && sender !== socket && closeSocket(sender)])
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
    this.emit('beacon', { address: rinfo.address, port: rinfo.port, payload: msg })
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
    const socket = this.sender
    const destinations = this.destinations
    if (!socket || destinations.length === 0) return Promise.resolve()
    return new Promise<void>((resolve) => {
      let pending = destinations.length
      // A socket closed under a send never calls its callback: settle on 'close' as well.
      const onClose = (): void => resolve()
      socket.once('close', onClose)
      const done = (): void => {
        if (--pending > 0) return
        socket.off('close', onClose)
        resolve()
      }
      for (const d of destinations) {
        const failed = (err: Error): void => {
          this.stats.sendErrors++
          this.report(new BeaconError(BeaconErrorCode.SOCKET, `beacon to ${d.host}:${d.port}: ${err.message}`, { cause: err }))
        }
        try {
          socket.send(payload, d.port, d.host, (err) => {
            if (err) failed(err)
            else this.stats.sent++
            done()
          })
        } catch (err) {
          failed(err as Error)
          done()
        }
      }
    })
  }

  private resolve(): ResolvedInterface {
    const family = this.opts.mode === 'ipv6' ? 'IPv6' : 'IPv4'
    return resolveInterface(this.opts.interface, family, this.opts.interfaces?.())
  }

  private computeDestinations(iface: ResolvedInterface): Destination[] {
    return computeDestinations(iface, {
      mode: this.opts.mode,
      port: this.opts.port,
      broadcastAddress: this.opts.broadcastAddress,
      multicastGroup: this.opts.multicastGroup,
      targets: this.targets,
    })
  }

  /** Joins the multicast group on the receiving socket; at start a failure is fatal (see start()). */
  private joinGroup(socket: dgram.Socket, iface: ResolvedInterface, fatal: boolean): void {
    try {
      if (this.opts.mode === 'multicast') {
        socket.addMembership(this.opts.multicastGroup ?? DEFAULT_MULTICAST_GROUP, iface.address)
      } else if (this.opts.mode === 'ipv6') {
        socket.addMembership(this.opts.multicastGroup ?? IPV6_ALL_NODES, `::%${iface.name}`)
        this.setMulticastSending(socket, `::%${iface.name}`)
      }
    } catch (err) {
      const e = new BeaconError(BeaconErrorCode.SOCKET, `joining the multicast group on ${iface.name}: ${(err as Error).message}`, { cause: err })
      if (fatal) throw e
      this.report(e)
    }
  }

  private leaveGroup(iface: ResolvedInterface): void {
    const socket = this.socket
    if (!socket) return
    try {
      if (this.opts.mode === 'multicast') socket.dropMembership(this.opts.multicastGroup ?? DEFAULT_MULTICAST_GROUP, iface.address)
      else if (this.opts.mode === 'ipv6') socket.dropMembership(this.opts.multicastGroup ?? IPV6_ALL_NODES, `::%${iface.name}`)
    } catch {
      // The old address may already be gone from the kernel; nothing to undo then.
    }
  }

  // Multicast options belong to the sending socket. If setting the interface failed we would
  // send on whatever the routing table says, so every failure here is an error.
  private setMulticastSending(socket: dgram.Socket, iface: string): void {
    socket.setMulticastInterface(iface)
    socket.setMulticastTTL(this.opts.multicastTtl ?? 1)
    socket.setMulticastLoopback(this.opts.multicastLoopback ?? true)
  }

  /** The IPv4 sending socket, bound to the interface address (see `sender`). */
  private async openSender(iface: ResolvedInterface): Promise<dgram.Socket> {
    const sender = dgram.createSocket({ type: 'udp4' })
    try {
      await bindSocket(sender, { port: 0, address: iface.address })
      sender.setBroadcast(true)
      if (this.opts.mode === 'multicast') this.setMulticastSending(sender, iface.address)
    } catch (err) {
      await closeSocket(sender)
      throw new BeaconError(BeaconErrorCode.SOCKET, `cannot send beacons from ${iface.address} (${iface.name}): ${(err as Error).message}`, { cause: err })
    }
    // Nobody sends to this port; whatever arrives is dropped unread (no 'message' listener).
    sender.on('error', (err) => this.report(new BeaconError(BeaconErrorCode.SOCKET, `beacon sender: ${err.message}`, { cause: err })))
    return sender
  }

  /** Follows an interface whose address changed (DHCP, WiFi roaming) without a restart. */
  private async pollInterface(): Promise<void> {
    const old = this.iface
    if (!old || !this.socket || this.polling) return
    let now: ResolvedInterface
    let destinations: Destination[]
    try {
      now = this.resolve()
      destinations = this.computeDestinations(now)
    } catch {
      return // interface down for the moment: keep the last known address and retry later
    }
    if (sameInterface(old, now)) return
    this.polling = true
    try {
      let sender = this.sender
      if (this.opts.mode !== 'ipv6') {
        try {
          sender = await this.openSender(now)
        } catch (err) {
          // The address may not be usable yet; the next poll sees the change again and retries.
          this.report(err as Error)
          return
        }
        if (this.closed || !this.socket) {
          await closeSocket(sender)
          return
        }
        const previous = this.sender
        this.sender = sender
        if (previous) void closeSocket(previous)
      }
      this.leaveGroup(old)
      this.iface = now
      this.destinations = destinations
      this.joinGroup(this.socket, now, false)
      this.log(`beacon interface changed: ${old.name} ${old.address} -> ${now.name} ${now.address}`)
      this.emit('address', now)
      // Peers learn the new address from the next beacon: send it now rather than in a second.
      if (this.payload) void this.sendPayload(this.payload)
    } finally {
      this.polling = false
    }
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

  private requireSocket(): dgram.Socket {
    if (!this.socket) throw new BeaconError(this.closed ? BeaconErrorCode.CLOSED : BeaconErrorCode.NOT_STARTED, this.closed ? 'beacon is closed' : 'beacon not started')
    return this.socket
  }
}

function bindSocket(socket: dgram.Socket, options: dgram.BindOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.bind(options, () => {
      socket.off('error', reject)
      resolve()
    })
  })
}

function closeSocket(socket: dgram.Socket): Promise<void> {
  return new Promise<void>((resolve) => {
    try {
      socket.close(() => resolve())
    } catch {
      resolve() // already closed
    }
  })
}

// The IPv6 socket is dual-stack, so IPv4 unicast targets are reachable as IPv4-mapped addresses;
// an IPv4 socket cannot send to IPv6 at all, which is a configuration error worth saying early.
function targetForFamily(d: Destination, v6: boolean): Destination {
  const family = isIP(d.host)
  if (v6 && family === 4) return { host: `::ffff:${d.host}`, port: d.port }
  if (!v6 && family === 6) {
    throw new BeaconError(BeaconErrorCode.BAD_OPTION, `beacon target ${d.host} is IPv6: use mode 'ipv6' for IPv6 targets`)
  }
  return d
}

// Host name targets on the IPv6 socket: take whatever address the name has, IPv4 mapped.
function lookupDualStack(hostname: string, _options: unknown, callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
  dnsLookup(hostname, { family: 0 }, (err, address, family) => {
    if (err) callback(err, '', 0)
    else if (family === 4) callback(null, `::ffff:${address}`, 6)
    else callback(null, address, 6)
  })
}
