// Where a beacon runs: the interface it listens and sends on, and the addresses it sends to,
// worked out from its settings at start and again whenever the interface is polled.
import { BeaconError, BeaconErrorCode } from './errors.ts'
import { hasMulticastFlag, resolveInterface, sameInterface, type ResolvedInterface } from './interfaces.ts'
import { computeDestinations, type Destination } from './destinations.ts'
import type { BeaconSettings } from './beacon-options.ts'

export interface Placement {
  iface: ResolvedInterface
  destinations: Destination[]
}

type PlacementSettings = Pick<BeaconSettings, 'interface' | 'interfaces' | 'mode' | 'port' | 'broadcastAddress' | 'multicastGroup' | 'targets'>

/** The placement at start; throws BeaconError when the interface cannot carry the mode. */
export function placeBeacon(s: PlacementSettings): Placement {
  const place = resolvePlacement(s)
  const name = place.iface.name
  if (s.mode === 'ipv6' && !s.interfaces && hasMulticastFlag(name) === false) {
    throw new BeaconError(BeaconErrorCode.NO_INTERFACE, `interface '${name}' has no multicast, which IPv6 beacons need (on Linux: ip link set ${name} multicast on)`)
  }
  return place
}

/**
 * The new placement when the interface's address changed since `current`; undefined when it has
 * not, or when the interface is down for the moment (keep the last known address, retry later).
 */
export function movedPlacement(s: PlacementSettings, current: ResolvedInterface): Placement | undefined {
  let place: Placement
  try {
    place = resolvePlacement(s)
  } catch {
    return undefined
  }
  return sameInterface(current, place.iface) ? undefined : place
}

function resolvePlacement(s: PlacementSettings): Placement {
  const iface = resolveInterface(s.interface, s.mode === 'ipv6' ? 'IPv6' : 'IPv4', s.interfaces?.())
  return { iface, destinations: computeDestinations(iface, s) }
}
