// The node's sockets on our own ZMTP stack: DEALERs with send timeout 0 so a full queue fails
// at once (flow control), and a bounded linger so a node that stops still flushes briefly. The
// ROUTER hands an identity over to the newest connection, as the C reference's inbox does: a
// peer that reconnects (new DEALER, same UUID) is heard at once, its stale connection dropped.
import { Dealer, Router } from '../../zmtp/index.ts'
import type { SocketFactory } from './sockets.ts'

export const zmtpSockets: SocketFactory = {
  dealer: ({ routingId, sendHighWaterMark, curve }) =>
    new Dealer({
      routingId,
      sendHighWaterMark,
      sendTimeout: 0,
      linger: 500,
      reconnectInterval: 100,
      ...(curve && { curvePublicKey: curve.publicKey, curveSecretKey: curve.secretKey, curveServerKey: curve.serverKey }),
    }),
  router: ({ maxMessageSize, curve }) =>
    new Router({
      linger: 0,
      handover: true,
      maxMessageSize,
      ...(curve && { curveServer: true, curvePublicKey: curve.publicKey, curveSecretKey: curve.secretKey }),
      ...(curve?.authenticate && { curveAuthenticate: curve.authenticate }),
    }),
}
