// What a Zyre node publishes on a gossip network, and reads back, as the C node does: the key is
// the node's UUID in 32 uppercase hex characters, the value the endpoint of its ROUTER, followed by
// '|' and its Z85 CURVE public key when it has keys. A gossip network may carry other tuples too:
// anything that is not a Zyre node's is ignored.
import { z85Decode } from '../../zmtp/curve/z85.ts'
import { undialable } from './peer-endpoint.ts'

export interface ZyreTuple {
  readonly uuid: Buffer
  /** 32 uppercase hex characters. */
  readonly id: string
  readonly endpoint: string
  /** A node with CURVE keys: its public key. */
  readonly publicKey: Buffer | undefined
}

const UUID_KEY = /^[0-9A-Fa-f]{32}$/

/** A ZeroMQ endpoint a node can be reached or a gossip server joined at: tcp://… or ipc://…. */
export function isEndpoint(text: string): boolean {
  return /^(tcp|ipc):\/\/\S+$/.test(text)
}

export function zyreTupleValue(endpoint: string, publicKeyText?: string): string {
  return publicKeyText === undefined ? endpoint : `${endpoint}|${publicKeyText}`
}

/** The Zyre node a tuple describes, or why it is not one. */
export function readZyreTuple(key: string, value: string): ZyreTuple | string {
  if (!UUID_KEY.test(key)) return `key '${key.slice(0, 40)}' is not a node UUID`
  const bar = value.indexOf('|')
  const endpoint = bar < 0 ? value : value.slice(0, bar)
  if (!isEndpoint(endpoint)) return `'${endpoint.slice(0, 80)}' is not an endpoint`
  const unusable = undialable(endpoint)
  if (unusable !== undefined) return `'${endpoint.slice(0, 80)}' cannot be dialled: ${unusable}`
  let publicKey: Buffer | undefined
  if (bar >= 0) {
    const text = value.slice(bar + 1)
    try {
      publicKey = text.length === 40 ? z85Decode(text) : undefined
    } catch {
      publicKey = undefined
    }
    if (publicKey === undefined) return `'${text.slice(0, 50)}' is not a Z85 public key`
  }
  return { uuid: Buffer.from(key, 'hex'), id: key.toUpperCase(), endpoint, publicKey }
}
