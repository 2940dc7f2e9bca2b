// Endpoint strings as libzmq spells them: tcp://host:port, tcp://*:port, tcp://[v6]:port,
// port * or 0 for an ephemeral port, ipc://path, ipc://@abstract, ipc://* (a fresh temp path),
// inproc://name.
import { isIP } from 'node:net'
import { ZmtpError, ZmtpErrorCode } from '../errors.ts'

export interface TcpEndpoint {
  transport: 'tcp'
  /** Host as written, brackets removed; '*' for all interfaces. */
  host: string
  /** 0 means ephemeral. */
  port: number
  /** 4 or 6 when `host` is an IP address, 0 for a name or '*' (worked out once, not per dial). */
  family: 0 | 4 | 6
}

export interface IpcEndpoint {
  transport: 'ipc'
  /** Filesystem path, '\0name' for a Linux abstract socket, or '*' for a generated path. */
  path: string
}

export interface InprocEndpoint {
  transport: 'inproc'
  /** Any non-empty text. */
  name: string
}

export type Endpoint = TcpEndpoint | IpcEndpoint | InprocEndpoint

export function parseEndpoint(endpoint: string): Endpoint {
  const sep = endpoint.indexOf('://')
  if (sep < 0) throw new ZmtpError(ZmtpErrorCode.EINVAL, `Invalid endpoint ${JSON.stringify(endpoint)}`)
  const scheme = endpoint.slice(0, sep)
  const rest = endpoint.slice(sep + 3)
  if (scheme === 'ipc') {
    if (rest.length === 0) throw new ZmtpError(ZmtpErrorCode.EINVAL, `Invalid ipc endpoint ${endpoint}`)
    return { transport: 'ipc', path: rest.startsWith('@') ? '\0' + rest.slice(1) : rest }
  }
  if (scheme === 'inproc') {
    if (rest.length === 0) throw new ZmtpError(ZmtpErrorCode.EINVAL, `Invalid inproc endpoint ${endpoint}`)
    return { transport: 'inproc', name: rest }
  }
  if (scheme !== 'tcp') {
    throw new ZmtpError(ZmtpErrorCode.EPROTONOSUPPORT, `Unsupported transport ${JSON.stringify(scheme)} (tcp, ipc and inproc are)`)
  }
  const colon = rest.lastIndexOf(':')
  if (colon <= 0) throw new ZmtpError(ZmtpErrorCode.EINVAL, `Invalid tcp endpoint ${endpoint}: host:port expected`)
  let host = rest.slice(0, colon)
  const portText = rest.slice(colon + 1)
  if (host.startsWith('[')) {
    if (!host.endsWith(']')) throw new ZmtpError(ZmtpErrorCode.EINVAL, `Invalid tcp endpoint ${endpoint}`)
    host = host.slice(1, -1)
  }
  // libzmq's "source;destination" form is not supported: say so instead of misparsing it.
  if (host.length === 0 || host.includes(';')) throw new ZmtpError(ZmtpErrorCode.EINVAL, `Invalid tcp host in ${endpoint}`)
  let port: number
  if (portText === '*') port = 0
  else {
    if (!/^\d{1,5}$/.test(portText)) throw new ZmtpError(ZmtpErrorCode.EINVAL, `Invalid tcp port in ${endpoint}`)
    port = Number(portText)
    if (port > 65535) throw new ZmtpError(ZmtpErrorCode.EINVAL, `Invalid tcp port in ${endpoint}`)
  }
  return { transport: 'tcp', host, port, family: isIP(host) as 0 | 4 | 6 }
}

export function formatTcp(host: string, port: number): string {
  return `tcp://${host.includes(':') ? `[${host}]` : host}:${port}`
}

export function formatIpc(path: string): string {
  return `ipc://${path.startsWith('\0') ? '@' + path.slice(1) : path}`
}

/** "host:port" / "[v6]:port" as PeerInfo.address spells it. */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`
}
