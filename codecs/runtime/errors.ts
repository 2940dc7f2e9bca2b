// The errors a generated codec throws, one function per case so the generated code stays one line per check.
// Built around the error class the codec was generated with (`zyre gen --error-module`), normally CodecError.
import type { CodecErrorCode } from '../codec-error.ts'

export type CodecErrorClass = new (code: CodecErrorCode, message: string) => Error

export interface CodecErrors {
  /** decode: no frames at all */
  noFrames(codec: string): never
  /** decode: the first frame is not 0xAA, 0xA0|signature; `first` is the frame */
  badSignature(codec: string, first: Buffer, signature: number): never
  /** decode: the first frame is shorter than signature and id */
  tooShort(codec: string, size: number): never
  unknownId(codec: string, id: number): never
  /** encode: `type` names no message of the model */
  unknownType(codec: string, type: unknown): never
  missingFrame(where: string, field: string): never
  truncated(where: string, size: number): never
  trailingBytes(where: string, extra: number): never
  trailingFrames(where: string, got: number, want: number): never
  badConstant(where: string, got: unknown, want: unknown): never
  badNumber(where: string, v: unknown, size: number): never
  badSize(where: string, got: number, want: number): never
  tooLong(where: string, bytes: number): never
}

export function codecErrors(E: CodecErrorClass): CodecErrors {
  return {
    noFrames(codec) {
      throw new E('CODEC_MISSING_FRAME', `${codec}: no frames`)
    },
    badSignature(codec, first, signature) {
      const want = (0xa0 | signature).toString(16)
      throw new E('CODEC_BAD_SIGNATURE', `${codec}: bad signature ${first.subarray(0, 2).toString('hex')}, expected aa${want}`)
    },
    tooShort(codec, size) {
      throw new E('CODEC_TRUNCATED', `${codec}: first frame of ${size} bytes is too short`)
    },
    unknownId(codec, id) {
      throw new E('CODEC_UNKNOWN_ID', `${codec}: unknown message id ${id}`)
    },
    unknownType(codec, type) {
      throw new E('CODEC_BAD_VALUE', `${codec}: unknown message type ${String(type)}`)
    },
    missingFrame(where, field) {
      throw new E('CODEC_MISSING_FRAME', `${where}: frame field ${field} is missing`)
    },
    truncated(where, size) {
      throw new E('CODEC_TRUNCATED', `${where}: runs past the end of a ${size}-byte frame`)
    },
    trailingBytes(where, extra) {
      throw new E('CODEC_TRAILING_BYTES', `${where}: ${extra} bytes left after the last field`)
    },
    trailingFrames(where, got, want) {
      throw new E('CODEC_TRAILING_FRAMES', `${where}: ${got} frames, expected ${want}`)
    },
    badConstant(where, got, want) {
      throw new E('CODEC_BAD_CONSTANT', `${where}: got ${String(got)}, expected ${String(want)}`)
    },
    badNumber(where, v, size) {
      throw new E('CODEC_BAD_VALUE', `${where}: ${String(v)} is not an unsigned ${size * 8}-bit integer`)
    },
    badSize(where, got, want) {
      throw new E('CODEC_BAD_VALUE', `${where}: ${got} bytes, expected exactly ${want}`)
    },
    tooLong(where, bytes) {
      throw new E('CODEC_STRING_TOO_LONG', `${where}: ${bytes} bytes, a string holds at most 255`)
    },
  }
}
