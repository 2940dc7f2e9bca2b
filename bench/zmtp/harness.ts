// The ZMTP benchmark harness, the same code for both stacks: it only uses the zeromq.js-shaped
// API that our zmtp sockets and zeromq.js share, so the two run exactly the same loops.

export interface BenchSocket {
  bind(ep: string): Promise<void>
  connect(ep: string): void
  send(msg: Buffer | Buffer[]): Promise<void>
  receive(): Promise<Buffer[]>
  close(): void
  readonly lastEndpoint: string | null
}

export interface Stack {
  name: string
  make(type: 'Push' | 'Pull' | 'Dealer' | 'Router' | 'Request' | 'Reply' | 'Stream'): BenchSocket
}

export interface Throughput {
  msgPerSec: number
  mbPerSec: number
}

/** Where the receiving side binds: loopback TCP on an ephemeral port unless a row says otherwise. */
const TCP = 'tcp://127.0.0.1:*'

async function connected(a: BenchSocket, b: BenchSocket, endpoint = TCP): Promise<void> {
  await a.bind(endpoint)
  b.connect(a.lastEndpoint!)
}

/** One sender awaiting each send(), one receiver in the same process; time to the last receive. */
async function pump(sender: BenchSocket, receiver: BenchSocket, size: number, count: number, frames: (b: Buffer) => Buffer[]): Promise<Throughput> {
  const payload = Buffer.alloc(size, 0x61)
  const msg = frames(payload)
  // Warm-up, the same rule for both stacks: half the timed count, at least 1000 messages. A fresh
  // process keeps speeding up for ~100 k small messages (JIT tiers, heap sizing): with a 1000
  // message warm-up the first row timed that (our 16 B PUSH->PULL: 1.3-1.6 M msg/s, 2.0-2.2 M
  // after a 100 k warm-up), which later rows then did not pay.
  const warm = Math.min(count, Math.max(1000, Math.ceil(count / 2)))
  const rxWarm = (async () => {
    for (let i = 0; i < warm; i++) await receiver.receive()
  })()
  for (let i = 0; i < warm; i++) await sender.send(msg)
  await rxWarm
  const start = process.hrtime.bigint()
  const rx = (async () => {
    for (let i = 0; i < count; i++) await receiver.receive()
  })()
  for (let i = 0; i < count; i++) await sender.send(msg)
  await rx
  const secs = Number(process.hrtime.bigint() - start) / 1e9
  return { msgPerSec: count / secs, mbPerSec: (count * size) / secs / 1e6 }
}

let inprocNames = 0

/** A fresh `inproc://` endpoint, for pushPull's `endpoint`. */
export function inprocEndpoint(): string {
  return `inproc://bench-${process.pid}-${++inprocNames}`
}

export async function pushPull(stack: Stack, size: number, count: number, endpoint = TCP): Promise<Throughput> {
  const pull = stack.make('Pull')
  const push = stack.make('Push')
  try {
    await connected(pull, push, endpoint)
    return await pump(push, pull, size, count, (b) => [b])
  } finally {
    push.close()
    pull.close()
  }
}

export async function dealerRouter(stack: Stack, size: number, count: number): Promise<Throughput> {
  const router = stack.make('Router')
  const dealer = stack.make('Dealer')
  try {
    await connected(router, dealer)
    return await pump(dealer, router, size, count, (b) => [b])
  } finally {
    dealer.close()
    router.close()
  }
}

/**
 * STREAM to STREAM (raw TCP, no ZMTP): the dialling side sends `count` messages of `size` bytes,
 * awaiting each send; the bound side receives until every byte is in (the kernel chunks them as it
 * likes, so bytes are counted, not messages). Connect notifications are on, as by default.
 */
export async function streamBytes(stack: Stack, size: number, count: number): Promise<Throughput> {
  const server = stack.make('Stream')
  const client = stack.make('Stream')
  try {
    await connected(server, client)
    const [id] = await client.receive()
    await server.receive()
    const payload = Buffer.alloc(size, 0x61)
    const msg = [id!, payload]
    const transfer = async (n: number): Promise<void> => {
      const total = n * size
      const rx = (async () => {
        for (let got = 0; got < total; ) got += (await server.receive())[1]!.length
      })()
      for (let i = 0; i < n; i++) await sendRetrying(client, msg)
      await rx
    }
    await transfer(Math.min(count, Math.max(1000, Math.ceil(count / 2))))
    const start = process.hrtime.bigint()
    await transfer(count)
    const secs = Number(process.hrtime.bigint() - start) / 1e9
    return { msgPerSec: count / secs, mbPerSec: (count * size) / secs / 1e6 }
  } finally {
    client.close()
    server.close()
  }
}

/**
 * send(), retried from the next loop turn on EAGAIN: zeromq.js' Stream never waits for room (libzmq
 * calls a STREAM socket always writable and fails the send when the peer's pipe is full).
 */
async function sendRetrying(socket: BenchSocket, msg: Buffer[]): Promise<void> {
  for (;;) {
    try {
      await socket.send(msg)
      return
    } catch (err) {
      if ((err as { code?: string }).code !== 'EAGAIN') throw err
      await new Promise((r) => setImmediate(r))
    }
  }
}

/** Round-trip latency in microseconds: p50 and p99 over `count` lock-step REQ/REP exchanges. */
export async function reqRep(stack: Stack, size: number, count: number): Promise<{ p50: number; p99: number }> {
  const rep = stack.make('Reply')
  const req = stack.make('Request')
  try {
    await connected(rep, req)
    const server = (async () => {
      for (let i = 0; i < count + 100; i++) {
        const m = await rep.receive()
        await rep.send(m)
      }
    })()
    const payload = Buffer.alloc(size, 0x62)
    const samples = new Float64Array(count)
    for (let i = 0; i < count + 100; i++) {
      const t0 = process.hrtime.bigint()
      await req.send(payload)
      await req.receive()
      if (i >= 100) samples[i - 100] = Number(process.hrtime.bigint() - t0) / 1000
    }
    await server
    samples.sort()
    return { p50: samples[Math.floor(count * 0.5)]!, p99: samples[Math.floor(count * 0.99)]! }
  } finally {
    req.close()
    rep.close()
  }
}
