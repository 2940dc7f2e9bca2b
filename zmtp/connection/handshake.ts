// The security handshake after the greetings (RFC 23 NULL, RFC 24 PLAIN, RFC 26 CURVE through
// zmtp/curve/), the socket-type check
// of RFC 37, and its deadline (handshakeTimeout). It only decides: bytes go out and results come
// back through the host.

import { ZmtpError } from '../errors.ts'
import type { Greeting } from '../codec/greeting.ts'
import { encodeCommand } from '../codec/frame.ts'
import {
  decodeError, decodeHello, decodeProperties, decodeWelcome, encodeHello, encodeWelcome,
} from '../codec/commands.ts'
import { isCompatible, isSocketTypeName, type SocketTypeName } from '../socket-type.ts'
import type { ConnectionOptions, PeerInfo } from './connection-types.ts'
import { ourMetadata, type OurMetadata } from './our-metadata.ts'
import { deadlinesOf, type DeadlineQueue, type Expiring } from './deadlines.ts'
import { CurveClient } from '../curve/client.ts'
import { CurveServer } from '../curve/server.ts'
import type { CurveMessageCodec } from '../curve/message-codec.ts'
import { z85Encode } from '../curve/z85.ts'

export interface HandshakeHost {
  write(buf: Buffer): void
  pauseInput(): void
  resumeInput(): void
  /** `curve`: the codec every later frame goes through (CURVE only). */
  handshakeDone(peer: PeerInfo, curve: CurveMessageCodec | undefined): void
  fail(err: ZmtpError, reason?: string): void
  readonly closed: boolean
}

const KNOWN_MECHANISMS = new Set(['NULL', 'PLAIN', 'CURVE', 'GSSAPI'])

/** The versions we speak, shared by every connection's PeerInfo. */
const V30: PeerInfo['version'] = Object.freeze({ major: 3, minor: 0 })
const V31: PeerInfo['version'] = Object.freeze({ major: 3, minor: 1 })

type Step =
  | 'greeting'
  | 'null-ready' // NULL: waiting for the peer's READY
  | 'plain-welcome' // PLAIN client: HELLO sent, waiting for WELCOME
  | 'plain-ready' // PLAIN client: INITIATE sent, waiting for READY
  | 'plain-hello' // PLAIN server: waiting for HELLO
  | 'plain-auth' // PLAIN server: authenticate() running
  | 'plain-initiate' // PLAIN server: WELCOME sent, waiting for INITIATE
  | 'curve-welcome' // CURVE client: HELLO sent, waiting for WELCOME
  | 'curve-ready' // CURVE client: INITIATE sent, waiting for READY
  | 'curve-hello' // CURVE server: waiting for HELLO
  | 'curve-initiate' // CURVE server: WELCOME sent, waiting for INITIATE
  | 'curve-auth' // CURVE server: curveAuthenticate() running
  | 'done'

export class Handshake implements Expiring {
  private readonly host: HandshakeHost
  private readonly opts: ConnectionOptions
  private step: Step = 'greeting'
  private version: PeerInfo['version'] = V31
  private userId: string | undefined
  /** The handshakeTimeout deadline: its queue and entry. */
  private deadlines: DeadlineQueue | undefined
  private deadline = 0

  /** Our metadata, encoded up front so bad options throw from the constructor, not mid-handshake. */
  private readonly ours: OurMetadata
  private readonly hello: Buffer | undefined
  private curveClient: CurveClient | undefined
  private curveServer: CurveServer | undefined
  private curve: CurveMessageCodec | undefined

  constructor(host: HandshakeHost, opts: ConnectionOptions) {
    this.host = host
    this.opts = opts
    this.ours = ourMetadata(opts)
    this.hello = opts.mechanism === 'PLAIN' && opts.plainServer !== true
      ? encodeHello(opts.plainUsername ?? '', opts.plainPassword ?? '')
      : undefined
  }

  stop(): void {
    this.step = 'done'
  }

  /** Fails the connection unless the handshake is done within handshakeTimeout (0 = no limit). */
  startTimer(): void {
    const ms = this.opts.handshakeTimeout
    if (ms > 0) {
      this.deadlines = deadlinesOf(ms)
      this.deadline = this.deadlines.add(this)
    }
  }

  stopTimer(): void {
    this.deadlines?.cancel(this.deadline)
    this.deadlines = undefined
  }

  /** @internal The handshakeTimeout passed. */
  expired(): void {
    this.deadlines = undefined
    this.host.fail(new ZmtpError('ZMTP_HANDSHAKE_TIMEOUT', `handshake not finished within ${this.opts.handshakeTimeout} ms`))
  }

  onGreeting(g: Greeting): void {
    const ours = this.opts.mechanism
    // A newer peer downgrades to us (RFC 23); we report what we speak together.
    this.version = g.major > 3 || g.minor >= 1 ? V31 : V30
    if (g.mechanism !== ours) {
      const code = KNOWN_MECHANISMS.has(g.mechanism) ? 'ZMTP_MECHANISM_MISMATCH' : 'ZMTP_UNKNOWN_MECHANISM'
      throw new ZmtpError(code, `peer uses mechanism ${g.mechanism}, we use ${ours}`)
    }
    if (ours === 'NULL') {
      this.host.write(this.ours.ready)
      this.step = 'null-ready'
      return
    }
    if (ours === 'CURVE') {
      this.startCurve()
      return
    }
    // The role comes from our own options only: libzmq 4.3 PLAIN servers send as-server = 0.
    if (this.opts.plainServer === true) {
      this.step = 'plain-hello'
    } else {
      this.host.write(this.hello!)
      this.step = 'plain-welcome'
    }
  }

  onCommand(name: string, data: Buffer): void {
    if (name === 'ERROR') {
      const reason = decodeError(data)
      const rejected = this.step === 'plain-welcome' || this.step === 'plain-ready' || this.step === 'curve-ready'
      throw new ZmtpError(rejected ? 'ZMTP_AUTH_FAILED' : 'ZMTP_PEER_ERROR', `peer refused the handshake: ${reason}`)
    }
    switch (this.step) {
      case 'null-ready':
      case 'plain-ready':
        this.expect(name, 'READY')
        this.finish(decodeProperties(data))
        return
      case 'plain-welcome':
        this.expect(name, 'WELCOME')
        decodeWelcome(data)
        this.host.write(encodeCommand('INITIATE', this.ours.properties))
        this.step = 'plain-ready'
        return
      case 'plain-hello': {
        this.expect(name, 'HELLO')
        const hello = decodeHello(data)
        this.step = 'plain-auth'
        this.authenticate(hello.username, hello.password)
        return
      }
      case 'plain-initiate': {
        this.expect(name, 'INITIATE')
        const props = decodeProperties(data)
        if (this.checkPeerType(props) === undefined) return
        this.host.write(this.ours.ready)
        this.finish(props)
        return
      }
      case 'curve-welcome':
        this.expect(name, 'WELCOME')
        this.curveClient!.welcome(data)
        this.host.write(this.curveClient!.initiate(this.ours.properties))
        this.step = 'curve-ready'
        return
      case 'curve-ready': {
        this.expect(name, 'READY')
        const { metadata, messages } = this.curveClient!.ready(data)
        this.curveClient = undefined
        this.curve = messages
        this.finish(decodeProperties(metadata))
        return
      }
      case 'curve-hello':
        this.expect(name, 'HELLO')
        this.curveServer!.hello(data)
        this.host.write(this.curveServer!.welcome())
        this.step = 'curve-initiate'
        return
      case 'curve-initiate': {
        this.expect(name, 'INITIATE')
        const { clientKey, metadata } = this.curveServer!.initiate(data)
        const props = decodeProperties(metadata)
        if (this.checkPeerType(props) === undefined) return
        const publicKey = z85Encode(clientKey)
        this.step = 'curve-auth'
        const auth = this.opts.curveAuthenticate
        this.ask(auth === undefined ? undefined : () => auth({ publicKey, address: this.opts.address }), (ok) => {
          if (this.step !== 'curve-auth') return
          if (!ok) {
            this.step = 'done'
            // A ZAP status code as the reason: libzmq clients report it as an authentication failure.
            this.host.fail(new ZmtpError('ZMTP_AUTH_FAILED', `CURVE client key ${publicKey} rejected`), '400')
            return
          }
          const { frame, messages } = this.curveServer!.ready(this.ours.properties)
          this.curveServer = undefined
          this.curve = messages
          this.userId = publicKey
          this.host.write(frame)
          this.finish(props)
        })
        return
      }
      default:
        throw new ZmtpError('ZMTP_UNEXPECTED_COMMAND', `${name} during the handshake`)
    }
  }

  private startCurve(): void {
    const o = this.opts
    if (o.curveServer === true) {
      this.curveServer = new CurveServer({ publicKey: o.curvePublicKey!, secretKey: o.curveSecretKey! })
      this.step = 'curve-hello'
    } else {
      this.curveClient = new CurveClient({ publicKey: o.curvePublicKey!, secretKey: o.curveSecretKey!, serverKey: o.curveServerKey! })
      this.host.write(this.curveClient.hello())
      this.step = 'curve-welcome'
    }
  }

  private expect(name: string, wanted: string): void {
    if (name !== wanted) throw new ZmtpError('ZMTP_UNEXPECTED_COMMAND', `expected ${wanted}, got ${name}`)
  }

  private authenticate(username: string, password: string): void {
    const auth = this.opts.authenticate
    this.ask(auth === undefined ? undefined : () => auth({ username, password, address: this.opts.address }), (ok) => this.authenticated(username, ok))
  }

  /**
   * Runs a server's check (none: accepted) and gives its verdict to `then`, at once when it has
   * one, else once its promise settles; a check that throws or rejects says no. Input waits
   * while the verdict is pending: nothing the client sends may overtake it.
   */
  private ask(check: (() => boolean | Promise<boolean>) | undefined, then: (ok: boolean) => void): void {
    if (check === undefined) {
      then(true)
      return
    }
    this.host.pauseInput()
    let verdict: boolean | Promise<boolean>
    try {
      verdict = check()
    } catch {
      verdict = false
    }
    Promise.resolve(verdict).then(
      (ok) => {
        if (this.host.closed) return
        then(ok === true)
        if (!this.host.closed) this.host.resumeInput()
      },
      () => {
        if (!this.host.closed) then(false)
      },
    )
  }

  private authenticated(username: string, ok: boolean): void {
    if (this.step !== 'plain-auth') return
    if (!ok) {
      this.step = 'done'
      this.host.fail(new ZmtpError('ZMTP_AUTH_FAILED', `PLAIN credentials of ${JSON.stringify(username)} rejected`), 'Invalid username or password')
      return
    }
    this.userId = username
    this.host.write(encodeWelcome())
    this.step = 'plain-initiate'
  }

  private checkPeerType(props: Map<string, Buffer>): SocketTypeName | undefined {
    const raw = props.get('socket-type')
    if (raw === undefined) throw new ZmtpError('ZMTP_BAD_COMMAND', 'peer metadata lacks Socket-Type')
    const type = raw.toString('latin1')
    if (!isSocketTypeName(type) || !isCompatible(this.opts.socketType, type)) {
      this.step = 'done'
      this.host.fail(
        new ZmtpError('ZMTP_INCOMPATIBLE_SOCKET', `${this.opts.socketType} cannot talk to ${JSON.stringify(type)}`),
        'Invalid socket type',
      )
      return undefined
    }
    return type
  }

  private finish(props: Map<string, Buffer>): void {
    const socketType = this.checkPeerType(props)
    if (socketType === undefined) return
    this.step = 'done'
    const id = props.get('identity')
    // One shape for every PeerInfo: fields absent are undefined, not missing.
    const peer: PeerInfo = {
      socketType,
      routingId: id !== undefined && id.length > 0 ? id : undefined,
      version: this.version,
      metadata: props,
      address: this.opts.address,
      userId: this.userId,
    }
    this.host.handshakeDone(peer, this.curve)
  }
}
