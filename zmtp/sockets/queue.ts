// A FIFO ring buffer: O(1) push/shift without Array#shift's copying, grows by doubling.
// Callers bound it (high-water marks); the ring itself only stores. Its storage is made on the
// first push: a socket has two per peer and many peers never queue anything.
const FIRST_CAPACITY = 16
const NONE: never[] = []

export class RingQueue<T> {
  private items: (T | undefined)[] = NONE
  private head = 0
  private count = 0

  get length(): number {
    return this.count
  }

  push(item: T): void {
    if (this.count === this.items.length) this.grow()
    this.items[(this.head + this.count) % this.items.length] = item
    this.count++
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined
    const item = this.items[this.head]
    this.items[this.head] = undefined
    this.head = (this.head + 1) % this.items.length
    this.count--
    return item
  }

  peek(): T | undefined {
    return this.count === 0 ? undefined : this.items[this.head]
  }

  clear(): void {
    this.items = NONE
    this.head = 0
    this.count = 0
  }

  private grow(): void {
    const next = new Array<T | undefined>(Math.max(FIRST_CAPACITY, this.items.length * 2))
    for (let i = 0; i < this.count; i++) next[i] = this.items[(this.head + i) % this.items.length]
    this.items = next
    this.head = 0
  }
}
