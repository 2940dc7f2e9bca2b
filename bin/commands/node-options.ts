// Command-line options shared by the commands that run a Zyre node (ping, chat), and the
// translation of their values into ZyreOptions.
import type { ParseArgsConfig } from 'node:util'
import { ZyreError, ZyreErrorCode, type RequiredPeer, type ZyreOptions } from '../../lib/index.ts'
import { CertError, readCert } from './curve-cert.ts'

export const nodeOptionSpecs = {
  name: { type: 'string' },
  interface: { type: 'string', short: 'i' },
  port: { type: 'string', short: 'p' },
  interval: { type: 'string' },
  evasive: { type: 'string' },
  expired: { type: 'string' },
  header: { type: 'string', multiple: true },
  'curve-cert': { type: 'string' },
  'gossip-bind': { type: 'string' },
  'gossip-connect': { type: 'string', multiple: true },
  contest: { type: 'string', multiple: true },
  require: { type: 'string', multiple: true },
  verbose: { type: 'boolean', short: 'v' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options']

export const nodeOptionsHelp = `node options:
  --name NAME          public name (default: first 6 hex digits of the UUID)
  -i, --interface I    interface name or IP address; 'lo' for loopback (default: first LAN interface)
  -p, --port N         beacon UDP port (default 5670)
  --interval MS        beacon interval (default 1000)
  --evasive MS         silence before a peer is pinged and reported EVASIVE (default 5000)
  --expired MS         silence before a peer is removed (default 30000)
  --header K=V         a HELLO header, repeatable
  --curve-cert FILE    encrypt with CURVE using this secret certificate (zyre keygen --out FILE,
                       or a C node's zcert file); only peers with keys are seen
  --gossip-bind EP     discover through gossip instead of beacons, serving it at EP
                       (e.g. tcp://*:5671)
  --gossip-connect EP  discover through the gossip server at EP instead of beacons, repeatable
  --contest G          stand for leader of group G (LEADER events report each election), repeatable
  --require ID@EP      meet the node ID at endpoint EP without discovery (EP|KEY with --curve-cert:
                       its Z85 public key), repeatable
  -v, --verbose        trace the protocol on stderr
  --json               one JSON object per event per line`

export interface NodeOptionValues {
  name?: string | undefined
  interface?: string | undefined
  port?: string | undefined
  interval?: string | undefined
  evasive?: string | undefined
  expired?: string | undefined
  header?: string[] | undefined
  'curve-cert'?: string | undefined
  'gossip-bind'?: string | undefined
  'gossip-connect'?: string[] | undefined
  contest?: string[] | undefined
  require?: string[] | undefined
  verbose?: boolean | undefined
}

export class UsageError extends Error {}

function integer(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${flag} takes a positive integer, got '${value}'`)
  return n
}

export function toZyreOptions(v: NodeOptionValues): ZyreOptions {
  const headers = new Map<string, string>()
  for (const h of v.header ?? []) {
    const eq = h.indexOf('=')
    if (eq <= 0) throw new UsageError(`--header takes KEY=VALUE, got '${h}'`)
    headers.set(h.slice(0, eq), h.slice(eq + 1))
  }
  const o: ZyreOptions = { headers }
  if (v.name !== undefined) o.name = v.name
  if (v.interface !== undefined) o.interface = v.interface
  const port = integer('port', v.port)
  if (port !== undefined) {
    if (port > 65535) throw new UsageError(`--port must be at most 65535`)
    o.port = port
  }
  const interval = integer('interval', v.interval)
  if (interval !== undefined) o.interval = interval
  const evasive = integer('evasive', v.evasive)
  if (evasive !== undefined) o.evasiveTimeout = evasive
  const expired = integer('expired', v.expired)
  if (expired !== undefined) o.expiredTimeout = expired
  if (v['curve-cert'] !== undefined) o.curve = readCert(v['curve-cert'])
  if (v['gossip-bind'] !== undefined || v['gossip-connect'] !== undefined) {
    o.gossip = { ...(v['gossip-bind'] !== undefined && { bind: v['gossip-bind'] }), connect: v['gossip-connect'] ?? [] }
  }
  if (v.contest !== undefined) o.contest = v.contest
  if (v.require !== undefined) o.require = v.require.map(requiredPeer)
  if (v.verbose) o.logger = (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`)
  return o
}

/** --require ID@EP or ID@EP|KEY. */
function requiredPeer(text: string): RequiredPeer {
  const at = text.indexOf('@')
  const bar = text.lastIndexOf('|')
  if (at <= 0) throw new UsageError(`--require takes ID@ENDPOINT (or ID@ENDPOINT|KEY), got '${text}'`)
  const endpoint = bar > at ? text.slice(at + 1, bar) : text.slice(at + 1)
  return { peer: text.slice(0, at), endpoint, ...(bar > at && { publicKey: text.slice(bar + 1) }) }
}

/** Runs a command body; a usage mistake prints the message and the help, and exits 2. */
export async function withUsage(help: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body()
  } catch (err) {
    const badOption = err instanceof ZyreError && err.code === ZyreErrorCode.BAD_ARGUMENT
    if (err instanceof UsageError || err instanceof CertError || badOption || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(err as Error).message}\n\n${help}\n`)
      return 2
    }
    throw err
  }
}
