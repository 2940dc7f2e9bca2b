// PUSH->PULL with the receiver in a worker thread and the sender in this one: two event loops on
// two cores, as when sender and receiver are separate processes. In one thread our sockets read
// and write in turn while libzmq reads on its own I/O thread (docs/zmtp-wire.md); this row shows
// each stack with a thread per side. The worker builds its socket from the same stack definitions.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { loadStack, type StackName } from './stacks.ts'
import type { Throughput } from './harness.ts'

interface ReceiverJob {
  stack: StackName
  warm: number
  count: number
}

// Node 20 does not run `--import tsx` in worker threads: the worker registers tsx, then loads this file.
const WORKER_BOOT = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}) })`

/** Messages from the worker, in order, one awaited at a time; a worker error rejects the wait. */
function inbox(w: Worker): () => Promise<unknown> {
  const queued: unknown[] = []
  let failure: Error | null = null
  let waiting: { resolve: (m: unknown) => void; reject: (e: Error) => void } | null = null
  w.on('message', (m) => {
    if (waiting) waiting.resolve(m)
    else queued.push(m)
    waiting = null
  })
  w.on('error', (e) => {
    failure = e
    waiting?.reject(e)
    waiting = null
  })
  return () => {
    if (queued.length) return Promise.resolve(queued.shift())
    if (failure) return Promise.reject(failure)
    return new Promise((resolve, reject) => (waiting = { resolve, reject }))
  }
}

/** Sender here, receiver in a worker; timed from the first send to the worker's last receive. */
export async function pushPullAcrossThreads(stack: StackName, size: number, count: number): Promise<Throughput> {
  const warm = Math.min(count, Math.max(1000, Math.ceil(count / 2)))
  const job: ReceiverJob = { stack, warm, count }
  const worker = new Worker(WORKER_BOOT, { eval: true, workerData: job })
  const exited = new Promise((resolve) => worker.once('exit', resolve))
  const next = inbox(worker)
  const push = (await loadStack(stack)).make('Push')
  try {
    push.connect((await next()) as string)
    const msg = [Buffer.alloc(size, 0x61)]
    for (let i = 0; i < warm; i++) await push.send(msg)
    await next() // the warm-up arrived
    worker.postMessage('go')
    await next() // the worker waits in receive()
    const start = process.hrtime.bigint()
    for (let i = 0; i < count; i++) await push.send(msg)
    await next() // the last message arrived
    const secs = Number(process.hrtime.bigint() - start) / 1e9
    return { msgPerSec: count / secs, mbPerSec: (count * size) / secs / 1e6 }
  } finally {
    push.close()
    await exited
  }
}

async function receive(job: ReceiverJob): Promise<void> {
  const port = parentPort!
  const pull = (await loadStack(job.stack)).make('Pull')
  try {
    await pull.bind('tcp://127.0.0.1:*')
    port.postMessage(pull.lastEndpoint)
    for (let i = 0; i < job.warm; i++) await pull.receive()
    port.postMessage('warm')
    await new Promise((resolve) => port.once('message', resolve))
    const first = pull.receive()
    port.postMessage('ready')
    await first
    for (let i = 1; i < job.count; i++) await pull.receive()
    port.postMessage('done')
  } finally {
    pull.close()
  }
}

if (!isMainThread && (workerData as ReceiverJob | undefined)?.stack) await receive(workerData as ReceiverJob)
