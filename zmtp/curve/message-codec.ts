// CurveZMQ MESSAGE (RFC 26): after the handshake every ZMTP frame, data or command, travels as
// "\x07MESSAGE" + an 8-byte nonce counter + Box[flags + body](short-term keys). Flags bit 0 is
// MORE and bit 1 COMMAND. As libzmq does, each MESSAGE goes out as one data frame without MORE,
// and counters must rise strictly in each direction.

import { ZmtpError } from '../errors.ts'
import { writeFrameHeader, frameHeaderSize } from '../codec/frame.ts'
import { boxSubkey, CURVE_MAC_BYTES, openSubkey, sealIntoSubkey } from './box.ts'
import { latin1, readCounter, writeCounter } from './nonces.ts'

export const CURVE_FLAG_MORE = 0x01
export const CURVE_FLAG_COMMAND = 0x02

const MESSAGE = latin1('\x07MESSAGE')
/** Name (8) + nonce counter (8). */
const HEADER = 16
const MAX_COUNTER = Number.MAX_SAFE_INTEGER

const PREFIX_FROM_CLIENT = latin1('CurveZMQMESSAGEC')
const PREFIX_FROM_SERVER = latin1('CurveZMQMESSAGES')

export interface CurveFrame {
  /** CURVE_FLAG_MORE / CURVE_FLAG_COMMAND. */
  flags: number
  body: Buffer
}

export class CurveMessageCodec {
  /** Each direction's XSalsa20 subkey: the nonce prefix is fixed per direction (boxSubkey). */
  private readonly sendKey: Buffer
  private readonly receiveKey: Buffer
  /** Our next nonce and the peer's: each direction's prefix, then the counter of each MESSAGE. */
  private readonly nonce = Buffer.allocUnsafe(24)
  private readonly peerNonce = Buffer.allocUnsafe(24)
  private readonly flagByte = Buffer.alloc(1)
  /** The flags byte of the MESSAGE last opened. */
  private readonly openedFlags = new Uint8Array(1)
  private nextCounter: number
  private peerCounter: number

  /**
   * `key` is the precomputed box key of the short-term pair; `nextCounter` the counter of our next
   * MESSAGE (the handshake used the ones before), `peerCounter` the last one the peer used.
   */
  constructor(key: Buffer, asServer: boolean, nextCounter: number, peerCounter: number) {
    const ours = asServer ? PREFIX_FROM_SERVER : PREFIX_FROM_CLIENT
    const theirs = asServer ? PREFIX_FROM_CLIENT : PREFIX_FROM_SERVER
    ours.copy(this.nonce, 0)
    theirs.copy(this.peerNonce, 0)
    this.sendKey = boxSubkey(key, ours)
    this.receiveKey = boxSubkey(key, theirs)
    this.nextCounter = nextCounter
    this.peerCounter = peerCounter
  }

  /** One whole ZMTP data frame (header included) carrying `body` as a MESSAGE. */
  encodeFrame(flags: number, body: Uint8Array): Buffer {
    const counter = this.nextCounter++
    if (counter > MAX_COUNTER) throw new ZmtpError('ZMTP_INVALID_SEQUENCE', 'CURVE nonce counter exhausted')
    const size = HEADER + CURVE_MAC_BYTES + 1 + body.length
    const out = Buffer.allocUnsafe(frameHeaderSize(size) + size)
    let off = writeFrameHeader(out, 0, 0, size)
    for (let i = 0; i < 8; i++) out[off + i] = MESSAGE[i]!
    writeCounter(out, off + 8, counter)
    writeCounter(this.nonce, 16, counter)
    off += HEADER
    this.flagByte[0] = flags
    sealIntoSubkey(this.sendKey, this.nonce, [this.flagByte, body], out, off)
    return out
  }

  /** Every frame of a message, MORE set on all but the last. */
  encodeMessage(frames: readonly Buffer[]): Buffer[] {
    const last = frames.length - 1
    const out = new Array<Buffer>(frames.length)
    for (let i = 0; i <= last; i++) out[i] = this.encodeFrame(i < last ? CURVE_FLAG_MORE : 0, frames[i]!)
    return out
  }

  /** A command (its body: name length, name, data) as one encrypted frame. */
  encodeCommand(body: Uint8Array): Buffer {
    return this.encodeFrame(CURVE_FLAG_COMMAND, body)
  }

  /** Opens the body of a MESSAGE frame. Throws ZmtpError for anything but a valid, newer MESSAGE. */
  decode(frame: Buffer): CurveFrame {
    if (!isMessage(frame)) throw new ZmtpError('ZMTP_UNEXPECTED_COMMAND', 'expected a CURVE MESSAGE')
    if (frame.length < HEADER + CURVE_MAC_BYTES + 1) throw new ZmtpError('ZMTP_BAD_COMMAND', 'CURVE MESSAGE too short')
    const counter = readCounter(frame, 8)
    if (counter <= this.peerCounter) throw new ZmtpError('ZMTP_INVALID_SEQUENCE', 'CURVE MESSAGE nonce did not increase')
    const nonce = this.peerNonce
    for (let i = 8; i < 16; i++) nonce[i + 8] = frame[i]!
    const body = openSubkey(this.receiveKey, nonce, frame, HEADER, this.openedFlags)
    if (body === undefined) throw new ZmtpError('ZMTP_CRYPTOGRAPHIC', 'CURVE MESSAGE does not open with the connection key')
    this.peerCounter = counter
    // Other flag bits are ignored, as libzmq masks them.
    return { flags: this.openedFlags[0]! & (CURVE_FLAG_MORE | CURVE_FLAG_COMMAND), body }
  }
}

function isMessage(frame: Buffer): boolean {
  if (frame.length < MESSAGE.length) return false
  for (let i = 0; i < MESSAGE.length; i++) if (frame[i] !== MESSAGE[i]) return false
  return true
}
