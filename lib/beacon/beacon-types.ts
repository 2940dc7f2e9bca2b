// What a Beacon delivers and counts: the received beacon, the statistics and the events.
// Kept apart from the class so that consumers can name them without the socket code.
import type { ResolvedInterface } from './interfaces.ts'

export interface BeaconReceived {
  address: string
  port: number
  payload: Buffer
}

export interface BeaconStats {
  sent: number
  sendErrors: number
  received: number
  delivered: number
  /** Own beacons and anything else matched by ignore(). */
  ignored: number
  /** Payloads not starting with the subscribed prefix. */
  filtered: number
  /** Oversized, empty or invalid payloads. */
  malformed: number
}

export interface BeaconEvents {
  beacon: [BeaconReceived]
  address: [ResolvedInterface]
  error: [Error]
}
