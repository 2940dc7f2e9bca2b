// Our READY/INITIATE metadata (RFC 23): Socket-Type, Identity and any extra properties. A socket
// sends the same ones on every connection, so without extra properties they are encoded once per
// (socket type, identity) and the bytes shared; the cache is bounded so identities that come and
// go do not pile up.
import { encodeCommand } from '../codec/frame.ts'
import { encodeMetadata } from '../codec/metadata.ts'
import type { ConnectionOptions } from './connection-types.ts'

export interface OurMetadata {
  /** The encoded properties (the body of READY and INITIATE). */
  readonly properties: Buffer
  /** The whole READY command frame. */
  readonly ready: Buffer
}

type Source = Pick<ConnectionOptions, 'socketType' | 'routingId' | 'metadata'>

const MAX_CACHED = 256
const cache = new Map<string, OurMetadata>()

/** Throws RangeError for an invalid extra property name. Callers must not modify the buffers. */
export function ourMetadata(opts: Source): OurMetadata {
  if (opts.metadata !== undefined) return encode(opts)
  const key = opts.routingId === undefined ? opts.socketType : `${opts.socketType}/${opts.routingId.toString('latin1')}`
  let m = cache.get(key)
  if (m === undefined) {
    m = encode(opts)
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!)
    cache.set(key, m)
  }
  return m
}

function encode(opts: Source): OurMetadata {
  const properties = encodeMetadata(propertyList(opts))
  return { properties, ready: encodeCommand('READY', properties) }
}

function propertyList(opts: Source): [string, Buffer][] {
  const props: [string, Buffer][] = [['Socket-Type', Buffer.from(opts.socketType, 'latin1')]]
  if (opts.routingId !== undefined && opts.routingId.length > 0) props.push(['Identity', opts.routingId])
  if (opts.metadata !== undefined) {
    for (const [k, v] of opts.metadata) {
      const lower = k.toLowerCase()
      if (lower !== 'socket-type' && lower !== 'identity') props.push([k, v])
    }
  }
  return props
}
