// The node's sockets on our own ZMTP stack: DEALERs with send timeout 0 so a full queue fails
// at once (flow control), and a bounded linger so a node that stops still flushes briefly. The
// ROUTER hands an identity over to the newest connection, as the C reference's inbox does: a
// peer that reconnects (new DEALER, same UUID) is heard at once, its stale connection dropped.
import { Dealer, Router, type Socket } from '../../zmtp/index.ts'
import { librarySockets } from '../socket-context.ts'
import type { SocketFactory } from './sockets.ts'

export const zmtpSockets: SocketFactory = {
  dealer: ({ routingId, sendHighWaterMark, curve, log }) => {
    const dealer = new Dealer({
      context: librarySockets,
      routingId,
      sendHighWaterMark,
      sendTimeout: 0,
      linger: 500,
      reconnectInterval: 100,
      ...(curve && { curvePublicKey: curve.publicKey, curveSecretKey: curve.secretKey, curveServerKey: curve.serverKey }),
    })
    if (curve && log) logHandshakeErrors(dealer, log, true)
    return dealer
  },
  router: ({ maxMessageSize, curve, log }) => {
    const router = new Router({
      context: librarySockets,
      linger: 0,
      handover: true,
      maxMessageSize,
      ...(curve && { curveServer: true, curvePublicKey: curve.publicKey, curveSecretKey: curve.secretKey }),
      ...(curve?.authenticate && { curveAuthenticate: curve.authenticate }),
    })
    if (curve && log) logHandshakeErrors(router, log, false)
    return router
  },
}

/**
 * Traces a CURVE socket's failed handshakes (a peer with another key, a refused client; libzmq
 * hangs up on a HELLO it cannot open). Peers retry every reconnect interval, each time from a new
 * port: a failure already traced for that host is not traced again; on a dealer (one peer), not
 * until a handshake has succeeded in between.
 */
function logHandshakeErrors(socket: Socket, log: (line: string) => void, onePeer: boolean): void {
  /** Per host, the failure last traced. */
  const traced = new Map<string, string>()
  const host = (address: string): string => address.replace(/:\d+$/, '')
  const trace = (e: { address: string; error: Error }): void => {
    const key = host(e.address)
    if (traced.get(key) === e.error.message) return
    if (traced.size >= 100) traced.clear()
    traced.set(key, e.error.message)
    log(`CURVE handshake with ${e.address} failed: ${e.error.message}`)
  }
  socket.events.on('handshake:error:protocol', trace)
  socket.events.on('handshake:error:auth', trace)
  socket.events.on('handshake:error:other', trace)
  if (onePeer) socket.events.on('handshake', () => traced.clear())
}
