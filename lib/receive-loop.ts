// The loop behind every socket the node layers read from (the Zyre inbox, gossip servers and
// clients): receive until the socket closes, hand each message on, and keep going when handling
// one throws (our own bug must not stop the loop for every other peer).

export interface Receiver {
  receive(): Promise<Buffer[]>
}

export interface ReceiveLoopHandlers {
  /** Each message received. */
  message(frames: Buffer[]): void
  /** The socket failed while still open: the loop has ended. */
  stopped(err: Error): void
  /** `message` threw on this message: the loop goes on. */
  failed(err: Error): void
}

/** Runs until `closed()` holds or the socket fails; resolves then, never rejects. */
export async function receiveEach(socket: Receiver, closed: () => boolean, handlers: ReceiveLoopHandlers): Promise<void> {
  while (!closed()) {
    let frames: Buffer[]
    try {
      frames = await socket.receive()
    } catch (err) {
      if (!closed()) handlers.stopped(err as Error)
      return
    }
    try {
      handlers.message(frames)
    } catch (err) {
      handlers.failed(err as Error)
    }
  }
}
