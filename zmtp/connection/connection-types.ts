// What a Connection takes and gives: its options, what it learns of the peer in the handshake,
// and its events.
import type { ZmtpError } from '../errors.ts'
import type { SocketTypeName } from '../socket-type.ts'

export interface PeerInfo {
  /** The peer's Socket-Type; 'STREAM' for a raw TCP peer of a Stream socket (no ZMTP at all). */
  socketType: SocketTypeName | 'STREAM'
  /** The peer's Identity property, if non-empty. */
  routingId?: Buffer
  /** 3.0 or 3.1 (a newer peer is spoken to as 3.1). */
  version: { readonly major: number; readonly minor: number }
  /** All READY/INITIATE properties, names lower-cased. */
  metadata: Map<string, Buffer>
  address: string
  /** PLAIN username when we are the PLAIN server; the client's public key (Z85) when we are the CURVE server. */
  userId?: string
}

/** What a CURVE server's check is told of a client that completed the handshake. */
export interface CurveAuthRequest {
  /** The client's long-term public key, 40 characters of Z85. */
  publicKey: string
  address: string
}

export interface ConnectionOptions {
  socketType: SocketTypeName
  routingId?: Buffer
  mechanism: 'NULL' | 'PLAIN' | 'CURVE'
  plainServer?: boolean
  plainUsername?: string
  plainPassword?: string
  /** PLAIN server only; without it every client is accepted (as libzmq without a ZAP handler). */
  authenticate?: (req: { username: string; password: string; address: string; routingId?: Buffer }) => boolean | Promise<boolean>
  /** CURVE: we are the server (else the client). */
  curveServer?: boolean
  /** CURVE: our long-term key pair, raw 32-byte keys. */
  curvePublicKey?: Buffer
  curveSecretKey?: Buffer
  /** CURVE client: the server's long-term public key. */
  curveServerKey?: Buffer
  /** CURVE server only; without it every client that completes the handshake is accepted. */
  curveAuthenticate?: (req: CurveAuthRequest) => boolean | Promise<boolean>
  /** Bytes per whole message, -1 = unlimited. */
  maxMessageSize: number
  /** ms, 0 = none. */
  handshakeTimeout: number
  /** ms, 0 = off. */
  heartbeatInterval: number
  /** ms, 0 = use heartbeatInterval. */
  heartbeatTimeout: number
  /** ms, 0 = none: the TTL we advertise in our PINGs. */
  heartbeatTimeToLive: number
  address: string
  /** Bytes buffered (ours + the stream's) above which send() returns false. Default 1 MiB. */
  writeHighWaterMark?: number
  /** Extra READY/INITIATE properties (names per RFC 23). */
  metadata?: Map<string, Buffer>
  /**
   * An accepted stream: our greeting waits for the peer's first bytes (a loop turn at most), so
   * that it leaves in one write with our first handshake command when the peer's whole greeting
   * is already there. A peer that waits for ours first still gets it a loop turn later.
   */
  greetingAfterPeer?: boolean
}

/**
 * Told of a Connection's events directly, before any listener: the socket layer's line to each of
 * its connections, cheaper than a listener per event per connection. `close` carries the error
 * that ended the connection, if any ('error' has no call of its own).
 */
export interface ConnectionHandler {
  ready(peer: PeerInfo): void
  message(frames: Buffer[]): void
  subscribe(topic: Buffer, on: boolean): void
  drain(): void
  close(err: ZmtpError | undefined): void
}

export interface ConnectionEvents {
  ready: [peer: PeerInfo]
  message: [frames: Buffer[]]
  subscribe: [topic: Buffer, on: boolean]
  drain: []
  error: [err: ZmtpError]
  close: [err?: ZmtpError]
}

/**
 * A connection as the socket layer drives it: a ZMTP Connection, or a RawConnection (the raw TCP
 * of a Stream socket). Events reach the socket layer through its ConnectionHandler.
 */
export interface PeerLink {
  /** Past the handshake (a raw connection has none) and not closing. */
  readonly isReady: boolean
  /** The stream closed without our asking. */
  readonly closedByPeer: boolean
  readonly peer: PeerInfo | undefined
  readonly address: string
  /** Queues one whole message. Returns false when over the write mark: wait for drain. */
  send(frames: Buffer[]): boolean
  /** SUBSCRIBE/CANCEL towards a publisher (XSUB/SUB only). */
  sendSubscribe(topic: Buffer, on: boolean): void
  pauseInput(): void
  resumeInput(): void
  /** Flushes what is queued, then ends the stream. */
  close(): void
  /** Closes at once; unsent data is dropped. */
  destroy(err?: ZmtpError): void
  once(event: 'close', listener: (err?: ZmtpError) => void): this
}
