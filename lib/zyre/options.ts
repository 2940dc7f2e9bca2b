// Zyre node options and their defaults (RFC 36 and the C reference's timers).
import type { BeaconMode } from '../beacon/destinations.ts'
import { ZyreError, ZyreErrorCode } from './errors.ts'
import { isEndpoint } from './gossip-tuples.ts'
import { PUBLIC_KEY_HEADER, resolveCurve, type NodeCurve, type ZyreCurveOptions } from './curve.ts'

export interface ZyreOptions {
  /** Public name; defaults to the first 6 hex characters of the UUID. */
  name?: string
  /** Headers sent in HELLO (always sent, even when empty). */
  headers?: Record<string, string> | Map<string, string>
  /** Interface for beacons and the ROUTER: name ('eth0', 'lo') or IP address. Default: first LAN IPv4 interface. */
  interface?: string
  /** Beacon UDP port, default 5670. */
  port?: number
  /** Beacon interval in ms, default 1000. */
  interval?: number
  /** Silence after which we PING a peer and report EVASIVE, default 5000 ms. */
  evasiveTimeout?: number
  /** Further silence after EVASIVE before SILENT is reported, default 1000 ms (kept below expiry). */
  silentTimeout?: number
  /** Silence after which a peer is removed (EXIT), default 30000 ms. */
  expiredTimeout?: number
  /** Endpoint advertised in HELLO instead of tcp://<interface address>:<router port>. */
  endpoint?: string
  /** Beacon mode: 'broadcast' (default), 'multicast', 'ipv6' or 'unicast'. */
  beaconMode?: BeaconMode
  /** Unicast beacon targets host[:port], combinable with the mode. */
  beaconTargets?: string[]
  /** Override the broadcast address, e.g. '255.255.255.255'. */
  broadcastAddress?: string
  /** Multicast group for 'multicast'/'ipv6' modes. */
  multicastGroup?: string
  /** Per-peer send queue bound in messages; default 100 × expiredTimeout in seconds. */
  peerQueueSize?: number
  /** Largest message in bytes a peer may send us (all frames); a peer sending more is disconnected
   *  and reported. Default -1: no limit, as the C reference (libzmq's default). */
  maxMessageSize?: number
  /**
   * Encrypt and authenticate every peer connection with CURVE, as the C node does after
   * zyre_set_zcert: version 3 beacons carry our public key, HELLO carries it as the X-PUBLICKEY
   * header, and only peers with keys are talked to (nodes without keys are ignored, and ignore us).
   */
  curve?: ZyreCurveOptions
  /**
   * Discover peers through a gossip network instead of UDP beacons, as the C node does after
   * zyre_gossip_bind / zyre_gossip_connect: no beacons are sent or heard.
   */
  gossip?: ZyreGossipOptions
  /** Groups in which this node stands for leader (see Zyre.setContestInGroup). */
  contest?: string[]
  /** Nodes to meet without discovery once started (see Zyre.requirePeer). */
  require?: RequiredPeer[]
  /** Trace lines; default util.debuglog('zyre') (NODE_DEBUG=zyre). */
  logger?: (line: string) => void
}

export interface RequiredPeer {
  /** The node's id: 32 hex digits. */
  peer: string
  /** Its ROUTER: tcp://host:port. */
  endpoint: string
  /** Its CURVE public key (Z85), when we have keys. */
  publicKey?: string
}

export interface ZyreGossipOptions {
  /** Serve the gossip network here, e.g. 'tcp://*:5671' or 'tcp://10.0.0.1:5671'. */
  bind?: string
  /** Gossip servers to join, e.g. 'tcp://10.0.0.1:5671'. */
  connect?: string | string[]
}

export interface ResolvedZyreOptions {
  name: string | undefined
  headers: Map<string, string>
  interface: string | undefined
  port: number
  interval: number
  evasiveTimeout: number
  silentTimeout: number
  expiredTimeout: number
  endpoint: string | undefined
  beaconMode: BeaconMode
  beaconTargets: string[]
  broadcastAddress: string | undefined
  multicastGroup: string | undefined
  peerQueueSize: number
  maxMessageSize: number
  curve: NodeCurve | undefined
  gossip: { bind: string | undefined; connect: string[] } | undefined
  contest: string[]
  require: RequiredPeer[]
  logger: ((line: string) => void) | undefined
}

function positive(name: string, v: number): number {
  if (!Number.isFinite(v) || v <= 0) throw new ZyreError(ZyreErrorCode.BAD_ARGUMENT, `${name} must be a positive number, got ${v}`)
  return v
}

export function resolveOptions(o: ZyreOptions = {}): ResolvedZyreOptions {
  const evasiveTimeout = positive('evasiveTimeout', o.evasiveTimeout ?? 5000)
  const expiredTimeout = positive('expiredTimeout', o.expiredTimeout ?? 30000)
  if (expiredTimeout <= evasiveTimeout) {
    throw new ZyreError(ZyreErrorCode.BAD_ARGUMENT, `expiredTimeout (${expiredTimeout}) must be longer than evasiveTimeout (${evasiveTimeout})`)
  }
  // "About a second" after EVASIVE, but always before the peer expires.
  const silentTimeout = positive('silentTimeout', o.silentTimeout ?? Math.min(1000, (expiredTimeout - evasiveTimeout) / 2))
  const headers = o.headers instanceof Map ? new Map(o.headers) : new Map(Object.entries(o.headers ?? {}))
  for (const key of headers.keys()) {
    // HELLO carries header names as short strings.
    if (Buffer.byteLength(key) > 255) throw new ZyreError(ZyreErrorCode.BAD_ARGUMENT, `header name '${key.slice(0, 20)}...' is longer than 255 bytes`)
  }
  const curve = o.curve === undefined ? undefined : resolveCurve(o.curve)
  // Our public key travels in HELLO, under the header name the C node reads.
  if (curve) headers.set(PUBLIC_KEY_HEADER, curve.publicText)
  if (o.name !== undefined && Buffer.byteLength(o.name) > 255) {
    throw new ZyreError(ZyreErrorCode.BAD_ARGUMENT, 'name is longer than 255 bytes')
  }
  return {
    name: o.name,
    headers,
    interface: o.interface,
    port: o.port ?? 5670,
    interval: positive('interval', o.interval ?? 1000),
    evasiveTimeout,
    silentTimeout,
    expiredTimeout,
    endpoint: o.endpoint,
    beaconMode: o.beaconMode ?? 'broadcast',
    beaconTargets: o.beaconTargets ?? [],
    broadcastAddress: o.broadcastAddress,
    multicastGroup: o.multicastGroup,
    peerQueueSize: Math.max(1, Math.round(o.peerQueueSize ?? (100 * expiredTimeout) / 1000)),
    maxMessageSize: checkedMaxMessageSize(o.maxMessageSize ?? -1),
    curve,
    gossip: o.gossip === undefined ? undefined : resolveGossip(o.gossip),
    contest: o.contest === undefined ? [] : [...o.contest],
    require: o.require === undefined ? [] : o.require.map((r) => ({ ...r })),
    logger: o.logger,
  }
}

function resolveGossip(g: ZyreGossipOptions): { bind: string | undefined; connect: string[] } {
  const connect = g.connect === undefined ? [] : typeof g.connect === 'string' ? [g.connect] : [...g.connect]
  const endpoints = [...(g.bind === undefined ? [] : [g.bind]), ...connect]
  if (endpoints.length === 0) throw new ZyreError(ZyreErrorCode.BAD_ARGUMENT, 'gossip needs an endpoint to bind or to connect to')
  for (const ep of endpoints) {
    if (typeof ep !== 'string' || !isEndpoint(ep)) throw new ZyreError(ZyreErrorCode.BAD_ARGUMENT, `'${ep}' is not a gossip endpoint (tcp://host:port or ipc://path)`)
  }
  return { bind: g.bind, connect }
}

function checkedMaxMessageSize(v: number): number {
  if (v === -1 || (Number.isInteger(v) && v > 0)) return v
  throw new ZyreError(ZyreErrorCode.BAD_ARGUMENT, `maxMessageSize must be a positive whole number of bytes or -1, got ${v}`)
}
