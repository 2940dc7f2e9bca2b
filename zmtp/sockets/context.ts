// Contexts, as zeromq.js has them: every socket belongs to one (the global `context` unless given
// `{ context }`), which caps how many sockets may be open at once (maxSockets, EMFILE past it) and
// gives new sockets their linger (blocky: -1, else 0) and ipv6 defaults. There is no I/O thread
// pool here: ioThreads and the thread scheduling options are kept for code that sets them and
// change nothing; maxMessageSize is the context's own value, as in zeromq.js, where sockets keep
// theirs.
import { ZmtpError, ZmtpErrorCode } from '../errors.ts'

export interface ContextOptions {
  /** New sockets linger forever on close (true, the default) or not at all (false). */
  blocky?: boolean
  /** Kept for zeromq.js code; there are no I/O threads here. Default 1. */
  ioThreads?: number
  /** The context's maximum message size (ZMQ_MAX_MSGSZ). Default 2^31 - 1. */
  maxMessageSize?: number
  /** Sockets that may be open at once in this context; one more fails with EMFILE. Default 1023. */
  maxSockets?: number
  /** New sockets bind `tcp://*` as IPv6 dual stack. Default false. */
  ipv6?: boolean
  /** Kept for zeromq.js code; there are no I/O threads to schedule. */
  threadPriority?: number
  /** Kept for zeromq.js code; there are no I/O threads to schedule. */
  threadSchedulingPolicy?: number
}

const NAMES: ReadonlySet<string> = new Set<keyof ContextOptions>([
  'blocky', 'ioThreads', 'maxMessageSize', 'maxSockets', 'ipv6', 'threadPriority', 'threadSchedulingPolicy',
])

/** The largest maxSockets may be (libzmq's ZMQ_SOCKET_LIMIT on Linux). */
const SOCKET_LIMIT = 65535

export class Context {
  blocky = true
  ipv6 = false
  threadPriority = 0
  threadSchedulingPolicy = 0
  private _ioThreads = 1
  private _maxMessageSize = 2 ** 31 - 1
  private _maxSockets = 1023
  /** Sockets of this context not yet closed. */
  private open = 0

  constructor(options: ContextOptions = {}) {
    for (const [k, v] of Object.entries(options)) {
      if (!NAMES.has(k)) throw new ZmtpError(ZmtpErrorCode.EINVAL, `Unknown context option ${k}`)
      if (v !== undefined) (this as Record<string, unknown>)[k] = v
    }
  }

  get maxSocketsLimit(): number {
    return SOCKET_LIMIT
  }

  get ioThreads(): number {
    return this._ioThreads
  }
  set ioThreads(n: number) {
    this._ioThreads = checked('ioThreads', n, 0, Number.MAX_SAFE_INTEGER)
  }

  get maxMessageSize(): number {
    return this._maxMessageSize
  }
  set maxMessageSize(n: number) {
    this._maxMessageSize = checked('maxMessageSize', n, 0, 2 ** 31 - 1)
  }

  get maxSockets(): number {
    return this._maxSockets
  }
  set maxSockets(n: number) {
    this._maxSockets = checked('maxSockets', n, 1, SOCKET_LIMIT)
  }

  /** @internal A socket opens in this context: EMFILE if maxSockets are open already. */
  socketOpened(): void {
    if (this.open >= this._maxSockets) throw new ZmtpError(ZmtpErrorCode.EMFILE, `Too many open sockets in this context (maxSockets ${this._maxSockets})`)
    this.open++
  }

  /** @internal One of its sockets closed. */
  socketClosed(): void {
    this.open--
  }
}

function checked(name: string, n: number, min: number, max: number): number {
  if (!Number.isInteger(n) || n < min || n > max) throw new ZmtpError(ZmtpErrorCode.EINVAL, `${name} must be an integer from ${min} to ${max}, got ${n}`)
  return n
}

/** The context of every socket not given another, as zeromq.js' `context`. */
export const context = new Context()
