// Routing ids a socket makes up for its peers, as libzmq does: 5 bytes, a zero byte then a uint32
// counting up from a random start, skipping ids still in use.
import { randomBytes } from 'node:crypto'

export class RoutingIds {
  private last = randomBytes(4).readUInt32BE(0)

  /** The next id whose latin1 key `inUse` does not know. */
  next(inUse: ReadonlyMap<string, unknown>): Buffer {
    for (;;) {
      this.last = (this.last + 1) >>> 0
      const id = Buffer.allocUnsafe(5)
      id[0] = 0
      id.writeUInt32BE(this.last, 1)
      if (!inUse.has(id.toString('latin1'))) return id
    }
  }
}
