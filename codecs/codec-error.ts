// The one error class of the codec layer: generated codecs throw it for any bad input or unencodable message,
// with a stable `code` callers can switch on (a peer's garbage drops one message, never crashes the process).

export type CodecErrorCode =
  | 'CODEC_BAD_SIGNATURE' // first frame does not start 0xAA, 0xA0|signature
  | 'CODEC_BAD_CONSTANT' // a constant field (e.g. the ZRE version) has another value
  | 'CODEC_UNKNOWN_ID' // message id not in the model
  | 'CODEC_TRUNCATED' // a field runs past the end of its frame
  | 'CODEC_TRAILING_BYTES' // bytes left in a frame after the last field
  | 'CODEC_MISSING_FRAME' // no frames at all, or a `frame` field without its frame
  | 'CODEC_TRAILING_FRAMES' // more frames than the message has (and no `msg` field to take them)
  | 'CODEC_STRING_TOO_LONG' // encode: a `string` over 255 UTF-8 bytes (zproto would truncate; we refuse)
  | 'CODEC_BAD_VALUE' // encode: a number out of range, octets of the wrong size, a wrong JS type

export class CodecError extends Error {
  readonly code: CodecErrorCode

  constructor(code: CodecErrorCode, message: string) {
    super(message)
    this.name = 'CodecError'
    this.code = code
  }
}

export function isCodecError(err: unknown): err is CodecError {
  return err instanceof CodecError
}
