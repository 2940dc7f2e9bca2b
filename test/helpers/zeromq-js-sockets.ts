// The Zyre node's SocketFactory over zeromq.js (libzmq): runs our node on the native stack, so
// tests and the benchmark can compare and cross-check the two ZMTP implementations.
import * as zmq from 'zeromq'
import type { SocketFactory } from '../../lib/zyre/sockets.ts'

export const zeromqJsSockets: SocketFactory = {
  dealer: ({ routingId, sendHighWaterMark }) =>
    new zmq.Dealer({ routingId: binaryId(routingId), sendHighWaterMark, sendTimeout: 0, linger: 500, reconnectInterval: 100 }),
  router: ({ maxMessageSize }) => new zmq.Router({ linger: 0, handover: true, maxMessageSize }),
}

/** zeromq.js types routingId as a string but passes a Buffer through to libzmq as raw bytes. */
export function binaryId(id: Buffer): string {
  return id as unknown as string
}
