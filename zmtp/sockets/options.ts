// Socket options: zeromq.js names and libzmq defaults. Every option is both a constructor field
// and a property; changes apply to connections made afterwards (as in libzmq).

import type { CurveAuthRequest } from './wire.ts'
import type { Context } from './context.ts'

export interface SocketOptions {
  /** ZMQ_ROUTING_ID: sent to peers as our Identity (DEALER, REQ, ROUTER, REP...). */
  routingId?: Buffer | string | null
  /** Per-peer outgoing queue limit in messages; 0 = no limit (not advised). Default 1000. */
  sendHighWaterMark?: number
  /** Per-peer incoming queue limit in messages; past it we stop reading that peer. Default 1000. */
  receiveHighWaterMark?: number
  /** ms to keep flushing on close(): -1 until flushed, 0 drop at once, n ms at most. Default -1. */
  linger?: number
  /** send(): -1 wait until queued, 0 reject with EAGAIN at once, n ms then EAGAIN. Default -1. */
  sendTimeout?: number
  /** receive(): -1 wait, 0 reject with EAGAIN at once, n ms then EAGAIN. Default -1. */
  receiveTimeout?: number
  /** Queue only to peers whose handshake completed (no queueing to a connecting peer). */
  immediate?: boolean
  /** Largest inbound message in bytes; a peer exceeding it is disconnected. -1 = no limit. */
  maxMessageSize?: number
  /** ms between our PINGs; 0 = heartbeats off (we still answer PINGs). */
  heartbeatInterval?: number
  /** ms without traffic after a PING before the connection is dropped; 0 = heartbeatInterval. */
  heartbeatTimeout?: number
  /** TTL in ms advertised in our PINGs (the peer drops us after it); 0 = none. */
  heartbeatTimeToLive?: number
  /** ms before reconnecting a dropped/refused outgoing connection; -1 = never. Default 100. */
  reconnectInterval?: number
  /** Upper bound for exponential reconnect backoff; 0 = no backoff. */
  reconnectMaxInterval?: number
  /** ms allowed for the ZMTP handshake; 0 = no limit. Default 30000. (zeromq.js: handshakeInterval) */
  handshakeTimeout?: number
  /** zeromq.js spelling of handshakeTimeout. */
  handshakeInterval?: number
  /** We are the PLAIN server (check credentials of connecting clients). */
  plainServer?: boolean
  /** PLAIN client credentials; setting a username selects the PLAIN mechanism. */
  plainUsername?: string | null
  plainPassword?: string | null
  /** PLAIN server check; without it any username/password is accepted (as libzmq without ZAP). */
  authenticate?: (req: { username: string; password: string; address: string; routingId?: Buffer }) => boolean | Promise<boolean>
  /** We are the CURVE server (clients must know our public key). Needs curveSecretKey. */
  curveServer?: boolean
  /** Our long-term CURVE key pair: 40 characters of Z85 or 32 bytes; the public key is derived if not given. */
  curvePublicKey?: string | Uint8Array | null
  curveSecretKey?: string | Uint8Array | null
  /** The CURVE server's public key; setting it makes us a CURVE client. */
  curveServerKey?: string | Uint8Array | null
  /** CURVE server check of a client's public key (Z85); without it every client is accepted (as libzmq without ZAP). */
  curveAuthenticate?: (req: CurveAuthRequest) => boolean | Promise<boolean>
  /** `tcp://*` binds IPv6 `::` (dual stack) instead of IPv4 `0.0.0.0`. */
  ipv6?: boolean
  /** listen() backlog. Default 100. */
  backlog?: number
  /** The context the socket belongs to (default: the global `context`); it gives the linger and ipv6 defaults. */
  context?: Context
}

/** Every option name the base socket takes (socket types add theirs). */
export const socketOptionNames: ReadonlySet<string> = new Set([
  'routingId', 'sendHighWaterMark', 'receiveHighWaterMark', 'linger', 'sendTimeout', 'receiveTimeout',
  'immediate', 'maxMessageSize', 'heartbeatInterval', 'heartbeatTimeout', 'heartbeatTimeToLive',
  'reconnectInterval', 'reconnectMaxInterval', 'handshakeTimeout', 'handshakeInterval', 'plainServer',
  'plainUsername', 'plainPassword', 'authenticate', 'curveServer', 'curvePublicKey', 'curveSecretKey',
  'curveServerKey', 'curveAuthenticate', 'ipv6', 'backlog', 'context',
] satisfies (keyof SocketOptions)[])

export const defaultOptions = {
  sendHighWaterMark: 1000,
  receiveHighWaterMark: 1000,
  linger: -1,
  sendTimeout: -1,
  receiveTimeout: -1,
  immediate: false,
  maxMessageSize: -1,
  heartbeatInterval: 0,
  heartbeatTimeout: 0,
  heartbeatTimeToLive: 0,
  reconnectInterval: 100,
  reconnectMaxInterval: 0,
  handshakeTimeout: 30000,
  plainServer: false,
  curveServer: false,
  ipv6: false,
  backlog: 100,
}

export function toRoutingId(value: Buffer | string | null | undefined): Buffer | undefined {
  if (value === null || value === undefined) return undefined
  const id = typeof value === 'string' ? Buffer.from(value) : Buffer.from(value)
  return id.length === 0 ? undefined : id
}
