// Drives test/helpers/czmq_gossip.py: one czmq zgossip actor (libczmq4 through ctypes), the C
// implementation our gossip nodes must interoperate with. Loopback only: tests bind it on
// 127.0.0.1 and connect it to our nodes there.
import { execFileSync, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { JsonDriver } from './json-driver.ts'

const SCRIPT = fileURLToPath(new URL('./czmq_gossip.py', import.meta.url))
const PYTHON = '/usr/bin/python3'

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

export class CzmqGossip extends JsonDriver<Line, Line> {
  /** Every tuple the actor delivered to its owner, in order (its own publishes included). */
  readonly delivered: [string, string][] = []
  private readonly started: Promise<void>
  private ready!: () => void

  constructor() {
    super('czmq gossip driver', spawn(PYTHON, [SCRIPT], { env: { ...process.env, ZSYS_LOGSTREAM: 'stderr', ZSYS_SIGHANDLER: 'false' }, stdio: ['pipe', 'pipe', 'pipe'] }))
    this.started = new Promise((r) => (this.ready = r))
  }

  /** BIND, then the port the actor got. */
  async bind(endpoint: string): Promise<number> {
    return (await this.request({ cmd: 'bind', endpoint })).port!
  }

  async connect(endpoint: string): Promise<void> {
    await this.request({ cmd: 'connect', endpoint })
  }

  async publish(key: string, value: string): Promise<void> {
    await this.request({ cmd: 'publish', key, value })
  }

  async set(path: string, value: string): Promise<void> {
    await this.request({ cmd: 'set', path, value })
  }

  /** Tuples the actor holds. */
  async status(): Promise<number> {
    return (await this.request({ cmd: 'status' })).status!
  }

  /** The value the actor delivered last for `key`. */
  value(key: string): string | undefined {
    return this.delivered.findLast(([k]) => k === key)?.[1]
  }

  protected onLine(line: Line): void {
    if (line.ready) this.ready()
    else if (line.deliver) this.delivered.push(line.deliver)
    else if (line.done) this.answer(line)
  }

  /** A command once the actor is up. */
  private async request(req: object): Promise<Line> {
    await this.started
    return this.call(req)
  }
}
