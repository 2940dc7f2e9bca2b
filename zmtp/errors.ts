// The one error class of the ZMTP layer. Every failure carries a stable `code` string;
// errno-style codes (EAGAIN, EHOSTUNREACH, ...) match what zeromq.js users already test for.

export const ZmtpErrorCode = {
  // bad input from the network (connection closed)
  BAD_GREETING: 'ZMTP_BAD_GREETING',
  UNSUPPORTED_VERSION: 'ZMTP_UNSUPPORTED_VERSION',
  MECHANISM_MISMATCH: 'ZMTP_MECHANISM_MISMATCH',
  UNKNOWN_MECHANISM: 'ZMTP_UNKNOWN_MECHANISM',
  BAD_FLAGS: 'ZMTP_BAD_FLAGS',
  FRAME_TOO_LARGE: 'ZMTP_FRAME_TOO_LARGE',
  MESSAGE_TOO_LARGE: 'ZMTP_MESSAGE_TOO_LARGE',
  BAD_COMMAND: 'ZMTP_BAD_COMMAND',
  BAD_METADATA: 'ZMTP_BAD_METADATA',
  UNEXPECTED_COMMAND: 'ZMTP_UNEXPECTED_COMMAND',
  INCOMPATIBLE_SOCKET: 'ZMTP_INCOMPATIBLE_SOCKET',
  HANDSHAKE_TIMEOUT: 'ZMTP_HANDSHAKE_TIMEOUT',
  HEARTBEAT_TIMEOUT: 'ZMTP_HEARTBEAT_TIMEOUT',
  AUTH_FAILED: 'ZMTP_AUTH_FAILED',
  /** CURVE: a box that does not open with the keys it should. */
  CRYPTOGRAPHIC: 'ZMTP_CRYPTOGRAPHIC',
  /** CURVE: a nonce counter that did not increase. */
  INVALID_SEQUENCE: 'ZMTP_INVALID_SEQUENCE',
  PEER_ERROR: 'ZMTP_PEER_ERROR',
  /** The peer closed the connection (or it broke) before the handshake was done. */
  PEER_CLOSED: 'ZMTP_PEER_CLOSED',
  // socket API (errno-style, as zeromq.js)
  EAGAIN: 'EAGAIN',
  EHOSTUNREACH: 'EHOSTUNREACH',
  EFSM: 'EFSM',
  ENOTSUP: 'ENOTSUP',
  EINVAL: 'EINVAL',
  ETERM: 'ETERM',
  EBUSY: 'EBUSY',
  EBADF: 'EBADF',
  ENOENT: 'ENOENT',
  /** Too many sockets open in one context (its maxSockets). */
  EMFILE: 'EMFILE',
  EADDRINUSE: 'EADDRINUSE',
  EPROTONOSUPPORT: 'EPROTONOSUPPORT',
  /** The transport is not one this socket type can use (libzmq's ENOCOMPATPROTO). */
  ENOCOMPATPROTO: 'ENOCOMPATPROTO',
} as const

export type ZmtpErrorCode = (typeof ZmtpErrorCode)[keyof typeof ZmtpErrorCode]

export class ZmtpError extends Error {
  readonly code: ZmtpErrorCode
  /** The address of the peer the error concerns, when there is one. */
  readonly address?: string

  constructor(code: ZmtpErrorCode, message: string, options?: { address?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'ZmtpError'
    this.code = code
    if (options?.address !== undefined) this.address = options.address
  }
}
