// Shared plumbing for Connection tests: loopback TCP pairs and an event recorder.
import * as net from 'node:net'
import { once } from 'node:events'
import { Connection, type ConnectionOptions, type PeerInfo } from '../../../zmtp/connection/connection.ts'
import type { ZmtpError } from '../../../zmtp/errors.ts'
import { FrameDecoder } from '../../../zmtp/codec/frame-decoder.ts'
import { encodeGreeting } from '../../../zmtp/codec/greeting.ts'
import { encodeReady, parseCommand } from '../../../zmtp/codec/commands.ts'

export function options(o: Partial<ConnectionOptions> = {}): ConnectionOptions {
  return {
    socketType: 'DEALER',
    mechanism: 'NULL',
    maxMessageSize: -1,
    handshakeTimeout: 10_000,
    heartbeatInterval: 0,
    heartbeatTimeout: 0,
    heartbeatTimeToLive: 0,
    address: 'test',
    ...o,
  }
}

export async function connectTcp(port: number, host = '127.0.0.1'): Promise<net.Socket> {
  const s = net.connect(port, host)
  await once(s, 'connect')
  return s
}

/** A loopback listener; `accept()` resolves with the next accepted socket. */
export async function listen(): Promise<{ port: number; accept(): Promise<net.Socket>; close(): void }> {
  const server = net.createServer()
  const waiting: ((s: net.Socket) => void)[] = []
  const queued: net.Socket[] = []
  server.on('connection', (s) => {
    const w = waiting.shift()
    if (w) w(s)
    else queued.push(s)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    port: (server.address() as net.AddressInfo).port,
    accept: () => {
      const q = queued.shift()
      return q ? Promise.resolve(q) : new Promise((r) => waiting.push(r))
    },
    close: () => server.close(),
  }
}

/** Records everything a Connection emits. */
export class Recorder {
  readonly errors: ZmtpError[] = []
  readonly messages: Buffer[][] = []
  readonly subscriptions: [string, boolean][] = []
  closes = 0
  closeErr: ZmtpError | undefined
  peer: PeerInfo | undefined
  readonly ready: Promise<PeerInfo>
  readonly closed: Promise<ZmtpError | undefined>
  private waiters: (() => void)[] = []

  constructor(readonly conn: Connection) {
    this.ready = new Promise((resolve) => conn.on('ready', (p) => { this.peer = p; resolve(p) }))
    this.closed = new Promise((resolve) =>
      conn.on('close', (e) => {
        this.closes++
        this.closeErr = e
        resolve(e)
      }),
    )
    conn.on('error', (e) => this.errors.push(e))
    conn.on('message', (f) => {
      this.messages.push(f)
      this.wake()
    })
    conn.on('subscribe', (topic, on) => {
      this.subscriptions.push([topic.toString(), on])
      this.wake()
    })
  }

  private wake(): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }

  /** Resolves when `n` messages have arrived in total. */
  async messagesAtLeast(n: number): Promise<Buffer[][]> {
    while (this.messages.length < n) await new Promise<void>((r) => this.waiters.push(r))
    return this.messages
  }

  async subscriptionsAtLeast(n: number): Promise<[string, boolean][]> {
    while (this.subscriptions.length < n) await new Promise<void>((r) => this.waiters.push(r))
    return this.subscriptions
  }
}

export function connection(stream: net.Socket, o: Partial<ConnectionOptions> = {}): { conn: Connection; rec: Recorder } {
  const conn = new Connection(stream, options(o))
  return { conn, rec: new Recorder(conn) }
}

export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * A hand-driven peer on a raw socket: it parses what our Connection sends (greeting, then
 * frames) and lets the test write any bytes back, valid or not.
 */
export class RawPeer {
  greeting: Buffer | undefined
  readonly commands: { name: string; data: Buffer }[] = []
  readonly messages: Buffer[][] = []
  closed = false
  private buf = Buffer.alloc(0)
  private readonly decoder: FrameDecoder
  private waiters: (() => void)[] = []

  constructor(readonly socket: net.Socket) {
    this.decoder = new FrameDecoder({
      onMessage: (f) => this.messages.push(f.map((b) => Buffer.from(b))),
      onCommand: (b) => {
        const c = parseCommand(b)
        this.commands.push({ name: c.name, data: Buffer.from(c.data) })
      },
    })
    socket.on('data', (d: Buffer) => {
      if (this.greeting === undefined) {
        this.buf = Buffer.concat([this.buf, d])
        if (this.buf.length < 64) return
        this.greeting = this.buf.subarray(0, 64)
        d = this.buf.subarray(64)
      }
      this.decoder.push(d)
      this.wake()
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      this.closed = true
      this.wake()
    })
  }

  private wake(): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }

  /** Resolves once `pred` holds (checked after every chunk and at close). */
  async until(pred: () => boolean): Promise<void> {
    while (!pred()) {
      if (this.closed) throw new Error('raw peer closed while waiting')
      await new Promise<void>((r) => this.waiters.push(r))
    }
  }

  write(b: Buffer): void {
    this.socket.write(b)
  }

  /** Greeting + READY of a well-behaved NULL peer. */
  handshake(socketType = 'ROUTER', minor = 1): void {
    this.write(encodeGreeting({ mechanism: 'NULL', asServer: false, minor }))
    this.write(encodeReady([['Socket-Type', Buffer.from(socketType)]]))
  }
}
