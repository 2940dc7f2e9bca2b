// zyre-ts: the Zyre API (main export).
export { Zyre, type Frame } from './zyre/zyre.ts'
export type { RequiredPeer, ZyreOptions, ZyreGossipOptions } from './zyre/options.ts'
export type { ZyreCurveOptions, CurveAuthRequest } from './zyre/curve.ts'
export { curveKeyPair } from '../zmtp/curve/index.ts'
export type * from './zyre/events.ts'
export { ZyreError, ZyreErrorCode } from './zyre/errors.ts'
export { Beacon, encodeBeacon, decodeBeacon, BeaconError, type BeaconOptions, type BeaconPayload } from './beacon/index.ts'
export { Gossip, GossipError, GossipErrorCode, type GossipOptions, type GossipEvents } from './gossip/index.ts'
