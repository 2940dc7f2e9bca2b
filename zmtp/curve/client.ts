// The CurveZMQ client's side of the handshake (RFC 26): HELLO, then WELCOME in, INITIATE out,
// READY in. Pure: it makes command frames and checks what it is given; the connection moves
// the bytes. Every check that fails throws a ZmtpError.

import { encodeCommand } from '../codec/frame.ts'
import { ZmtpError } from '../errors.ts'
import { curveKeyPairRaw, open, seal } from './box.ts'
import { CurveMessageCodec } from './message-codec.ts'
import { latin1, longNonce, nonceFrom, readCounter, shortNonce } from './nonces.ts'
import { keyOrFail, type CurveKeys } from './keys.ts'

const HELLO_PREFIX = latin1('CurveZMQHELLO---')
const INITIATE_PREFIX = latin1('CurveZMQINITIATE')
const READY_PREFIX = latin1('CurveZMQREADY---')
const WELCOME_PREFIX = latin1('WELCOME-')
const VOUCH_PREFIX = latin1('VOUCH---')
/** CurveZMQ 1.0 and the anti-amplification padding of HELLO. */
const HELLO_HEAD = Buffer.concat([Buffer.of(1, 0), Buffer.alloc(72)])
const HELLO_SIGNATURE = Buffer.alloc(64)

/** WELCOME data: long nonce (16) + Box[S' + cookie](S->C') (16 + 32 + 96). */
const WELCOME_SIZE = 160
/** READY data: short nonce (8) + Box[metadata] (16 + n). */
const READY_MIN = 24

export interface CurveClientKeys extends CurveKeys {
  /** The server's long-term public key (S). */
  serverKey: Buffer
}

export class CurveClient {
  private readonly keys: CurveClientKeys
  /** Our short-term key pair (C', c'). */
  private readonly short = curveKeyPairRaw()
  /** Counter of our next short nonce: HELLO 1, INITIATE 2, then MESSAGEs. */
  private counter = 1
  /** Box key of the server's long-term key and our short-term secret, for HELLO and WELCOME. */
  private helloKey: Buffer | undefined
  private serverShort: Buffer | undefined
  private cookie: Buffer | undefined
  private key: Buffer | undefined

  constructor(keys: CurveClientKeys) {
    this.keys = keys
  }

  /** The HELLO command frame. */
  hello(): Buffer {
    const nonce = shortNonce(HELLO_PREFIX, this.counter++)
    this.helloKey = keyOrFail(this.keys.serverKey, this.short.secretKey)
    const signature = seal(this.helloKey, nonce, HELLO_SIGNATURE)
    return encodeCommand('HELLO', HELLO_HEAD, this.short.publicKey, nonce.subarray(16), signature)
  }

  /** Takes WELCOME's data: the server's short-term key and its cookie. */
  welcome(data: Buffer): void {
    if (data.length !== WELCOME_SIZE) throw new ZmtpError('ZMTP_BAD_COMMAND', `CURVE WELCOME of ${data.length} bytes, not ${WELCOME_SIZE}`)
    const plain = open(this.helloKey!, nonceFrom(WELCOME_PREFIX, data, 0), data.subarray(16))
    this.helloKey = undefined
    if (plain === undefined) throw new ZmtpError('ZMTP_CRYPTOGRAPHIC', 'CURVE WELCOME does not open: wrong server key?')
    const serverShort = plain.subarray(0, 32)
    this.serverShort = serverShort
    this.cookie = plain.subarray(32, 128)
    this.key = keyOrFail(serverShort, this.short.secretKey)
  }

  /** The INITIATE command frame, carrying our metadata. */
  initiate(metadata: Buffer): Buffer {
    const serverShort = this.serverShort!
    const vouchNonce = longNonce(VOUCH_PREFIX)
    const vouch = seal(keyOrFail(serverShort, this.keys.secretKey), vouchNonce, Buffer.concat([this.short.publicKey, this.keys.serverKey]))
    const nonce = shortNonce(INITIATE_PREFIX, this.counter++)
    const box = seal(this.key!, nonce, Buffer.concat([this.keys.publicKey, vouchNonce.subarray(8), vouch, metadata]))
    const frame = encodeCommand('INITIATE', this.cookie!, nonce.subarray(16), box)
    this.cookie = undefined
    return frame
  }

  /** Takes READY's data: the server's metadata, and the codec for the messages from now on. */
  ready(data: Buffer): { metadata: Buffer; messages: CurveMessageCodec } {
    if (data.length < READY_MIN) throw new ZmtpError('ZMTP_BAD_COMMAND', 'CURVE READY too short')
    const metadata = open(this.key!, nonceFrom(READY_PREFIX, data, 0), data.subarray(8))
    if (metadata === undefined) throw new ZmtpError('ZMTP_CRYPTOGRAPHIC', 'CURVE READY does not open')
    return { metadata, messages: new CurveMessageCodec(this.key!, false, this.counter, readCounter(data, 0)) }
  }
}
