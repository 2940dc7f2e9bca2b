// Public entry of the codec layer: the generated protocol codecs, their error class, and the generator
// for users who bring their own zproto models.
export * as zreMsg from './generated/zre-msg.ts'
export * as zreLogMsg from './generated/zre-log-msg.ts'
export * as zgossipMsg from './generated/zgossip-msg.ts'
export { CodecError, isCodecError, type CodecErrorCode } from './codec-error.ts'
// The runtime generated codecs import (also those `zyre gen` writes outside this package).
export { codecRuntime } from './runtime/index.ts'
export { ModelError } from './generator/model-error.ts'
export { readModel, parseModel } from './generator/model-reader.ts'
export { generate, generateFromModel, type Generated, type GenerateOptions } from './generator/generate.ts'
export type { Model, Message, Field, FieldType, Define } from './generator/model.ts'
// fast-check support: these modules only import fast-check's types; pass the fast-check module in.
export * as zreMsgArbitraries from './generated/zre-msg.arbitraries.ts'
export * as zreLogMsgArbitraries from './generated/zre-log-msg.arbitraries.ts'
export * as zgossipMsgArbitraries from './generated/zgossip-msg.arbitraries.ts'
