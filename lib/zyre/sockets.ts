// The two socket roles of the Harmony pattern, as the Zyre node needs them. Our ZMTP sockets
// provide them; the narrow interface also lets the node run over zeromq.js for comparisons.
import type { CurveAuthRequest } from '../../zmtp/connection/index.ts'

export interface DealerLike {
  connect(endpoint: string): void
  send(frames: Buffer[]): Promise<void>
  close(): void
  /** Messages that wait for the connection to take them. Optional, as the next one. */
  readonly queuedSends?: number
  /** Resolves once fewer than `below` messages wait for the connection (or the socket closed).
   *  Optional: without it, whisper() and shout() do not wait (zeromq.js has no such call). */
  sendQueueBelow?(below: number): Promise<void>
}

export interface RouterLike {
  bind(endpoint: string): Promise<void>
  readonly lastEndpoint: string | null
  receive(): Promise<Buffer[]>
  close(): void
}

/** A DEALER's CURVE client keys: our key pair and the public key of the peer's ROUTER. */
export interface CurveClientKeys {
  publicKey: Buffer
  secretKey: Buffer
  serverKey: Buffer
}

/** A ROUTER's CURVE server keys and its check of each client's public key. */
export interface CurveServerKeys {
  publicKey: Buffer
  secretKey: Buffer
  authenticate?: ((req: CurveAuthRequest) => boolean | Promise<boolean>) | undefined
}

export interface SocketFactory {
  /**
   * `curve`: connect as a CURVE client (a node with keys); plain NULL security without it. `log`:
   * where a CURVE socket reports failed handshakes (a wrong key), when the factory can tell.
   */
  dealer(options: { routingId: Buffer; sendHighWaterMark: number; curve?: CurveClientKeys; log?: (line: string) => void }): DealerLike
  /** `curve`: a CURVE server (a node with keys); plain NULL security without it. `log`: as for dealer. */
  router(options: { maxMessageSize: number; curve?: CurveServerKeys; log?: (line: string) => void }): RouterLike
}
