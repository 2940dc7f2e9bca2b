// Node's own libuv TCP and stream bindings, the layer net.Socket is built on, for the streams we
// drive directly (handle-stream.ts). They are reached through process.binding(), which Node keeps
// for exactly these modules but documents as deprecated; so they are used only when every piece
// has the shape this code expects, never when deprecations are made to warn or throw
// (--pending-deprecation, which would also flag this call), and never when ZYRE_TS_STREAMS=net
// asks for plain net.Socket streams. Otherwise the transport falls back to net (socket-stream.ts).

import { SHARED_READS } from './read-buffers.ts'

/** A libuv stream handle (TCP) as the binding exposes it. */
export interface UvStreamHandle {
  onread: () => Buffer | undefined
  readStart(): number
  readStop(): number
  useUserBuffer(buf: Uint8Array): void
  writeBuffer(req: UvWriteReq, buf: Uint8Array): number
  writev(req: UvWriteReq, chunks: Uint8Array[], allBuffers: boolean): number
  shutdown(req: UvShutdownReq): number
  close(cb?: () => void): void
  setNoDelay(on: boolean): number
  getpeername(out: { address?: string; port?: number; family?: string }): number
  getsockname(out: { address?: string; port?: number; family?: string }): number
}

export interface UvTcpHandle extends UvStreamHandle {
  connect(req: UvConnectReq, address: string, port: number): number
  connect6(req: UvConnectReq, address: string, port: number): number
  bind(address: string, port: number): number
  bind6(address: string, port: number, flags: number): number
  listen(backlog: number): number
  onconnection: (status: number, client: UvTcpHandle | undefined) => void
}

export interface UvWriteReq {
  handle: UvStreamHandle
  oncomplete: (status: number) => void
  /** Kept alive until the write completes. */
  buffers: Uint8Array | Uint8Array[] | undefined
  bytes: number
}

export interface UvShutdownReq {
  handle: UvStreamHandle
  oncomplete: (status: number) => void
}

export interface UvConnectReq {
  oncomplete: (status: number, handle: UvTcpHandle) => void
}

export interface UvBinding {
  newTcp(server: boolean): UvTcpHandle
  newConnectReq(): UvConnectReq
  newWriteReq(): UvWriteReq
  newShutdownReq(): UvShutdownReq
  /** Shared state the binding fills after each read and write call. */
  readonly state: Int32Array
  readonly kReadBytesOrError: number
  readonly kBytesWritten: number
  readonly kLastWriteWasAsync: number
}

/** libuv's end-of-stream read status. */
export const UV_EOF = -4095

/** The bindings for a process with this environment and these Node flags, or undefined. */
export function loadUv(env: NodeJS.ProcessEnv, execArgv: readonly string[]): UvBinding | undefined {
  // Not where reads may overlap (Windows): the shared read buffer cannot allow it (read-buffers.ts).
  if (env.ZYRE_TS_STREAMS === 'net' || !SHARED_READS) return undefined
  const nodeOptions = env.NODE_OPTIONS ?? ''
  if (execArgv.includes('--pending-deprecation') || nodeOptions.includes('--pending-deprecation') || env.NODE_PENDING_DEPRECATION === '1') {
    return undefined
  }
  const binding = (process as unknown as { binding?: (name: string) => Record<string, unknown> }).binding
  if (typeof binding !== 'function') return undefined
  try {
    const tcp = binding.call(process, 'tcp_wrap')
    const stream = binding.call(process, 'stream_wrap')
    const TCP = tcp.TCP as (new (type: number) => UvTcpHandle) | undefined
    const TCPConnectWrap = tcp.TCPConnectWrap as (new () => UvConnectReq) | undefined
    const constants = tcp.constants as { SOCKET?: number; SERVER?: number } | undefined
    const WriteWrap = stream.WriteWrap as (new () => UvWriteReq) | undefined
    const ShutdownWrap = stream.ShutdownWrap as (new () => UvShutdownReq) | undefined
    const state = stream.streamBaseState
    const k = [stream.kReadBytesOrError, stream.kBytesWritten, stream.kLastWriteWasAsync]
    if (
      typeof TCP !== 'function' || typeof TCPConnectWrap !== 'function' || typeof WriteWrap !== 'function' ||
      typeof ShutdownWrap !== 'function' || !(state instanceof Int32Array) || typeof constants?.SOCKET !== 'number' ||
      typeof constants.SERVER !== 'number' || !k.every((i) => typeof i === 'number' && i >= 0 && i < state.length)
    ) {
      return undefined
    }
    const proto = TCP.prototype as unknown as Record<string, unknown>
    const methods = ['readStart', 'readStop', 'useUserBuffer', 'writeBuffer', 'writev', 'shutdown', 'close', 'setNoDelay', 'getpeername', 'getsockname', 'connect', 'connect6', 'bind', 'bind6', 'listen']
    if (!methods.every((m) => typeof proto[m] === 'function')) return undefined
    const socketType = constants.SOCKET
    const serverType = constants.SERVER
    return {
      newTcp: (server) => new TCP(server ? serverType : socketType),
      newConnectReq: () => new TCPConnectWrap(),
      newWriteReq: () => new WriteWrap(),
      newShutdownReq: () => new ShutdownWrap(),
      state,
      kReadBytesOrError: k[0] as number,
      kBytesWritten: k[1] as number,
      kLastWriteWasAsync: k[2] as number,
    }
  } catch {
    return undefined
  }
}

/** The bindings, or undefined where streams must go through net. Loaded once. */
export const uv: UvBinding | undefined = loadUv(process.env, process.execArgv)
