// The error class of the Zyre layer, with a stable `code`.

export const ZyreErrorCode = {
  UNKNOWN_PEER: 'ZYRE_UNKNOWN_PEER',
  PEER_UNREACHABLE: 'ZYRE_PEER_UNREACHABLE',
  QUEUE_FULL: 'ZYRE_QUEUE_FULL',
  NOT_STARTED: 'ZYRE_NOT_STARTED',
  STOPPED: 'ZYRE_STOPPED',
  BAD_ARGUMENT: 'ZYRE_BAD_ARGUMENT',
  // Reported through 'warning' events: a peer broke the protocol and was dealt with.
  BAD_MESSAGE: 'ZYRE_BAD_MESSAGE',
  BAD_IDENTITY: 'ZYRE_BAD_IDENTITY',
  SEQUENCE: 'ZYRE_SEQUENCE',
  STATUS_MISMATCH: 'ZYRE_STATUS_MISMATCH',
} as const
export type ZyreErrorCode = (typeof ZyreErrorCode)[keyof typeof ZyreErrorCode]

export class ZyreError extends Error {
  readonly code: ZyreErrorCode
  /** The peer the error concerns, when there is one. */
  readonly peer?: string
  constructor(code: ZyreErrorCode, message: string, options?: { peer?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'ZyreError'
    this.code = code
    if (options?.peer !== undefined) this.peer = options.peer
  }
}
