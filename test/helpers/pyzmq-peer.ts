// Drives test/helpers/zmtp_pyzmq_peer.py (pyzmq, the system libzmq) from tests: sockets with the
// zeromq.js-shaped API the interop scenarios use. One python process per PyPeer.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const SCRIPT = fileURLToPath(new URL('./zmtp_pyzmq_peer.py', import.meta.url))

interface Reply {
  id: number
  error?: string
  [k: string]: unknown
}

export class PyPeer {
  private readonly proc: ChildProcessWithoutNullStreams
  private nextId = 1
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>()
  private exited = false

  constructor() {
    this.proc = spawn('/usr/bin/python3', [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] })
    this.proc.stderr.on('data', (d: Buffer) => process.stderr.write(`[pyzmq peer] ${d}`))
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      const r = JSON.parse(line) as Reply
      const w = this.waiting.get(r.id)
      this.waiting.delete(r.id)
      w?.resolve(r)
    })
    this.proc.on('exit', () => {
      this.exited = true
      for (const w of this.waiting.values()) w.reject(new Error('pyzmq peer exited'))
      this.waiting.clear()
    })
  }

  async call(op: string, args: Record<string, unknown> = {}): Promise<Reply> {
    if (this.exited) throw new Error('pyzmq peer exited')
    const id = this.nextId++
    const p = new Promise<Reply>((resolve, reject) => this.waiting.set(id, { resolve, reject }))
    this.proc.stdin.write(JSON.stringify({ id, op, ...args }) + '\n')
    const r = await p
    if (r.error !== undefined) throw Object.assign(new Error(`pyzmq ${op}: ${r.error}`), { code: r.error })
    return r
  }

  async socket(type: string, options: Record<string, unknown> = {}): Promise<PySocket> {
    const o: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(options)) o[k] = Buffer.isBuffer(v) ? v.toString() : v
    const r = await this.call('socket', { type, options: o })
    return new PySocket(this, r['sid'] as number)
  }

  /** Start a ZAP handler (RFC 27) accepting these PLAIN users and CURVE public keys (Z85). */
  async zap(users: Record<string, string>, curveKeys: string[] = []): Promise<void> {
    await this.call('zap', { users, curveKeys })
  }

  close(): void {
    if (!this.exited) this.proc.stdin.end()
    setTimeout(() => this.proc.kill('SIGKILL'), 2000).unref()
  }
}

const toB64 = (f: Buffer | string) => (typeof f === 'string' ? Buffer.from(f) : f).toString('base64')

export class PySocket {
  lastEndpoint: string | null = null
  constructor(
    private readonly peer: PyPeer,
    private readonly sid: number,
  ) {}

  async bind(endpoint: string): Promise<void> {
    const r = await this.peer.call('bind', { sid: this.sid, endpoint })
    this.lastEndpoint = r['endpoint'] as string
  }

  connect(endpoint: string): void {
    void this.peer.call('connect', { sid: this.sid, endpoint })
  }

  async send(msg: Buffer | string | Array<Buffer | string>): Promise<void> {
    const frames = Array.isArray(msg) ? msg : [msg]
    await this.peer.call('send', { sid: this.sid, frames: frames.map(toB64) })
  }

  async receive(): Promise<Buffer[]> {
    const r = await this.peer.call('recv', { sid: this.sid })
    return (r['frames'] as string[]).map((f) => Buffer.from(f, 'base64'))
  }

  subscribe(...topics: Array<Buffer | string>): void {
    void this.peer.call('subscribe', { sid: this.sid, topics: (topics.length ? topics : ['']).map(toB64) })
  }

  close(): void {
    this.peer.call('close', { sid: this.sid }).catch(() => {})
  }
}
