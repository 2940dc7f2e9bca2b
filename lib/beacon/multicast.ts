// Multicast group membership on the receiving socket and the multicast sending options, for the
// 'multicast' (IPv4 group) and 'ipv6' (ff02::1 or another IPv6 group) modes; other modes need none.
import type dgram from 'node:dgram'
import { BeaconError, BeaconErrorCode } from './errors.ts'
import type { ResolvedInterface } from './interfaces.ts'
import { DEFAULT_MULTICAST_GROUP, IPV6_ALL_NODES } from './destinations.ts'
import type { BeaconSettings } from './beacon-options.ts'

export type MulticastSettings = Pick<BeaconSettings, 'mode' | 'multicastGroup' | 'multicastTtl' | 'multicastLoopback'>

/** Joins the group on `iface`; the IPv6 socket also sends, so it gets the sending options too. */
export function joinGroup(socket: dgram.Socket, iface: ResolvedInterface, s: MulticastSettings): void {
  try {
    if (s.mode === 'multicast') {
      socket.addMembership(s.multicastGroup ?? DEFAULT_MULTICAST_GROUP, iface.address)
    } else if (s.mode === 'ipv6') {
      socket.addMembership(s.multicastGroup ?? IPV6_ALL_NODES, `::%${iface.name}`)
      setMulticastSending(socket, `::%${iface.name}`, s)
    }
  } catch (err) {
    throw new BeaconError(BeaconErrorCode.SOCKET, `joining the multicast group on ${iface.name}: ${(err as Error).message}`, { cause: err })
  }
}

export function leaveGroup(socket: dgram.Socket, iface: ResolvedInterface, s: MulticastSettings): void {
  try {
    if (s.mode === 'multicast') socket.dropMembership(s.multicastGroup ?? DEFAULT_MULTICAST_GROUP, iface.address)
    else if (s.mode === 'ipv6') socket.dropMembership(s.multicastGroup ?? IPV6_ALL_NODES, `::%${iface.name}`)
  } catch {
    // The old address may already be gone from the kernel; nothing to undo then.
  }
}

// Multicast options belong to the sending socket. If setting the interface failed we would
// send on whatever the routing table says, so every failure here is an error.
export function setMulticastSending(socket: dgram.Socket, iface: string, s: MulticastSettings): void {
  socket.setMulticastInterface(iface)
  socket.setMulticastTTL(s.multicastTtl ?? 1)
  socket.setMulticastLoopback(s.multicastLoopback ?? true)
}
