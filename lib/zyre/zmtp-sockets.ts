// The node's sockets on our own ZMTP stack: DEALERs with send timeout 0 so a full queue fails
// at once (flow control), and a bounded linger so a node that stops still flushes briefly. The
// ROUTER hands an identity over to the newest connection, as the C reference's inbox does: a
// peer that reconnects (new DEALER, same UUID) is heard at once, its stale connection dropped.
import { Dealer, Router, type Socket } from '../../zmtp/index.ts'
import type { SocketFactory } from './sockets.ts'

export const zmtpSockets: SocketFactory = {
  dealer: ({ routingId, sendHighWaterMark, curve, log }) => {
    const dealer = new Dealer({
      routingId,
      sendHighWaterMark,
      sendTimeout: 0,
      linger: 500,
      reconnectInterval: 100,
      ...(curve && { curvePublicKey: curve.publicKey, curveSecretKey: curve.secretKey, curveServerKey: curve.serverKey }),
    })
    if (curve && log) logHandshakeErrors(dealer, log)
    return dealer
  },
  router: ({ maxMessageSize, curve, log }) => {
    const router = new Router({
      linger: 0,
      handover: true,
      maxMessageSize,
      ...(curve && { curveServer: true, curvePublicKey: curve.publicKey, curveSecretKey: curve.secretKey }),
      ...(curve?.authenticate && { curveAuthenticate: curve.authenticate }),
    })
    if (curve && log) logHandshakeErrors(router, log)
    return router
  },
}

/**
 * Traces a CURVE socket's failed handshakes (a peer with another key, a refused client). libzmq
 * closes a connection whose HELLO does not open without a word: a dialled connection that ends
 * before its handshake is traced too. A dealer retries every reconnect interval: a failure like
 * the one before is not traced again until a handshake succeeds.
 */
function logHandshakeErrors(socket: Socket, log: (line: string) => void): void {
  let last = ''
  let handshaking = false
  const trace = (address: string, why: string): void => {
    const line = `CURVE handshake with ${address} failed: ${why}`
    if (line !== last) log(line)
    last = line
  }
  const failed = (e: { address: string; error: Error }): void => {
    handshaking = false
    trace(e.address, e.error.message)
  }
  socket.events.on('handshake:error:protocol', failed)
  socket.events.on('handshake:error:auth', failed)
  socket.events.on('handshake:error:other', failed)
  socket.events.on('connect', () => (handshaking = true))
  socket.events.on('connect:retry', (e) => {
    if (handshaking) trace(e.address, 'the peer closed the connection (it has another key than the one we dialled with?)')
    handshaking = false
  })
  socket.events.on('handshake', () => {
    handshaking = false
    last = ''
  })
}
