// Picks the network interface a beacon runs on, the way Zyre users name it: by interface name
// ('eth0', 'lo'), by one of its IP addresses, or by default the first up, non-internal IPv4
// interface that has a broadcast address. Pure function of os.networkInterfaces() output so it
// can be tested and re-run when addresses change.
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os'
import { readFileSync } from 'node:fs'
import { isIPv4, isIPv6 } from 'node:net'
import { BeaconError, BeaconErrorCode } from './errors.ts'

export type InterfaceTable = NodeJS.Dict<NetworkInterfaceInfo[]>

export interface ResolvedInterface {
  name: string
  family: 'IPv4' | 'IPv6'
  address: string
  netmask: string
  /** IPv4 directed broadcast address (address | ~netmask); undefined for IPv6. */
  broadcast?: string
  internal: boolean
  /** IPv6 scope id (interface index), for link-local addresses. */
  scopeid?: number
}

const LOOPBACK_ALIASES = new Set(['lo', 'loopback', 'lo0'])

function ipv4ToInt(a: string): number {
  const p = a.split('.').map(Number)
  return (((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0)
}

function intToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
}

/** The directed broadcast of an IPv4 address and netmask, or undefined for a /32 (no broadcast). */
export function ipv4Broadcast(address: string, netmask: string): string | undefined {
  const mask = ipv4ToInt(netmask)
  if (mask === 0xffffffff) return undefined
  return intToIpv4((ipv4ToInt(address) | (~mask >>> 0)) >>> 0)
}

function toResolved(name: string, info: NetworkInterfaceInfo): ResolvedInterface {
  const r: ResolvedInterface = {
    name,
    family: info.family,
    address: info.address,
    netmask: info.netmask,
    internal: info.internal,
  }
  if (info.family === 'IPv4') {
    const b = ipv4Broadcast(info.address, info.netmask)
    if (b !== undefined) r.broadcast = b
  } else if (info.scopeid !== undefined) {
    r.scopeid = info.scopeid
  }
  return r
}

function pickAddress(infos: NetworkInterfaceInfo[], family: 'IPv4' | 'IPv6'): NetworkInterfaceInfo | undefined {
  const same = infos.filter((i) => i.family === family)
  if (family === 'IPv6') {
    // Link-local first: ff02::1 is link-scoped, and it is what peers on the segment see.
    return same.find((i) => i.address.toLowerCase().startsWith('fe80:')) ?? same[0]
  }
  return same[0]
}

/**
 * Resolves `spec` (interface name, IP address, 'lo'/'loopback', or undefined for the default)
 * against an interface table. Throws BeaconError(BEACON_NO_INTERFACE) with the names that exist.
 */
export function resolveInterface(
  spec: string | undefined,
  family: 'IPv4' | 'IPv6' = 'IPv4',
  table: InterfaceTable = networkInterfaces(),
): ResolvedInterface {
  const names = Object.keys(table)
  const fail = (what: string): never => {
    throw new BeaconError(
      BeaconErrorCode.NO_INTERFACE,
      `${what} (interfaces here: ${names.join(', ') || 'none'})`,
    )
  }
  if (spec === undefined || spec === '' || spec === '*') {
    for (const name of names) {
      for (const info of table[name] ?? []) {
        if (info.internal || info.family !== family) continue
        if (family === 'IPv4' && ipv4Broadcast(info.address, info.netmask) === undefined) continue
        return toResolved(name, info)
      }
    }
    return fail(`no up, non-internal ${family} interface${family === 'IPv4' ? ' with a broadcast address' : ''} found`)
  }
  if (isAddress(spec)) {
    const wanted = spec.toLowerCase()
    for (const name of names) {
      for (const info of table[name] ?? []) {
        if (info.address.toLowerCase() === wanted) return toResolved(name, info)
      }
    }
    return fail(`no interface has the address ${spec}`)
  }
  let infos = table[spec]
  let name = spec
  if (infos === undefined && LOOPBACK_ALIASES.has(spec)) {
    name = names.find((n) => (table[n] ?? []).some((i) => i.internal && i.family === family)) ?? spec
    infos = table[name]
  }
  if (infos === undefined) return fail(`no interface named '${spec}'`)
  const info = pickAddress(infos, family)
  if (info === undefined) return fail(`interface '${name}' has no ${family} address`)
  return toResolved(name, info)
}

/** True when both describe the same addresses (used to notice DHCP/WiFi address changes). */
export function sameInterface(a: ResolvedInterface, b: ResolvedInterface): boolean {
  return a.name === b.name && a.address === b.address && a.broadcast === b.broadcast && a.scopeid === b.scopeid
}

const IFF_MULTICAST = 0x1000

/**
 * Linux: whether the interface has the MULTICAST flag. IPv6 multicast fails on an interface
 * without it (lo has none by default) with ENETUNREACH at every send; IPv4 multicast on lo
 * works regardless. undefined where unknown (not Linux).
 */
export function hasMulticastFlag(name: string): boolean | undefined {
  if (!/^[\w.:@-]+$/.test(name) || name.startsWith('.')) return undefined
  try {
    return (Number.parseInt(readFileSync(`/sys/class/net/${name}/flags`, 'utf8'), 16) & IFF_MULTICAST) !== 0
  } catch {
    return undefined
  }
}

/**
 * Whether an interface spec is an address rather than a name. Node's IPv6 check compiles a large
 * regular expression on first use (3 ms or more at start-up): only strings with a colon need it.
 */
function isAddress(spec: string): boolean {
  return isIPv4(spec) || (spec.includes(':') && isIPv6(spec))
}
