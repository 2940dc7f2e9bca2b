// The CurveZMQ server's side of the handshake (RFC 26): HELLO in, WELCOME out, INITIATE in,
// READY out. The server keeps no state per client between WELCOME and INITIATE beyond this
// object: the cookie (its short-term secret, sealed with a key made for this connection) comes
// back in INITIATE. Pure: it makes command frames and checks what it is given; every check that
// fails throws a ZmtpError.

import { randomBytes } from 'node:crypto'
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
const COOKIE_PREFIX = latin1('COOKIE--')
const VOUCH_PREFIX = latin1('VOUCH---')

/** HELLO data: version (2) + padding (72) + C' (32) + short nonce (8) + Box[64 zeros] (80). */
const HELLO_SIZE = 194
/** INITIATE data: cookie (96) + short nonce (8) + Box[C + vouch nonce + vouch + metadata] (16 + 128 + n). */
const INITIATE_MIN = 248

export class CurveServer {
  private readonly keys: CurveKeys
  /** Our short-term key pair (S', s'), made when a valid HELLO comes. */
  private short: CurveKeys | undefined
  /** The client's short-term public key (C'). */
  private clientShort: Buffer | undefined
  /** Box key of C' and our long-term secret, for HELLO and WELCOME. */
  private helloKey: Buffer | undefined
  private cookieKey: Buffer | undefined
  private key: Buffer | undefined
  private peerCounter = 0

  constructor(keys: CurveKeys) {
    this.keys = keys
  }

  /** Checks HELLO's data: a client that knows our public key. */
  hello(data: Buffer): void {
    if (data.length !== HELLO_SIZE) throw new ZmtpError('ZMTP_BAD_COMMAND', `CURVE HELLO of ${data.length} bytes, not ${HELLO_SIZE}`)
    if (data[0] !== 1 || data[1] !== 0) throw new ZmtpError('ZMTP_BAD_COMMAND', `CURVE HELLO version ${data[0]}.${data[1]}, not 1.0`)
    const clientShort = Buffer.from(data.subarray(74, 106))
    const helloKey = keyOrFail(clientShort, this.keys.secretKey)
    const signature = open(helloKey, nonceFrom(HELLO_PREFIX, data, 106), data.subarray(114))
    if (signature === undefined) throw new ZmtpError('ZMTP_CRYPTOGRAPHIC', 'CURVE HELLO does not open: the client has another server key')
    this.clientShort = clientShort
    this.helloKey = helloKey
  }

  /** The WELCOME command frame: our short-term key and the cookie. */
  welcome(): Buffer {
    const short = curveKeyPairRaw()
    this.short = short
    this.cookieKey = randomBytes(32)
    const cookieNonce = longNonce(COOKIE_PREFIX)
    const cookie = seal(this.cookieKey, cookieNonce, Buffer.concat([this.clientShort!, short.secretKey]))
    const nonce = longNonce(WELCOME_PREFIX)
    const box = seal(this.helloKey!, nonce, Buffer.concat([short.publicKey, cookieNonce.subarray(8), cookie]))
    this.helloKey = undefined
    return encodeCommand('WELCOME', nonce.subarray(8), box)
  }

  /**
   * Checks INITIATE's data: our cookie back, the client's long-term key vouching for its
   * short-term one and for us. Returns that long-term key and the client's metadata.
   */
  initiate(data: Buffer): { clientKey: Buffer; metadata: Buffer } {
    if (data.length < INITIATE_MIN) throw new ZmtpError('ZMTP_BAD_COMMAND', `CURVE INITIATE of ${data.length} bytes`)
    const clientShort = this.clientShort!
    const short = this.short!
    const cookie = open(this.cookieKey!, nonceFrom(COOKIE_PREFIX, data, 0), data.subarray(16, 96))
    if (cookie === undefined || !cookie.subarray(0, 32).equals(clientShort) || !cookie.subarray(32).equals(short.secretKey)) {
      throw new ZmtpError('ZMTP_CRYPTOGRAPHIC', 'CURVE INITIATE does not carry our cookie')
    }
    this.cookieKey = undefined
    const key = keyOrFail(clientShort, short.secretKey)
    const plain = open(key, nonceFrom(INITIATE_PREFIX, data, 96), data.subarray(104))
    if (plain === undefined) throw new ZmtpError('ZMTP_CRYPTOGRAPHIC', 'CURVE INITIATE does not open')
    const clientKey = plain.subarray(0, 32)
    const vouch = open(keyOrFail(clientKey, short.secretKey), nonceFrom(VOUCH_PREFIX, plain, 32), plain.subarray(48, 128))
    if (vouch === undefined || !vouch.subarray(0, 32).equals(clientShort) || !vouch.subarray(32).equals(this.keys.publicKey)) {
      throw new ZmtpError('ZMTP_CRYPTOGRAPHIC', 'CURVE INITIATE vouch does not hold')
    }
    this.key = key
    this.peerCounter = readCounter(data, 96)
    return { clientKey, metadata: plain.subarray(128) }
  }

  /** The READY command frame with our metadata, and the codec for the messages from now on. */
  ready(metadata: Buffer): { frame: Buffer; messages: CurveMessageCodec } {
    const key = this.key!
    const nonce = shortNonce(READY_PREFIX, 1)
    const frame = encodeCommand('READY', nonce.subarray(16), seal(key, nonce, metadata))
    return { frame, messages: new CurveMessageCodec(key, true, 2, this.peerCounter) }
  }
}
