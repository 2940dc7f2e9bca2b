// The two socket roles of the Harmony pattern, as the Zyre node needs them. Our ZMTP sockets
// provide them; the narrow interface also lets the node run over zeromq.js for comparisons.
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

export interface SocketFactory {
  dealer(options: { routingId: Buffer; sendHighWaterMark: number }): DealerLike
  router(options: { maxMessageSize: number }): RouterLike
}
