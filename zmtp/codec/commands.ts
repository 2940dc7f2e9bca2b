// ZMTP command bodies (RFC 23, 24, 37): the generic name/data split and the codec of each
// command this stack uses. Decoders throw ZmtpError(ZMTP_BAD_COMMAND / ZMTP_BAD_METADATA).

import { ZmtpError } from '../errors.ts'
import { encodeCommand } from './frame.ts'
import { decodeMetadata, encodeMetadata } from './metadata.ts'

export interface RawCommand {
  name: string
  /** Command data after the name: a view into the frame body. */
  data: Buffer
}

/**
 * libzmq's PLAIN/CURVE code spells the ERROR prefix "\x05ERROR" in C, which the compiler reads
 * as 0x5E + "RROR": libzmq sends (and only recognises) ERROR as the 5 bytes "^RROR" with no
 * name length. We accept that form as ERROR.
 */
const LIBZMQ_ERROR_PREFIX = Buffer.from('^RROR', 'latin1')

/** Splits a COMMAND frame body into name and data. */
export function parseCommand(body: Buffer): RawCommand {
  if (body.length >= 5 && body[0] === 0x5e && body.subarray(0, 5).equals(LIBZMQ_ERROR_PREFIX)) {
    return { name: 'ERROR', data: body.subarray(5) }
  }
  if (body.length < 1) throw new ZmtpError('ZMTP_BAD_COMMAND', 'empty command frame')
  const nameLen = body[0]!
  if (nameLen === 0) throw new ZmtpError('ZMTP_BAD_COMMAND', 'command with an empty name')
  if (1 + nameLen > body.length) throw new ZmtpError('ZMTP_BAD_COMMAND', 'command name longer than the frame')
  return { name: body.toString('latin1', 1, 1 + nameLen), data: body.subarray(1 + nameLen) }
}

type Props = Iterable<readonly [string, Uint8Array]>

export const encodeReady = (props: Props): Buffer => encodeCommand('READY', encodeMetadata(props))
export const encodeInitiate = (props: Props): Buffer => encodeCommand('INITIATE', encodeMetadata(props))
/** READY and INITIATE carry only metadata. */
export const decodeProperties = (data: Buffer): Map<string, Buffer> => decodeMetadata(data)

/** ERROR: reason length (1 byte) + reason; longer reasons are cut to 255 bytes. */
export function encodeError(reason: string): Buffer {
  let r = Buffer.from(reason, 'utf8')
  if (r.length > 255) r = r.subarray(0, 255)
  return encodeCommand('ERROR', Buffer.of(r.length), r)
}
export function decodeError(data: Buffer): string {
  if (data.length < 1) throw new ZmtpError('ZMTP_BAD_COMMAND', 'ERROR command without a reason length')
  const n = data[0]!
  if (1 + n !== data.length) throw new ZmtpError('ZMTP_BAD_COMMAND', 'ERROR reason length does not match the frame')
  return data.toString('utf8', 1, 1 + n)
}

/** RFC 37: PING context is at most 16 bytes. */
export const PING_MAX_CONTEXT = 16

export interface Ping {
  /** Time-to-live in deciseconds (0 = none). */
  ttl: number
  context: Buffer
}
export function encodePing(ttlDeciseconds: number, context: Uint8Array = EMPTY): Buffer {
  if (context.length > PING_MAX_CONTEXT) throw new RangeError('PING context is at most 16 bytes')
  const ttl = Buffer.allocUnsafe(2)
  ttl.writeUInt16BE(Math.max(0, Math.min(0xffff, Math.round(ttlDeciseconds))), 0)
  return encodeCommand('PING', ttl, context)
}
export function decodePing(data: Buffer): Ping {
  if (data.length < 2) throw new ZmtpError('ZMTP_BAD_COMMAND', 'PING without a TTL')
  if (data.length - 2 > PING_MAX_CONTEXT) throw new ZmtpError('ZMTP_BAD_COMMAND', 'PING context longer than 16 bytes')
  return { ttl: data.readUInt16BE(0), context: data.subarray(2) }
}
export const encodePong = (context: Uint8Array = EMPTY): Buffer => encodeCommand('PONG', context)
export function decodePong(data: Buffer): Buffer {
  if (data.length > PING_MAX_CONTEXT) throw new ZmtpError('ZMTP_BAD_COMMAND', 'PONG context longer than 16 bytes')
  return data
}

/** SUBSCRIBE / CANCEL (ZMTP 3.1): the data is the topic. */
export const encodeSubscribe = (topic: Uint8Array): Buffer => encodeCommand('SUBSCRIBE', topic)
export const encodeCancel = (topic: Uint8Array): Buffer => encodeCommand('CANCEL', topic)

/** PLAIN HELLO: username and password, each a 1-byte length + bytes (RFC 24). */
export interface Hello {
  username: string
  password: string
}
export function encodeHello(username: string, password: string): Buffer {
  const u = Buffer.from(username, 'utf8')
  const p = Buffer.from(password, 'utf8')
  if (u.length > 255 || p.length > 255) throw new RangeError('PLAIN username and password are at most 255 bytes each')
  return encodeCommand('HELLO', Buffer.of(u.length), u, Buffer.of(p.length), p)
}
export function decodeHello(data: Buffer): Hello {
  if (data.length < 1) throw new ZmtpError('ZMTP_BAD_COMMAND', 'HELLO without a username length')
  const ul = data[0]!
  if (1 + ul + 1 > data.length) throw new ZmtpError('ZMTP_BAD_COMMAND', 'HELLO username truncated')
  const pl = data[1 + ul]!
  if (2 + ul + pl !== data.length) throw new ZmtpError('ZMTP_BAD_COMMAND', 'HELLO password length does not match the frame')
  return { username: data.toString('utf8', 1, 1 + ul), password: data.toString('utf8', 2 + ul, 2 + ul + pl) }
}

/** PLAIN WELCOME has no data. */
export const encodeWelcome = (): Buffer => encodeCommand('WELCOME')
export function decodeWelcome(data: Buffer): void {
  if (data.length !== 0) throw new ZmtpError('ZMTP_BAD_COMMAND', 'WELCOME must carry no data')
}

const EMPTY = new Uint8Array(0)
