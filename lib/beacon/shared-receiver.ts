// One receiving socket per UDP port for all the beacons of this process that need no group
// membership (IPv4 'broadcast' and 'unicast' modes). Those receivers are all bound to the
// wildcard address on the beacon port, so each would get a copy of every beacon: with many nodes
// in one process (tests, simulations, the demo) the kernel then copies each datagram to every
// socket and Node wakes up for each copy. Shared, a datagram is read once and handed to every
// beacon here in turn; other processes still get theirs through SO_REUSEADDR. A unicast datagram,
// which the kernel gives to one socket on the port only, now reaches every beacon of the process.
import dgram from 'node:dgram'
import { bindSocket, closeSocket } from './udp-socket.ts'

export type MessageHandler = (msg: Buffer, rinfo: dgram.RemoteInfo) => void
export type ErrorHandler = (err: Error) => void

interface Subscriber {
  onMessage: MessageHandler
  onError: ErrorHandler
}

/** A port's socket and who listens on it; `bound` settles once the bind is done. */
interface Entry {
  readonly socket: dgram.Socket
  readonly subscribers: Set<Subscriber>
  readonly bound: Promise<void>
}

const entries = new Map<number, Entry>()

/** A beacon's share of a port's receiving socket. */
export interface SharedReceiver {
  readonly socket: dgram.Socket
  /** Stops delivery to this beacon; the socket closes when its last beacon releases it. */
  release(): Promise<void>
}

/** Subscribes to the port's receiving socket, opening it if this is the first beacon on it. */
export async function acquireReceiver(port: number, onMessage: MessageHandler, onError: ErrorHandler): Promise<SharedReceiver> {
  let entry = entries.get(port)
  if (entry === undefined) {
    entry = open(port)
    entries.set(port, entry)
  }
  const subscriber: Subscriber = { onMessage, onError }
  entry.subscribers.add(subscriber)
  try {
    await entry.bound
  } catch (err) {
    entry.subscribers.delete(subscriber)
    throw err
  }
  const e = entry
  let released = false
  return {
    socket: e.socket,
    release: async () => {
      if (released) return
      released = true
      e.subscribers.delete(subscriber)
      if (e.subscribers.size > 0) return
      if (entries.get(port) === e) entries.delete(port)
      await closeSocket(e.socket)
    },
  }
}

function open(port: number): Entry {
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true })
  const subscribers = new Set<Subscriber>()
  socket.on('message', (msg, rinfo) => {
    // Every beacon gets the datagram, the same buffer (a beacon copies what it hands on, see
    // Beacon), even if one of them throws; the first error is rethrown afterwards, as a
    // listener's error would have been from a socket of its own.
    let failure: { err: unknown } | undefined
    for (const s of subscribers) {
      try {
        s.onMessage(msg, rinfo)
      } catch (err) {
        failure ??= { err }
      }
    }
    if (failure) throw failure.err
  })
  socket.on('error', (err) => {
    for (const s of subscribers) s.onError(err)
  })
  // Wildcard bind: see beacon-sockets.ts.
  const bound = bindSocket(socket, { port, address: '0.0.0.0', exclusive: false }).catch(async (err: unknown) => {
    if (entries.get(port)?.socket === socket) entries.delete(port)
    await closeSocket(socket)
    throw err
  })
  return { socket, subscribers, bound }
}
