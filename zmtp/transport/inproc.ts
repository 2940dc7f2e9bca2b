// The inproc transport: sockets of one thread connected through memory (memory-stream.ts), named
// `inproc://name`, as libzmq's inproc connects sockets of one context. Above the transport nothing
// changes: the streams carry the same ZMTP greeting, handshake and frames as TCP does, so socket
// types, options, events and the mechanism all behave as they do there.
//
// As in libzmq since 4.0, a connect may come before the bind: the dial waits, and completes when
// a socket binds the name. A name is bound by one socket at a time (EADDRINUSE otherwise) until
// it is unbound or its socket closes. A connection that drops (its binder closed) is redialled as
// over TCP, and the dial completes once the name is bound again. The names are per thread (module
// state): a worker has its own.
import { ZmtpError, ZmtpErrorCode } from '../errors.ts'
import { MemoryStream } from './memory-stream.ts'

/** Gets each accepted stream with the name as the peer's address. */
export type InprocAcceptHandler = (stream: MemoryStream, address: string) => void

interface PendingDial {
  /** The dialler's end and the accepting side's. */
  ours: MemoryStream
  theirs: MemoryStream
  onConnect: (stream: MemoryStream) => void
  connected: boolean
}

const bound = new Map<string, InprocAcceptHandler>()
const pending = new Map<string, Set<PendingDial>>()

/** Binds `name`; returns the function that unbinds it. Throws EADDRINUSE when it is taken. */
export function bindInproc(name: string, onAccept: InprocAcceptHandler): () => void {
  if (bound.has(name)) throw new ZmtpError(ZmtpErrorCode.EADDRINUSE, `inproc://${name} is already bound`)
  bound.set(name, onAccept)
  const waiting = pending.get(name)
  pending.delete(name)
  for (const dial of waiting ?? []) setImmediate(complete, name, dial)
  return () => {
    if (bound.get(name) === onAccept) bound.delete(name)
  }
}

/**
 * Starts a connection to `name`: the returned stream connects (onConnect) on a later turn, once the
 * name is bound. Destroyed before that, it simply stops waiting.
 */
export function dialInproc(name: string, onConnect: (stream: MemoryStream) => void): MemoryStream {
  const [ours, theirs] = MemoryStream.pair()
  const dial: PendingDial = { ours, theirs, onConnect, connected: false }
  ours.onClose(() => pending.get(name)?.delete(dial))
  if (bound.has(name)) setImmediate(complete, name, dial)
  else wait(name, dial)
  return ours
}

function wait(name: string, dial: PendingDial): void {
  let set = pending.get(name)
  if (set === undefined) pending.set(name, (set = new Set()))
  set.add(dial)
}

/** Hands both ends over, if the dial is still wanted and the name still bound; else it waits again. */
function complete(name: string, dial: PendingDial): void {
  if (dial.connected || dial.ours.destroyed) return
  const onAccept = bound.get(name)
  if (onAccept === undefined) {
    wait(name, dial)
    return
  }
  dial.connected = true
  onAccept(dial.theirs, name)
  dial.onConnect(dial.ours)
}

/** @internal Names bound and dials waiting, for tests that check nothing is left behind. */
export function inprocUse(): { bound: number; waiting: number } {
  let waiting = 0
  for (const set of pending.values()) waiting += set.size
  return { bound: bound.size, waiting }
}
