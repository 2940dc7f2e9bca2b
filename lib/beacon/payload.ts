// The ZRE discovery beacon payload (RFC 36): 'Z' 'R' 'E' version, a 16-byte UUID and the
// node's ROUTER port in network order. Version 0x03 appends the node's 32-byte CURVE public key.
// Port 0 announces that the node is leaving.

export const BEACON_PREFIX = Buffer.from('ZRE')
export const BEACON_V1_SIZE = 22
export const BEACON_V3_SIZE = 54

export interface BeaconPayload {
  version: 1 | 3
  uuid: Buffer
  port: number
  publicKey?: Buffer
}

export class BeaconPayloadError extends Error {
  readonly code = 'BEACON_BAD_PAYLOAD'
  constructor(message: string) {
    super(message)
    this.name = 'BeaconPayloadError'
  }
}

/** Builds the 22-byte beacon, or the 54-byte version 3 beacon when a public key is given. */
export function encodeBeacon(p: { uuid: Buffer; port: number; publicKey?: Buffer }): Buffer {
  if (p.uuid.length !== 16) throw new BeaconPayloadError(`uuid must be 16 bytes, got ${p.uuid.length}`)
  if (!Number.isInteger(p.port) || p.port < 0 || p.port > 0xffff) {
    throw new BeaconPayloadError(`port must be 0..65535, got ${p.port}`)
  }
  if (p.publicKey !== undefined && p.publicKey.length !== 32) {
    throw new BeaconPayloadError(`public key must be 32 bytes, got ${p.publicKey.length}`)
  }
  const out = Buffer.allocUnsafe(p.publicKey ? BEACON_V3_SIZE : BEACON_V1_SIZE)
  out[0] = 0x5a
  out[1] = 0x52
  out[2] = 0x45
  out[3] = p.publicKey ? 0x03 : 0x01
  p.uuid.copy(out, 4)
  out.writeUInt16BE(p.port, 20)
  if (p.publicKey) p.publicKey.copy(out, 22)
  return out
}

/** True for exactly a version 1 or version 3 beacon; allocates nothing (the flood path). */
export function isBeacon(buf: Uint8Array): boolean {
  const size = buf.length
  if (buf[0] !== 0x5a || buf[1] !== 0x52 || buf[2] !== 0x45) return false
  return (size === BEACON_V1_SIZE && buf[3] === 0x01) || (size === BEACON_V3_SIZE && buf[3] === 0x03)
}

/**
 * Parses a datagram. Anything that is not exactly a version 1 or version 3 beacon gives
 * `undefined`: discovery traffic is untrusted and is never allowed to throw.
 */
export function decodeBeacon(buf: Uint8Array): BeaconPayload | undefined {
  if (!isBeacon(buf)) return undefined
  const size = buf.length
  const version = buf[3] === 0x03 ? 0x03 : 0x01
  const bytes = Buffer.from(buf.buffer, buf.byteOffset, size)
  const payload: BeaconPayload = {
    version,
    uuid: Buffer.from(bytes.subarray(4, 20)),
    port: bytes.readUInt16BE(20),
  }
  if (version === 0x03) payload.publicKey = Buffer.from(bytes.subarray(22, 54))
  return payload
}

/** True when the payload is a well-formed beacon whose UUID equals `uuid` (cheap, no allocation). */
export function beaconHasUuid(buf: Uint8Array, uuid: Uint8Array): boolean {
  if (uuid.length !== 16 || !isBeacon(buf)) return false
  for (let i = 0; i < 16; i++) if (buf[4 + i] !== uuid[i]) return false
  return true
}
