// The model-independent half of every generated codec: generated modules import `CodecError` and the
// `codecRuntime` namespace from here (a relative path inside this package) or from 'zyre-ts/codecs', which
// re-exports both. Per-message encode/decode stays generated, straight-line; what lives here is what would
// otherwise be copied into each module: text and uint32 access, error construction, formatters, and the
// fast-check building blocks (fast-check types only, never loaded at run time).
export { CodecError } from '../codec-error.ts'
export * as codecRuntime from './helpers.ts'
