// Test hosts in network namespaces: creates N namespaces joined by veth pairs to a shared
// bridge-less link (two hosts: one veth pair), each with lo up and an address in a private
// test subnet. Everything is removed by destroy(), on process exit, and on failure.
// Needs root and iproute2; `netnsAvailable()` says whether tests can use it.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'

export interface TestHost {
  ns: string
  ifname: string
  address: string
  /** IPv6 link-local address of ifname once configured. */
  address6?: string
}

export interface TwoHosts {
  a: TestHost
  b: TestHost
  subnet: string
  destroy(): void
  exec(host: TestHost, args: string[]): string
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

let counter = 0

/** Two namespaces joined by a veth pair, addresses 10.231.S.1/24 and 10.231.S.2/24. */
export function createTwoHosts(): TwoHosts {
  const tag = `${process.pid % 100000}${counter++}`
  const subnetByte = (process.pid + counter * 7) % 250
  const a: TestHost = { ns: `zt${tag}a`, ifname: `vz${tag}a`, address: `10.231.${subnetByte}.1` }
  const b: TestHost = { ns: `zt${tag}b`, ifname: `vz${tag}b`, address: `10.231.${subnetByte}.2` }
  let destroyed = false
  const destroy = (): void => {
    if (destroyed) return
    destroyed = true
    process.off('exit', destroy)
    for (const h of [a, b]) {
      try {
        ip(['netns', 'del', h.ns])
      } catch {
        // already gone
      }
    }
  }
  process.on('exit', destroy)
  try {
    for (const h of [a, b]) ip(['netns', 'add', h.ns])
    ip(['link', 'add', a.ifname, 'netns', a.ns, 'type', 'veth', 'peer', 'name', b.ifname, 'netns', b.ns])
    for (const h of [a, b]) {
      // No duplicate address detection: link-local IPv6 is usable at once.
      ip(['netns', 'exec', h.ns, 'sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0'])
      ip(['-n', h.ns, 'link', 'set', 'lo', 'up'])
      ip(['-n', h.ns, 'addr', 'add', `${h.address}/24`, 'brd', '+', 'dev', h.ifname])
      ip(['-n', h.ns, 'link', 'set', h.ifname, 'up'])
    }
    for (const h of [a, b]) {
      const out = ip(['-n', h.ns, '-6', 'addr', 'show', 'dev', h.ifname, 'scope', 'link'])
      const m = /inet6 (fe80::[0-9a-f:]+)\//.exec(out)
      if (m) h.address6 = m[1]!
    }
  } catch (err) {
    destroy()
    throw err
  }
  return {
    a,
    b,
    subnet: `10.231.${subnetByte}.0/24`,
    destroy,
    exec: (host, args) => ip(['netns', 'exec', host.ns, ...args]),
  }
}

/** Starts `node --import tsx script args...` inside a namespace, from the repo root. */
export function spawnInNamespace(host: TestHost, script: string, args: string[]): ChildProcess {
  const root = new URL('../../', import.meta.url).pathname
  return spawn('ip', ['netns', 'exec', host.ns, process.execPath, '--import', 'tsx', script, ...args], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  })
}

/** Collects JSON lines printed by a child process. */
export function jsonLines<T>(child: ChildProcess, onLine: (v: T) => void): void {
  let rest = ''
  child.stdout!.setEncoding('utf8')
  child.stdout!.on('data', (chunk: string) => {
    rest += chunk
    let nl
    while ((nl = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, nl)
      rest = rest.slice(nl + 1)
      if (line.trim()) onLine(JSON.parse(line) as T)
    }
  })
}
