// Promise-shaped helpers around node:dgram sockets: bind, close, send one datagram to several
// destinations, and the host name lookup of the dual-stack IPv6 socket.
import type dgram from 'node:dgram'
import { lookup as dnsLookup } from 'node:dns'
import type { Destination } from './destinations.ts'

export function bindSocket(socket: dgram.Socket, options: dgram.BindOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.bind(options, () => {
      socket.off('error', reject)
      resolve()
    })
  })
}

export function closeSocket(socket: dgram.Socket): Promise<void> {
  return new Promise<void>((resolve) => {
    try {
      socket.close(() => resolve())
    } catch {
      resolve() // already closed
    }
  })
}

/**
 * Sends `payload` to every destination. Resolves (never rejects) when all datagrams are handed
 * to the OS; each one that fails, at once or in its callback, is passed to `failed`.
 */
export function sendToAll(
  socket: dgram.Socket,
  payload: Buffer,
  destinations: readonly Destination[],
  sent: () => void,
  failed: (err: Error, to: Destination) => void,
): Promise<void> {
  return new Promise<void>((resolve) => {
    let pending = destinations.length
    // A socket closed under a send never calls its callback: settle on 'close' as well.
    const onClose = (): void => resolve()
    socket.once('close', onClose)
    const done = (): void => {
      if (--pending > 0) return
      socket.off('close', onClose)
      resolve()
    }
    for (const d of destinations) {
      try {
        socket.send(payload, d.port, d.host, (err) => {
          if (err) failed(err, d)
          else sent()
          done()
        })
      } catch (err) {
        failed(err as Error, d)
        done()
      }
    }
  })
}

// What send() reports when the address a socket is bound to has gone (DHCP lease renewed, WiFi
// roamed, address moved) or the interface lost its route: the sender needs the interface's new
// address, and there is no point waiting for the next poll to find it.
const ADDRESS_LOST = new Set(['EADDRNOTAVAIL', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EINVAL'])

export function isAddressLost(err: Error): boolean {
  const code = (err as NodeJS.ErrnoException).code
  return code !== undefined && ADDRESS_LOST.has(code)
}

// Host name targets on the IPv6 socket: take whatever address the name has, IPv4 mapped.
export function lookupDualStack(hostname: string, _options: unknown, callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
  dnsLookup(hostname, { family: 0 }, (err, address, family) => {
    if (err) callback(err, '', 0)
    else if (family === 4) callback(null, `::ffff:${address}`, 6)
    else callback(null, address, 6)
  })
}
