// Discovery layer: the beacon payload codec and the UDP beacon service.
export * from './payload.ts'
export * from './errors.ts'
export * from './interfaces.ts'
export * from './destinations.ts'
export { Beacon, type BeaconOptions, type BeaconReceived, type BeaconStats, type BeaconEvents } from './beacon.ts'
