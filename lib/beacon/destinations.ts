// Where beacons go: the mode's broadcast/multicast address on the chosen interface, plus any
// unicast targets. Recomputed whenever the interface's address changes.
import { isIP } from 'node:net'
import { BeaconError, BeaconErrorCode } from './errors.ts'
import type { ResolvedInterface } from './interfaces.ts'

export type BeaconMode = 'broadcast' | 'multicast' | 'ipv6' | 'unicast'

export interface Destination {
  host: string
  port: number
}

export const DEFAULT_MULTICAST_GROUP = '239.192.0.36'
export const IPV6_ALL_NODES = 'ff02::1'

/** Parses 'host', 'host:port', '[v6]:port' or a bare IPv6 address into a destination. */
export function parseTarget(target: string, defaultPort: number): Destination {
  let host = target.trim()
  let port = defaultPort
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(host)
  if (bracketed) {
    host = bracketed[1]!
    if (bracketed[2] !== undefined) port = Number(bracketed[2])
  } else if (isIP(host) !== 6) {
    const colon = host.lastIndexOf(':')
    if (colon >= 0) {
      port = Number(host.slice(colon + 1))
      host = host.slice(0, colon)
    }
  }
  if (host === '' || !Number.isInteger(port) || port <= 0 || port > 0xffff) {
    throw new BeaconError(BeaconErrorCode.BAD_OPTION, `bad beacon target '${target}'`)
  }
  return { host, port }
}

export interface DestinationOptions {
  mode: BeaconMode
  port: number
  broadcastAddress?: string | undefined
  multicastGroup?: string | undefined
  targets: Destination[]
}

export function computeDestinations(iface: ResolvedInterface, o: DestinationOptions): Destination[] {
  const out: Destination[] = []
  switch (o.mode) {
    case 'broadcast': {
      const host = o.broadcastAddress ?? iface.broadcast
      if (host === undefined) {
        throw new BeaconError(BeaconErrorCode.NO_INTERFACE, `interface '${iface.name}' has no broadcast address`)
      }
      out.push({ host, port: o.port })
      break
    }
    case 'multicast':
      out.push({ host: o.multicastGroup ?? DEFAULT_MULTICAST_GROUP, port: o.port })
      break
    case 'ipv6':
      out.push({ host: `${o.multicastGroup ?? IPV6_ALL_NODES}%${iface.name}`, port: o.port })
      break
    case 'unicast':
      break
  }
  out.push(...o.targets)
  return out
}
