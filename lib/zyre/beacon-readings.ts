// What a Zyre beacon datagram says, read once per distinct datagram for the whole process: a node
// hears every peer's beacon again each interval, and the nodes of one process (tests, demos, a
// simulation) all hear the same datagrams, so decoding, the peer id's hex string and the endpoint
// string are made once and shared instead of once per node per beacon.
import { decodeBeacon } from '../beacon/payload.ts'

/** A beacon, read. Shared: never modified. */
export interface BeaconReading {
  readonly uuid: Buffer
  /** 32 uppercase hex characters. */
  readonly id: string
  /** 0: the node is leaving. */
  readonly port: number
  /** tcp://address:port, the sender's address with the advertised port. */
  readonly endpoint: string
  /** A version 3 beacon's CURVE public key (a node with keys); undefined in a version 1 beacon. */
  readonly publicKey: Buffer | undefined
}

/** Per sender address, per datagram content (as latin1): what it says. Null: not one to act on. */
const readings = new Map<string, Map<string, BeaconReading | null>>()
/** Bounds on both levels; past them the cache starts over (it only saves work). */
const MAX_ADDRESSES = 256
const MAX_PER_ADDRESS = 1024

/** The version 1 or 3 beacon `payload` from `address`, or undefined for anything else. */
export function readBeacon(address: string, payload: Buffer): BeaconReading | undefined {
  let byContent = readings.get(address)
  if (byContent === undefined) {
    if (readings.size >= MAX_ADDRESSES) readings.clear()
    byContent = new Map()
    readings.set(address, byContent)
  }
  const key = payload.toString('latin1')
  const known = byContent.get(key)
  if (known !== undefined) return known ?? undefined
  if (byContent.size >= MAX_PER_ADDRESS) byContent.clear()
  const reading = read(address, payload)
  byContent.set(key, reading ?? null)
  return reading
}

function read(address: string, payload: Buffer): BeaconReading | undefined {
  const beacon = decodeBeacon(payload)
  if (!beacon) return undefined
  const host = address.includes(':') ? `[${address}]` : address
  const { uuid, port, publicKey } = beacon
  return { uuid, id: uuid.toString('hex').toUpperCase(), port, endpoint: `tcp://${host}:${port}`, publicKey }
}
