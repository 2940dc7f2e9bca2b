// Turning what send() accepts (zeromq.js MessageLike) into frames. Buffers pass through
// uncopied: like zeromq.js, the caller must not mutate a Buffer after handing it to send().
import { ZmtpError, ZmtpErrorCode } from '../errors.ts'

export type MessageLike = ArrayBufferView | ArrayBuffer | SharedArrayBuffer | string | number | null

const EMPTY = Buffer.alloc(0)

export function toFrame(part: MessageLike): Buffer {
  if (Buffer.isBuffer(part)) return part
  if (typeof part === 'string') return Buffer.from(part)
  if (typeof part === 'number') return Buffer.from(String(part))
  if (part === null) return EMPTY
  if (ArrayBuffer.isView(part)) return Buffer.from(part.buffer, part.byteOffset, part.byteLength)
  if (part instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && part instanceof SharedArrayBuffer)) {
    return Buffer.from(part)
  }
  throw new ZmtpError(ZmtpErrorCode.EINVAL, `Cannot send a message part of type ${typeof part}`)
}

export function toFrames(message: MessageLike | MessageLike[]): Buffer[] {
  if (!Array.isArray(message)) return [toFrame(message)]
  if (message.length === 0) throw new ZmtpError(ZmtpErrorCode.EINVAL, 'Cannot send an empty multipart message')
  let allBuffers = true
  for (let i = 0; i < message.length; i++) {
    if (!Buffer.isBuffer(message[i])) {
      allBuffers = false
      break
    }
  }
  if (allBuffers) return message as Buffer[]
  return message.map(toFrame)
}
