// Subscription bookkeeping for PUB/XPUB/SUB/XSUB: prefix topics with reference counts. Keys are
// latin1 strings of the topic bytes (a lossless 1:1 mapping), so Map lookups work on binary topics.
export class TopicCounts {
  private readonly counts = new Map<string, { topic: Buffer; count: number }>()
  private matchAllCount = 0
  private list: Buffer[] = []
  private listDirty = false

  get size(): number {
    return this.counts.size
  }

  /** Returns the count after adding. */
  add(topic: Buffer): number {
    const key = topic.toString('latin1')
    const e = this.counts.get(key)
    if (e !== undefined) return ++e.count
    this.counts.set(key, { topic: Buffer.from(topic), count: 1 })
    if (topic.length === 0) this.matchAllCount++
    this.listDirty = true
    return 1
  }

  /** Returns the count after removing, or -1 when the topic was not there. */
  remove(topic: Buffer): number {
    const key = topic.toString('latin1')
    const e = this.counts.get(key)
    if (e === undefined) return -1
    if (--e.count > 0) return e.count
    this.counts.delete(key)
    if (topic.length === 0) this.matchAllCount--
    this.listDirty = true
    return 0
  }

  has(topic: Buffer): boolean {
    return this.counts.has(topic.toString('latin1'))
  }

  /** Does `frame` start with one of the topics? */
  matches(frame: Buffer): boolean {
    if (this.matchAllCount > 0) return true
    if (this.counts.size === 0) return false
    if (this.listDirty) {
      this.list = [...this.counts.values()].map((e) => e.topic)
      this.listDirty = false
    }
    const list = this.list
    for (let i = 0; i < list.length; i++) {
      const t = list[i]!
      if (t.length <= frame.length && frame.compare(t, 0, t.length, 0, t.length) === 0) return true
    }
    return false
  }

  topics(): Buffer[] {
    return [...this.counts.values()].map((e) => e.topic)
  }

  clear(): void {
    this.counts.clear()
    this.matchAllCount = 0
    this.list = []
    this.listDirty = false
  }
}
