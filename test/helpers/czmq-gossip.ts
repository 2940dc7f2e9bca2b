// Drives test/helpers/czmq_gossip.py: one czmq zgossip actor (libczmq4 through ctypes), the C
// implementation our gossip nodes must interoperate with. Loopback only: tests bind it on
// 127.0.0.1 and connect it to our nodes there.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const SCRIPT = fileURLToPath(new URL('./czmq_gossip.py', import.meta.url))
const PYTHON = '/usr/bin/python3'
const REPLY_TIMEOUT = 10_000

interface Line {
  ready?: boolean
  done?: string
  port?: number
  status?: number
  deliver?: [string, string]
}

/** libczmq4 loadable by /usr/bin/python3's ctypes, or why not. */
export function czmqGossipAvailable(): { ok: true } | { ok: false; why: string } {
  try {
    execFileSync(PYTHON, ['-c', "import ctypes; ctypes.CDLL('libczmq.so.4').zgossip"], { stdio: ['ignore', 'pipe', 'pipe'] })
    return { ok: true }
  } catch (err) {
    return { ok: false, why: `libczmq4 not loadable from ${PYTHON} ctypes (apt-get install libczmq4): ${(err as Error).message}` }
  }
}

export class CzmqGossip {
  /** Every tuple the actor delivered to its owner, in order (its own publishes included). */
  readonly delivered: [string, string][] = []
  private readonly child: ChildProcessWithoutNullStreams
  private readonly stderr: string[] = []
  private readonly waiting: { resolve: (l: Line) => void; reject: (e: Error) => void }[] = []
  private readonly started: Promise<void>
  private exited = false

  constructor() {
    this.child = spawn(PYTHON, [SCRIPT], { env: { ...process.env, ZSYS_LOGSTREAM: 'stderr', ZSYS_SIGHANDLER: 'false' }, stdio: ['pipe', 'pipe', 'pipe'] })
    this.child.stderr.setEncoding('utf8')
    this.child.stderr.on('data', (d: string) => this.stderr.push(...d.split('\n').filter(Boolean)))
    let ready!: () => void
    this.started = new Promise((r) => (ready = r))
    createInterface({ input: this.child.stdout }).on('line', (text) => {
      const line = JSON.parse(text) as Line
      if (line.ready) ready()
      else if (line.deliver) this.delivered.push(line.deliver)
      else if (line.done) this.waiting.shift()?.resolve(line)
    })
    this.child.once('exit', (code, signal) => {
      this.exited = true
      const err = new Error(`czmq gossip driver exited (${code ?? signal}): ${this.stderrTail()}`)
      for (const w of this.waiting.splice(0)) w.reject(err)
    })
  }

  /** BIND, then the port the actor got. */
  async bind(endpoint: string): Promise<number> {
    return (await this.call({ cmd: 'bind', endpoint })).port!
  }

  async connect(endpoint: string): Promise<void> {
    await this.call({ cmd: 'connect', endpoint })
  }

  async publish(key: string, value: string): Promise<void> {
    await this.call({ cmd: 'publish', key, value })
  }

  async set(path: string, value: string): Promise<void> {
    await this.call({ cmd: 'set', path, value })
  }

  /** Tuples the actor holds. */
  async status(): Promise<number> {
    return (await this.call({ cmd: 'status' })).status!
  }

  /** The value the actor delivered last for `key`. */
  value(key: string): string | undefined {
    return this.delivered.findLast(([k]) => k === key)?.[1]
  }

  /** For wait conditions: throws (with czmq's log) once the driver has died. */
  running(): true {
    if (this.exited) throw new Error(`czmq gossip driver exited: ${this.stderrTail()}`)
    return true
  }

  stderrTail(): string {
    return this.stderr.slice(-5).join(' | ') || '(no output)'
  }

  /** Ends stdin (the driver destroys the actor and exits); kills it if it does not. */
  async close(): Promise<void> {
    if (this.exited) return
    const gone = new Promise((resolve) => this.child.once('exit', resolve))
    this.child.stdin.end()
    const kill = setTimeout(() => this.child.kill('SIGKILL'), 2000)
    await gone
    clearTimeout(kill)
  }

  private async call(req: object): Promise<Line> {
    await this.started
    this.running()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`czmq gossip driver: no answer to ${JSON.stringify(req)}: ${this.stderrTail()}`)), REPLY_TIMEOUT)
      this.waiting.push({
        resolve: (l) => (clearTimeout(timer), resolve(l)),
        reject: (err) => (clearTimeout(timer), reject(err)),
      })
      this.child.stdin.write(JSON.stringify(req) + '\n')
    })
  }
}
