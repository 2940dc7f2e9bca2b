// Test hosts in network namespaces, so discovery can be tested across "machines" without sending
// a single packet on the real network. A TestNet creates namespaces (hosts), joins them with veth
// pairs (point-to-point links) or with a bridge (a shared segment), and removes everything in
// destroy(), on process exit, on SIGINT/SIGTERM, and on failure while building. Namespaces left
// behind by a killed run (named zt-<pid>-...) are swept when the next TestNet is created.
// Needs root and iproute2; netnsAvailable() says whether tests can use it.
//
// Addresses live only inside the namespaces, so every run can use the same private test range
// (10.231.<link>.<host>/24) without clashing; namespace names carry the pid so parallel runs don't.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'

export interface TestIface {
  /** Interface name inside the host's namespace: eth0, eth1, ... */
  name: string
  address: string
  prefixLength: number
  /** IPv6 link-local address (DAD is off, so it is usable at once). */
  address6?: string
}

export class TestHost {
  readonly ifaces: TestIface[] = []
  constructor(
    readonly ns: string,
    readonly label: string,
  ) {}
  private first(): TestIface {
    const i = this.ifaces[0]
    if (!i) throw new Error(`test host ${this.label} has no interface yet`)
    return i
  }
  /** The first interface's name, address and link-local address (most tests need only one). */
  get ifname(): string {
    return this.first().name
  }
  get address(): string {
    return this.first().address
  }
  get address6(): string | undefined {
    return this.first().address6
  }
}

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

export function netnsAvailable(): { ok: true } | { ok: false; why: string } {
  if (process.getuid?.() !== 0) return { ok: false, why: 'needs root to create network namespaces' }
  try {
    ip(['netns', 'list'])
    return { ok: true }
  } catch (err) {
    return { ok: false, why: `ip netns unavailable: ${(err as Error).message}` }
  }
}

const PREFIX = 'zt-'

/** Deletes namespaces of earlier runs whose process is gone (a run killed with SIGKILL). */
export function sweepStaleNamespaces(): string[] {
  const removed: string[] = []
  let list: string
  try {
    list = ip(['netns', 'list'])
  } catch {
    return removed
  }
  for (const line of list.split('\n')) {
    const name = line.split(' ')[0] ?? ''
    const m = /^zt-(\d+)-/.exec(name)
    if (!m) continue
    const pid = Number(m[1])
    if (pid === process.pid || isAlive(pid)) continue
    try {
      ip(['netns', 'del', name])
      removed.push(name)
    } catch {
      // someone else removed it first
    }
  }
  return removed
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

let netCounter = 0

export class TestNet {
  readonly id: string
  private readonly hosts: TestHost[] = []
  private readonly extraNs: string[] = []
  private readonly children = new Set<ChildProcess>()
  private linkCounter = 0
  private destroyed = false
  private readonly onExit = (): void => this.destroy()
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    this.destroy()
    // Behave as if we had not been listening: die of the same signal.
    process.kill(process.pid, signal)
  }

  constructor() {
    sweepStaleNamespaces()
    this.id = `${PREFIX}${process.pid}-${netCounter++}`
    process.on('exit', this.onExit)
    process.once('SIGINT', this.onSignal)
    process.once('SIGTERM', this.onSignal)
  }

  /** A new namespace with lo up and IPv6 duplicate address detection off. */
  host(label: string): TestHost {
    const h = new TestHost(`${this.id}-${label}`, label)
    this.guard(() => {
      ip(['netns', 'add', h.ns])
      this.hosts.push(h)
      ip(['netns', 'exec', h.ns, 'sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0'])
      ip(['-n', h.ns, 'link', 'set', 'lo', 'up'])
    })
    return h
  }

  /** Joins two hosts with a veth pair; they get 10.231.<n>.1/24 and 10.231.<n>.2/24. */
  link(a: TestHost, b: TestHost): [TestIface, TestIface] {
    const subnet = ++this.linkCounter
    const ia: TestIface = { name: `eth${a.ifaces.length}`, address: `10.231.${subnet}.1`, prefixLength: 24 }
    const ib: TestIface = { name: `eth${b.ifaces.length}`, address: `10.231.${subnet}.2`, prefixLength: 24 }
    this.guard(() => {
      // Created directly inside the namespaces: the names never exist in the root namespace.
      ip(['link', 'add', ia.name, 'netns', a.ns, 'type', 'veth', 'peer', 'name', ib.name, 'netns', b.ns])
      this.configure(a, ia)
      this.configure(b, ib)
      this.readLinkLocal(a, ia)
      this.readLinkLocal(b, ib)
    })
    return [ia, ib]
  }

  /** Puts hosts on one shared segment (a bridge in its own namespace); 10.231.<n>.<i+1>/24. */
  segment(members: TestHost[]): TestIface[] {
    const subnet = ++this.linkCounter
    const sw = `${this.id}-sw${subnet}`
    const out: TestIface[] = []
    this.guard(() => {
      ip(['netns', 'add', sw])
      this.extraNs.push(sw)
      // No multicast snooping: with no querier on the segment every group is simply flooded.
      ip(['-n', sw, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0'])
      ip(['-n', sw, 'link', 'set', 'br0', 'up'])
      members.forEach((h, i) => {
        const iface: TestIface = { name: `eth${h.ifaces.length}`, address: `10.231.${subnet}.${i + 1}`, prefixLength: 24 }
        ip(['link', 'add', iface.name, 'netns', h.ns, 'type', 'veth', 'peer', 'name', `p${i}`, 'netns', sw])
        ip(['-n', sw, 'link', 'set', `p${i}`, 'master', 'br0', 'up'])
        this.configure(h, iface)
        out.push(iface)
      })
      members.forEach((h, i) => this.readLinkLocal(h, out[i]!))
    })
    return out
  }

  /** Runs a command inside a host's namespace and returns its stdout. */
  exec(host: TestHost, args: string[]): string {
    return ip(['netns', 'exec', host.ns, ...args])
  }

  /**
   * Starts `node --import tsx script args...` inside a host's namespace, from the repo root.
   * stdin is a pipe: a well-behaved child exits when it closes. destroy() kills what is left.
   */
  spawn(host: TestHost, script: string, args: string[]): ChildProcess {
    const root = new URL('../../', import.meta.url).pathname
    // `ip netns exec` execs the command, so child.pid is node's own pid.
    const child = spawn('ip', ['netns', 'exec', host.ns, process.execPath, '--import', 'tsx', script, ...args], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    })
    this.children.add(child)
    child.once('exit', () => this.children.delete(child))
    return child
  }

  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    process.off('exit', this.onExit)
    process.off('SIGINT', this.onSignal)
    process.off('SIGTERM', this.onSignal)
    for (const c of this.children) {
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
    }
    for (const ns of [...this.hosts.map((h) => h.ns), ...this.extraNs]) {
      try {
        ip(['netns', 'del', ns])
      } catch {
        // already gone
      }
    }
  }

  private configure(h: TestHost, iface: TestIface): void {
    ip(['-n', h.ns, 'addr', 'add', `${iface.address}/${iface.prefixLength}`, 'brd', '+', 'dev', iface.name])
    ip(['-n', h.ns, 'link', 'set', iface.name, 'up'])
    h.ifaces.push(iface)
  }

  // The link-local address appears once the link has carrier, i.e. once both ends are up.
  private readLinkLocal(h: TestHost, iface: TestIface): void {
    const out = ip(['-n', h.ns, '-6', 'addr', 'show', 'dev', iface.name, 'scope', 'link'])
    const m = /inet6 (fe80::[0-9a-f:]+)\//.exec(out)
    if (m) iface.address6 = m[1]!
  }

  // Building a topology half-way and failing must still leave nothing behind.
  private guard(build: () => void): void {
    try {
      build()
    } catch (err) {
      this.destroy()
      throw err
    }
  }
}

export interface TwoHosts {
  a: TestHost
  b: TestHost
  net: TestNet
  subnet: string
  destroy(): void
  exec(host: TestHost, args: string[]): string
}

/** The common case: two hosts joined by a veth pair, 10.231.1.1/24 (a) and 10.231.1.2/24 (b). */
export function createTwoHosts(): TwoHosts {
  const net = new TestNet()
  const a = net.host('a')
  const b = net.host('b')
  net.link(a, b)
  return { a, b, net, subnet: '10.231.1.0/24', destroy: () => net.destroy(), exec: (h, args) => net.exec(h, args) }
}

/** Starts a tsx script in a namespace (prefer TestNet.spawn, which also kills it in destroy()). */
export function spawnInNamespace(host: TestHost, script: string, args: string[]): ChildProcess {
  const root = new URL('../../', import.meta.url).pathname
  return spawn('ip', ['netns', 'exec', host.ns, process.execPath, '--import', 'tsx', script, ...args], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  })
}

/** Calls onLine for each JSON line a child process prints; non-JSON lines go to onOther. */
export function jsonLines<T>(child: ChildProcess, onLine: (v: T) => void, onOther?: (line: string) => void): void {
  let rest = ''
  child.stdout!.setEncoding('utf8')
  child.stdout!.on('data', (chunk: string) => {
    rest += chunk
    let nl
    while ((nl = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, nl)
      rest = rest.slice(nl + 1)
      if (!line.trim()) continue
      let v: T
      try {
        v = JSON.parse(line) as T
      } catch {
        onOther?.(line)
        continue
      }
      onLine(v)
    }
  })
}
