// The UDP sockets of one beacon: a receiver on the beacon port and a sender on the interface's
// address. Opens both, moves the sender and the group membership to an interface's new address,
// closes both.
import dgram from 'node:dgram'
import { BeaconError, BeaconErrorCode } from './errors.ts'
import type { ResolvedInterface } from './interfaces.ts'
import type { BeaconSettings } from './beacon-options.ts'
import { joinGroup, leaveGroup, setMulticastSending } from './multicast.ts'
import { bindSocket, closeSocket, lookupDualStack } from './udp-socket.ts'
import { acquireReceiver, type SharedReceiver } from './shared-receiver.ts'

type SocketSettings = Pick<BeaconSettings, 'port' | 'mode' | 'multicastGroup' | 'multicastTtl' | 'multicastLoopback'>
type Report = (err: Error) => void

export class BeaconSockets {
  private closed = false

  private constructor(
    /** Receives: bound to the wildcard address on the beacon port, shared through SO_REUSEADDR. */
    readonly receiver: dgram.Socket,
    private current: dgram.Socket,
    private readonly settings: SocketSettings,
    private readonly report: Report,
    /** Set when `receiver` is shared with this process's other beacons (shared-receiver.ts). */
    private readonly share?: SharedReceiver,
  ) {}

  /**
   * Sends (IPv4): bound to the interface's own address, ephemeral port. Linux routes a datagram
   * to 255.255.255.255 (and picks the source of any beacon) by the default route unless the
   * socket is bound to a source address; bound, the beacon leaves by the chosen interface and
   * carries the address we advertise. IPv6 sends from `receiver` with the multicast interface set.
   */
  get sender(): dgram.Socket {
    return this.current
  }

  /** Binds both sockets on `iface`; on failure nothing is left open. */
  static async open(iface: ResolvedInterface, settings: SocketSettings, onMessage: (msg: Buffer, rinfo: dgram.RemoteInfo) => void, report: Report): Promise<BeaconSockets> {
    if (settings.mode === 'broadcast' || settings.mode === 'unicast') return BeaconSockets.openShared(iface, settings, onMessage, report)
    const v6 = settings.mode === 'ipv6'
    const socket = dgram.createSocket(v6 ? { type: 'udp6', reuseAddr: true, lookup: lookupDualStack } : { type: 'udp4', reuseAddr: true })
    socket.on('message', onMessage)
    let sender: dgram.Socket
    try {
      // Wildcard bind: on Linux only a wildcard-bound socket sees broadcast, multicast and unicast
      // datagrams alike, and SO_REUSEADDR hands each broadcast/multicast one to every socket
      // sharing the port (test/lib/beacon/loopback.test.ts checks both facts).
      await bindSocket(socket, { port: settings.port, address: v6 ? '::' : '0.0.0.0', exclusive: false })
      joinGroup(socket, iface, settings)
      sender = v6 ? socket : await openSender(iface, settings, report)
    } catch (err) {
      await closeSocket(socket)
      throw err instanceof BeaconError ? err : new BeaconError(BeaconErrorCode.SOCKET, `cannot open the beacon on UDP port ${settings.port}: ${(err as Error).message}`, { cause: err })
    }
    socket.on('error', (err) => report(new BeaconError(BeaconErrorCode.SOCKET, `beacon socket: ${err.message}`, { cause: err })))
    return new BeaconSockets(socket, sender, settings, report)
  }

  /** IPv4 without a group to join: the port's receiver is shared within the process. */
  private static async openShared(iface: ResolvedInterface, settings: SocketSettings, onMessage: (msg: Buffer, rinfo: dgram.RemoteInfo) => void, report: Report): Promise<BeaconSockets> {
    const onError = (err: Error): void => report(new BeaconError(BeaconErrorCode.SOCKET, `beacon socket: ${err.message}`, { cause: err }))
    let share: SharedReceiver
    try {
      share = await acquireReceiver(settings.port, onMessage, onError)
    } catch (err) {
      throw new BeaconError(BeaconErrorCode.SOCKET, `cannot open the beacon on UDP port ${settings.port}: ${(err as Error).message}`, { cause: err })
    }
    let sender: dgram.Socket
    try {
      sender = await openSender(iface, settings, report)
    } catch (err) {
      await share.release()
      throw err
    }
    return new BeaconSockets(share.socket, sender, settings, report, share)
  }

  /**
   * Sends from `iface` (the same interface at a new address) from now on. False when the address
   * is not usable yet (reported; the next poll retries) or the sockets were closed meanwhile.
   */
  async moveSender(iface: ResolvedInterface): Promise<boolean> {
    if (this.settings.mode === 'ipv6') return !this.closed
    let sender: dgram.Socket
    try {
      sender = await openSender(iface, this.settings, this.report)
    } catch (err) {
      this.report(err as Error)
      return false
    }
    if (this.closed) {
      await closeSocket(sender)
      return false
    }
    const previous = this.current
    this.current = sender
    void closeSocket(previous)
    return true
  }

  leaveGroup(iface: ResolvedInterface): void {
    leaveGroup(this.receiver, iface, this.settings)
  }

  /** Joins the group on the new address; a failure is reported, the beacon goes on. */
  joinGroup(iface: ResolvedInterface): void {
    try {
      joinGroup(this.receiver, iface, this.settings)
    } catch (err) {
      this.report(err as Error)
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    const { receiver, current, share } = this
    await Promise.all([share ? share.release() : closeSocket(receiver), current !== receiver && closeSocket(current)])
  }
}

/** The IPv4 sending socket, bound to the interface address (see `BeaconSockets.sender`). */
async function openSender(iface: ResolvedInterface, settings: SocketSettings, report: Report): Promise<dgram.Socket> {
  const sender = dgram.createSocket({ type: 'udp4' })
  try {
    await bindSocket(sender, { port: 0, address: iface.address })
    sender.setBroadcast(true)
    if (settings.mode === 'multicast') setMulticastSending(sender, iface.address, settings)
  } catch (err) {
    await closeSocket(sender)
    throw new BeaconError(BeaconErrorCode.SOCKET, `cannot send beacons from ${iface.address} (${iface.name}): ${(err as Error).message}`, { cause: err })
  }
  // Nobody sends to this port; whatever arrives is dropped unread (no 'message' listener).
  sender.on('error', (err) => report(new BeaconError(BeaconErrorCode.SOCKET, `beacon sender: ${err.message}`, { cause: err })))
  return sender
}
