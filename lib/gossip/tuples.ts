// The key-value tuples a gossip network shares. A tuple is new when its key is unknown or its
// value differs from the one held; anything else is a repeat and goes no further, which is what
// ends the echoes between servers and clients. Tuples never expire (the protocol has no removal;
// the TTL on the wire is ignored, as every implementation does). The table is bounded: a peer
// cannot make us hold more than `limit` keys.
import { GossipError, GossipErrorCode } from './errors.ts'

/** What the C codec can carry: a key of 1 to 255 bytes, both as text without NUL (C strings). */
export function tupleProblem(key: string, value: string): string | undefined {
  const keyBytes = Buffer.byteLength(key)
  if (keyBytes === 0 || keyBytes > 255) return `tuple keys are 1 to 255 bytes, got ${keyBytes}`
  if (key.includes('\0') || value.includes('\0')) return 'tuple keys and values cannot contain NUL characters'
  return undefined
}

export function checkTuple(key: string, value: string): void {
  if (typeof key !== 'string' || typeof value !== 'string') throw new GossipError(GossipErrorCode.BAD_ARGUMENT, 'tuple keys and values are strings')
  const problem = tupleProblem(key, value)
  if (problem !== undefined) throw new GossipError(GossipErrorCode.BAD_ARGUMENT, problem)
}

export type Acceptance = 'new' | 'repeat' | 'full'

export class TupleTable {
  private readonly values = new Map<string, string>()

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.values.size
  }

  get(key: string): string | undefined {
    return this.values.get(key)
  }

  /** Stores the tuple unless it is a repeat, or a new key while the table is full. */
  accept(key: string, value: string): Acceptance {
    const held = this.values.get(key)
    if (held === value) return 'repeat'
    if (held === undefined && this.values.size >= this.limit) return 'full'
    this.values.set(key, value)
    return 'new'
  }

  /** Forgets a key here only: nothing on the wire can remove a tuple elsewhere. */
  delete(key: string): boolean {
    return this.values.delete(key)
  }

  entries(): IterableIterator<[string, string]> {
    return this.values.entries()
  }
}
