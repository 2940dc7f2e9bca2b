// Stream transports behind one small interface: listen() hands over accepted streams, dial()
// starts one outgoing stream, both as ByteStreams, so everything above this file is
// transport-agnostic. TCP to and from IP addresses drives libuv handles directly where Node
// allows it (handle-stream.ts); IPC (Unix domain sockets), hostnames and the rest are net.Socket
// streams (socket-stream.ts); inproc streams are memory (inproc.ts).
import * as net from 'node:net'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { randomBytes } from 'node:crypto'
import { ZmtpError, ZmtpErrorCode } from '../errors.ts'
import { formatIpc, formatTcp, hostPort, type Endpoint, type IpcEndpoint, type TcpEndpoint } from './endpoint.ts'
import { bindInproc, dialInproc } from './inproc.ts'
import type { ByteStream } from './byte-stream.ts'
import { dialHandle, listenHandle } from './handle-stream.ts'
import { adoptAccepted, connectSocket } from './socket-stream.ts'
import { uv } from './uv-binding.ts'

export interface Listener {
  /** The endpoint actually bound (real port, generated ipc path): the socket's lastEndpoint. */
  readonly endpoint: string
  close(): Promise<void>
}

/** An accepted stream and the remote address ("host:port" or the ipc path) for events/PeerInfo. */
export type AcceptHandler = (stream: ByteStream, address: string) => void

export interface ListenOptions {
  ipv6?: boolean
  backlog?: number
}

export async function listen(ep: Endpoint, onAccept: AcceptHandler, options: ListenOptions = {}): Promise<Listener> {
  if (ep.transport === 'inproc') {
    const endpoint = `inproc://${ep.name}`
    const unbind = bindInproc(ep.name, (stream) => onAccept(stream, endpoint))
    return { endpoint, close: async () => unbind() }
  }
  if (ep.transport === 'tcp' && uv !== undefined) {
    const host = bindHost(ep.host, options)
    if (net.isIP(host) !== 0) return listenTcpHandle(host, ep.port, onAccept, options)
  }
  return listenNet(ep, onAccept, options)
}

/** The address a TCP bind listens on: libzmq binds "*" to IPv4 0.0.0.0 unless ZMQ_IPV6 is set. */
function bindHost(host: string, options: ListenOptions): string {
  if (host !== '*') return host
  return options.ipv6 === true ? '::' : '0.0.0.0'
}

function listenTcpHandle(host: string, port: number, onAccept: AcceptHandler, options: ListenOptions): Listener {
  let listener
  try {
    listener = listenHandle(uv!, host, port, options.backlog ?? 100, (stream, address, peerPort) => {
      onAccept(stream, hostPort(normalizeHost(address), peerPort))
    })
  } catch (e) {
    throw bindError(e as NodeJS.ErrnoException)
  }
  const endpoint = formatTcp(normalizeHost(listener.address), listener.port)
  return {
    endpoint,
    close: () => {
      listener.close()
      return new Promise((resolve) => setImmediate(resolve))
    },
  }
}

async function listenNet(ep: TcpEndpoint | IpcEndpoint, onAccept: AcceptHandler, options: ListenOptions): Promise<Listener> {
  // Accepted streams start paused so that adoptAccepted() can move them to shared reads. No
  // noDelay here: it would be set on the original socket, then again on the moved one below.
  const server = net.createServer({ pauseOnConnect: true })
  let ipcPath: string | undefined
  if (ep.transport === 'tcp') {
    await startListening(server, { host: bindHost(ep.host, options), port: ep.port, backlog: options.backlog ?? 100 })
  } else {
    ipcPath = ep.path === '*' ? path.join(os.tmpdir(), `zmtp-${process.pid}-${randomBytes(6).toString('hex')}.sock`) : ep.path
    if (!ipcPath.startsWith('\0')) removeStaleSocket(ipcPath)
    await startListening(server, { path: ipcPath, backlog: options.backlog ?? 100 })
  }
  server.on('connection', (accepted) => {
    const stream = adoptAccepted(accepted)
    const socket = stream.socket
    socket.setNoDelay?.(true)
    const address = ipcPath ?? hostPort(normalizeHost(socket.remoteAddress ?? '?'), socket.remotePort ?? 0)
    onAccept(stream, address)
  })
  // A listening socket error after bind (rare: EMFILE on accept) must not crash the process.
  server.on('error', () => {})
  const bound = server.address()
  const endpoint = ipcPath !== undefined
    ? formatIpc(ipcPath)
    : formatTcp(normalizeHost((bound as net.AddressInfo).address), (bound as net.AddressInfo).port)
  return {
    endpoint,
    close: () =>
      new Promise<void>((resolve) => {
        // server.close()'s callback waits for every accepted connection to end; the listening
        // handle itself is gone at once, which is all unbind/close need.
        server.close()
        if (ipcPath !== undefined && !ipcPath.startsWith('\0')) removeStaleSocket(ipcPath)
        setImmediate(resolve)
      }),
  }
}

/**
 * Starts an outgoing stream: `onConnect` once it is connected; a failed attempt closes it (its
 * close listeners get the error).
 */
export function dial(ep: Endpoint, onConnect: (stream: ByteStream) => void): ByteStream {
  if (ep.transport === 'tcp') {
    if (ep.host === '*' || ep.port === 0) throw new ZmtpError(ZmtpErrorCode.EINVAL, `Cannot connect to ${formatTcp(ep.host, ep.port)}`)
    if (uv !== undefined && ep.family !== 0) return dialHandle(uv, ep.host, ep.port, ep.family, onConnect)
    return connectSocket({ host: ep.host, port: ep.port, noDelay: true }, onConnect)
  }
  if (ep.transport === 'inproc') return dialInproc(ep.name, onConnect)
  if (ep.path === '*') throw new ZmtpError(ZmtpErrorCode.EINVAL, 'Cannot connect to ipc://*')
  return connectSocket({ path: ep.path }, onConnect)
}

/** The remote address of a dialled endpoint, as PeerInfo.address spells it. */
export function dialAddress(ep: Endpoint): string {
  if (ep.transport === 'tcp') return hostPort(ep.host, ep.port)
  return ep.transport === 'ipc' ? ep.path : `inproc://${ep.name}`
}

function startListening(server: net.Server, opts: net.ListenOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening)
      reject(bindError(err))
    }
    const onListening = () => {
      server.off('error', onError)
      resolve()
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(opts)
  })
}

function bindError(err: NodeJS.ErrnoException): ZmtpError {
  const code = err.code === 'EADDRINUSE' ? ZmtpErrorCode.EADDRINUSE : err.code === 'ENOENT' ? ZmtpErrorCode.ENOENT : ZmtpErrorCode.EINVAL
  return new ZmtpError(code, `Bind failed: ${err.message}`, { cause: err })
}

// libzmq unlinks an existing path before binding an ipc endpoint. We only remove sockets,
// never a regular file somebody put there by mistake.
function removeStaleSocket(p: string): void {
  try {
    if (fs.lstatSync(p).isSocket()) fs.unlinkSync(p)
  } catch {
    // absent: nothing to remove
  }
}

function normalizeHost(host: string): string {
  // IPv4-mapped IPv6 addresses from a dual-stack listener read better as plain IPv4.
  return host.startsWith('::ffff:') && host.includes('.') ? host.slice(7) : host
}
