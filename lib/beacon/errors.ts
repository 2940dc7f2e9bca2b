// The error class of the discovery layer, with a stable `code`.

export const BeaconErrorCode = {
  NO_INTERFACE: 'BEACON_NO_INTERFACE',
  BAD_OPTION: 'BEACON_BAD_OPTION',
  NOT_STARTED: 'BEACON_NOT_STARTED',
  CLOSED: 'BEACON_CLOSED',
  SOCKET: 'BEACON_SOCKET',
} as const
export type BeaconErrorCode = (typeof BeaconErrorCode)[keyof typeof BeaconErrorCode]

export class BeaconError extends Error {
  readonly code: BeaconErrorCode
  constructor(code: BeaconErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'BeaconError'
    this.code = code
  }
}
