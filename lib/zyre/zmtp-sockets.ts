// The node's sockets on our own ZMTP stack: DEALERs with send timeout 0 so a full queue fails
// at once (flow control), and a bounded linger so a node that stops still flushes briefly.
import { Dealer, Router } from '../../zmtp/index.ts'
import type { SocketFactory } from './sockets.ts'

export const zmtpSockets: SocketFactory = {
  dealer: ({ routingId, sendHighWaterMark }) =>
    new Dealer({ routingId, sendHighWaterMark, sendTimeout: 0, linger: 500, reconnectInterval: 100 }),
  router: () => new Router({ linger: 0 }),
}
