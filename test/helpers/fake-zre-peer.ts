// A scripted ZRE peer on libzmq sockets (zeromq.js): it speaks the protocol only as far as a test
// tells it to, so tests can send exact sequence numbers, malformed frames and odd orderings to a
// Zyre node, and see exactly what the node sends back.
import { randomBytes } from 'node:crypto'
import * as zmq from 'zeromq'
import { decode, encode, type ZreMsg } from '../../codecs/generated/zre-msg.ts'
import { binaryId } from './zeromq-js-sockets.ts'

/** A CURVE key pair as zeromq.js makes them (40 characters of Z85 each). */
export interface FakeCurveKeys {
  publicKey: string
  secretKey: string
}

type WithoutSequence<M> = M extends ZreMsg ? Omit<M, 'sequence'> & { sequence?: number } : never
export type FakeOutgoing = WithoutSequence<ZreMsg>

export class FakeZrePeer {
  readonly uuid: Buffer
  readonly id: string
  readonly received: ZreMsg[] = []
  /** Frames the node sent that did not decode. */
  readonly undecodable: Buffer[][] = []
  endpoint = ''
  private readonly router: zmq.Router
  private dealer: zmq.Dealer | undefined
  private sequence = 0
  private waiters = new Set<() => void>()
  private closed = false

  /** `curve`: our ROUTER is a libzmq CURVE server with these keys, and our DEALER a CURVE client. */
  constructor(
    uuid: Buffer = randomBytes(16),
    private readonly curve?: FakeCurveKeys,
  ) {
    this.uuid = uuid
    this.id = uuid.toString('hex').toUpperCase()
    this.router = new zmq.Router({ linger: 0, ...(curve && { curveServer: true, curvePublicKey: curve.publicKey, curveSecretKey: curve.secretKey }) })
  }

  /** Binds our ROUTER on loopback and starts collecting what peers send us. */
  async bind(endpoint = 'tcp://127.0.0.1:0'): Promise<this> {
    await this.router.bind(endpoint)
    this.endpoint = this.router.lastEndpoint!
    void this.receiveLoop()
    return this
  }

  get port(): number {
    return Number(/:(\d+)$/.exec(this.endpoint)![1])
  }

  /**
   * Opens our DEALER to a node's ROUTER with the ZRE identity 0x01 + UUID (`marker` replaces
   * 0x01); as a CURVE client of `serverKey` (Z85) when our peer has CURVE keys.
   */
  connect(endpoint: string, marker = 1, serverKey?: string): void {
    this.dealer?.close()
    const curve = this.curve && serverKey !== undefined && { curvePublicKey: this.curve.publicKey, curveSecretKey: this.curve.secretKey, curveServerKey: serverKey }
    this.dealer = new zmq.Dealer({ routingId: binaryId(Buffer.concat([Buffer.from([marker]), this.uuid])), linger: 0, ...curve })
    this.dealer.connect(endpoint)
    this.sequence = 0
  }

  /** Sends a ZRE message; the sequence is the next one unless the test gives its own. */
  async send(msg: FakeOutgoing): Promise<number> {
    const sequence = msg.sequence ?? (msg.type === 'HELLO' ? 1 : (this.sequence + 1) & 0xffff)
    this.sequence = sequence
    await this.sendRaw(encode({ ...msg, sequence } as ZreMsg))
    return sequence
  }

  async hello(fields: Partial<Omit<Extract<ZreMsg, { type: 'HELLO' }>, 'type'>> = {}): Promise<void> {
    await this.send({
      type: 'HELLO',
      endpoint: this.endpoint,
      groups: [],
      status: 0,
      name: 'fake',
      headers: new Map(),
      ...fields,
    })
  }

  async sendRaw(frames: Buffer[]): Promise<void> {
    if (!this.dealer) throw new Error('connect() first')
    await this.dealer.send(frames)
  }

  /** Resolves with the first received message (from now on or already received) matching. */
  waitFor(match: (m: ZreMsg) => boolean, timeoutMs = 10000, from = 0): Promise<ZreMsg> {
    const find = (): ZreMsg | undefined => this.received.slice(from).find(match)
    const hit = find()
    if (hit) return Promise.resolve(hit)
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const m = find()
        if (!m) return
        done()
        resolve(m)
      }
      const timer = setTimeout(() => {
        done()
        reject(new Error(`fake peer: no matching message within ${timeoutMs} ms`))
      }, timeoutMs)
      const done = (): void => {
        clearTimeout(timer)
        this.waiters.delete(check)
      }
      this.waiters.add(check)
    })
  }

  close(): void {
    this.closed = true
    this.dealer?.close()
    this.router.close()
  }

  private async receiveLoop(): Promise<void> {
    while (!this.closed) {
      let frames: Buffer[]
      try {
        frames = await this.router.receive()
      } catch {
        return
      }
      try {
        this.received.push(decode(frames.slice(1)))
      } catch {
        this.undecodable.push(frames)
      }
      for (const w of [...this.waiters]) w()
    }
  }
}
