// The options of a Beacon, checked once in the constructor: bad values throw BEACON_BAD_OPTION
// there, so the running beacon never meets them. Also fills in the defaults.
import { isIP } from 'node:net'
import { BeaconError, BeaconErrorCode } from './errors.ts'
import type { InterfaceTable } from './interfaces.ts'
import { parseTarget, type BeaconMode, type Destination } from './destinations.ts'
import { isBeacon } from './payload.ts'

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
  /**
   * How often to look for a changed interface address, ms; 0 turns it off. Default 2000. When on,
   * a send failing as if our address had gone (EADDRNOTAVAIL, ENETUNREACH, ...) looks at once.
   */
  interfacePollInterval?: number
  /** Which payloads are valid; default: well-formed ZRE beacons. */
  validate?: ((payload: Buffer) => boolean) | null
  /** Larger datagrams are dropped unread. Default 255. */
  maxPayloadSize?: number
  /**
   * Hand each received payload to the 'beacon' listeners without copying it: one buffer, shared
   * with the other beacons of this process on the port, that listeners must neither modify nor
   * keep. Default false (each event has a copy of its own). Zyre's nodes set it.
   */
  sharedPayloads?: boolean
  logger?: (line: string) => void
  /** For tests: where interface addresses come from. */
  interfaces?: () => InterfaceTable
}

type Defaulted = 'port' | 'mode' | 'interval' | 'interfacePollInterval' | 'maxPayloadSize' | 'validate'

/** The options with their defaults, and the targets parsed for the socket family the mode uses. */
export type BeaconSettings = Required<Pick<BeaconOptions, Defaulted>> &
  Omit<BeaconOptions, Defaulted | 'targets'> & { targets: Destination[] }

const MODES = new Set<string>(['broadcast', 'multicast', 'ipv6', 'unicast'])

export function beaconSettings(options: BeaconOptions): BeaconSettings {
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
  const mode = options.mode ?? 'broadcast'
  return {
    ...options,
    port,
    interval,
    mode,
    interfacePollInterval: options.interfacePollInterval ?? 2000,
    maxPayloadSize: options.maxPayloadSize ?? 255,
    validate: options.validate === undefined ? isBeacon : options.validate,
    targets: (options.targets ?? []).map((t) => targetForFamily(parseTarget(t, port), mode === 'ipv6')),
  }
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
