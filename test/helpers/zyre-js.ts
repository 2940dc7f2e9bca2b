// Loads the zyre.js npm package (an independent ZRE implementation) for interop tests and the
// benchmark. zyre.js requires the zeromq v5 API; our devDependency is zeromq v6, whose
// 'zeromq/v5-compat' module provides that API, so require('zeromq') is redirected there while
// zyre.js loads.
import { createRequire } from 'node:module'
import Module from 'node:module'

export interface ZyreJsOptions {
  name?: string
  iface?: string
  headers?: Record<string, string>
  evasive?: number
  expired?: number
  port?: number
  bport?: number
  binterval?: number
}

export interface ZyreJsPeer {
  name: string
  headers: Record<string, string>
}

export interface ZyreJs {
  start(): Promise<void>
  stop(): Promise<void>
  whisper(identity: string, message: string | Buffer): void
  shout(group: string, message: string | Buffer): void
  join(group: string): void
  leave(group: string): void
  getIdentity(): string
  getPeers(): Record<string, ZyreJsPeer>
  setEncoding(encoding: string | null): void
  on(event: 'connect', fn: (id: string, name: string, headers: Record<string, string>) => void): this
  on(event: 'disconnect' | 'expired', fn: (id: string, name: string) => void): this
  on(event: 'whisper', fn: (id: string, name: string, message: string | Buffer) => void): this
  on(event: 'shout', fn: (id: string, name: string, message: string | Buffer, group: string) => void): this
  on(event: 'join' | 'leave', fn: (id: string, name: string, group: string) => void): this
}

export type ZyreJsCtor = new (options: ZyreJsOptions) => ZyreJs

const require = createRequire(import.meta.url)
let ctor: ZyreJsCtor | undefined

export function loadZyreJs(): ZyreJsCtor {
  if (ctor) return ctor
  const compat = require.resolve('zeromq/v5-compat')
  const mod = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string }
  const original = mod._resolveFilename
  mod._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === 'zeromq' ? compat : original.call(this, request, ...rest)
  }
  try {
    ctor = require('zyre.js') as ZyreJsCtor
  } finally {
    mod._resolveFilename = original
  }
  return ctor
}
