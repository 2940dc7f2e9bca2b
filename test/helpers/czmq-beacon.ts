// Drives test/helpers/czmq_beacon.py, the C reference beacon (czmq's zbeacon actor from libczmq4,
// through ctypes), inside a test namespace and pinned to one interface there: the actor never
// sees the machine's real interfaces, and start() stops before anything is published if it did
// not take the address we expect.
import { execFileSync, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { JsonDriver } from './json-driver.ts'
import { netnsAvailable, type TestHost } from './netns.ts'

const SCRIPT = fileURLToPath(new URL('./czmq_beacon.py', import.meta.url))
const PYTHON = '/usr/bin/python3'
// Read by czmq at init; any of them would take zbeacon off IPv4 broadcast on the pinned interface.
const UNSET = ['ZSYS_IPV6', 'ZSYS_IPV6_ADDRESS', 'ZSYS_IPV6_MCAST_ADDRESS', 'ZSYS_IPV4_MCAST_ADDRESS']

export interface CzmqEvent {
  event: string
  hostname?: string
  interface?: string
  ipv6?: boolean
  version?: string
  address?: string
  payload?: string
  port?: number
  greeting?: string
}

export interface CzmqReceived {
  address: string
  payload: Buffer
}

/** Root, `ip netns` and libczmq4 (loadable by /usr/bin/python3's ctypes), or why not. */
export function czmqBeaconAvailable(): { ok: true } | { ok: false; why: string } {
  const ns = netnsAvailable()
  if (!ns.ok) return ns
  try {
    execFileSync(PYTHON, [SCRIPT, '--check'], { stdio: ['ignore', 'pipe', 'pipe'] })
    return { ok: true }
  } catch (err) {
    const said = String((err as { stderr?: Buffer }).stderr ?? '').trim().split('\n').pop() || (err as Error).message
    return { ok: false, why: `libczmq4 not loadable from ${PYTHON} ctypes (apt-get install libczmq4): ${said}` }
  }
}

export class CzmqBeacon extends JsonDriver<CzmqEvent, CzmqEvent[]> {
  /** Unasked events: 'ready', 'beacon' and 'accepted'. */
  readonly events: CzmqEvent[] = []
  private replies: CzmqEvent[] = []

  private constructor(host: TestHost, ifname: string) {
    const env: NodeJS.ProcessEnv = { ...process.env, ZSYS_INTERFACE: ifname, ZSYS_LOGSTREAM: 'stderr', ZSYS_SIGHANDLER: 'false' }
    for (const k of UNSET) delete env[k]
    super('czmq beacon driver', spawn('ip', ['netns', 'exec', host.ns, PYTHON, SCRIPT], { env, stdio: ['pipe', 'pipe', 'pipe'] }))
  }

  /**
   * Starts zbeacon in `host`'s namespace on `ifname` (default: the host's first interface) and
   * configures `port`. Throws, having published nothing, unless zbeacon took that interface's address.
   */
  static async start(host: TestHost, port: number, ifname = host.ifname): Promise<CzmqBeacon> {
    const czmq = new CzmqBeacon(host, ifname)
    try {
      const hostname = await czmq.configure(port)
      const expected = host.ifaces.find((i) => i.name === ifname)?.address
      if (hostname !== expected) throw new Error(`zbeacon took '${hostname}', not ${ifname} (${expected}): ${czmq.stderrTail()}`)
    } catch (err) {
      await czmq.close()
      throw err
    }
    return czmq
  }

  /** CONFIGURE: zbeacon's answer, the interface address it chose ('' when it found none). */
  async configure(port: number): Promise<string> {
    const replies = await this.call({ op: 'configure', port })
    return replies.find((r) => r.event === 'configured')?.hostname ?? ''
  }

  async publish(payload: Buffer, interval: number): Promise<void> {
    await this.call({ op: 'publish', payload: payload.toString('hex'), interval })
  }

  async silence(): Promise<void> {
    await this.call({ op: 'silence' })
  }

  async subscribe(filter: Buffer): Promise<void> {
    await this.call({ op: 'subscribe', filter: filter.toString('hex') })
  }

  async unsubscribe(): Promise<void> {
    await this.call({ op: 'unsubscribe' })
  }

  /** A plain TCP listener next to the actor, to see who connects to an advertised port. */
  async listen(address: string): Promise<number> {
    const replies = await this.call({ op: 'listen', address })
    return replies.find((r) => r.event === 'listening')!.port!
  }

  /** The beacons zbeacon passed on: [ipaddress, payload] as its pipe delivers them. */
  get beacons(): CzmqReceived[] {
    return this.events.filter((e) => e.event === 'beacon').map((e) => ({ address: e.address!, payload: Buffer.from(e.payload!, 'hex') }))
  }

  get ready(): CzmqEvent | undefined {
    return this.events.find((e) => e.event === 'ready')
  }

  protected onLine(e: CzmqEvent): void {
    if (e.event === 'done') {
      const replies = this.replies
      this.replies = []
      this.answer(replies)
    } else if (e.event === 'configured' || e.event === 'listening') {
      this.replies.push(e)
    } else {
      this.events.push(e)
    }
  }
}
