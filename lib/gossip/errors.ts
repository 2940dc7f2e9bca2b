// The error class of the gossip discovery layer, with a stable `code`.

export const GossipErrorCode = {
  BAD_ARGUMENT: 'GOSSIP_BAD_ARGUMENT',
  CLOSED: 'GOSSIP_CLOSED',
  // A connection we could not send on (gone, or its queue full): it is dropped or retried.
  UNREACHABLE: 'GOSSIP_UNREACHABLE',
  // Reported through 'warning' events: a peer broke the protocol and was dealt with.
  BAD_MESSAGE: 'GOSSIP_BAD_MESSAGE',
  BAD_TUPLE: 'GOSSIP_BAD_TUPLE',
  TOO_MANY_TUPLES: 'GOSSIP_TOO_MANY_TUPLES',
  REFUSED: 'GOSSIP_REFUSED',
} as const
export type GossipErrorCode = (typeof GossipErrorCode)[keyof typeof GossipErrorCode]

export class GossipError extends Error {
  readonly code: GossipErrorCode
  /** The connection the error concerns: a server's endpoint or a client's routing id in hex. */
  readonly origin?: string
  constructor(code: GossipErrorCode, message: string, options?: { origin?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'GossipError'
    this.code = code
    if (options?.origin !== undefined) this.origin = options.origin
  }
}
