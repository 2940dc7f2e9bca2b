// Value arbitraries the generated `.arbitraries.ts` modules build their messages from, edge-biased to what
// the wire format allows. fast-check is passed in and only imported as a type: nothing here needs it at run time.
import type * as FastCheck from 'fast-check'

export interface ValueArbitraries {
  /** a `string` field: at most 255 UTF-8 bytes (ASCII up to 255 chars, or up to 63 code points of any width) */
  shortText: FastCheck.Arbitrary<string>
  /** a `longstr` (or `strings` entry, hash value) */
  longText: FastCheck.Arbitrary<string>
  /** Buffers of min to max bytes */
  bytes(min: number, max: number): FastCheck.Arbitrary<Buffer>
}

export function valueArbitraries(fc: typeof FastCheck): ValueArbitraries {
  return {
    shortText: fc.oneof(fc.string({ maxLength: 255 }), fc.string({ unit: 'binary', maxLength: 63 }), fc.constant('é'.repeat(127) + 'x')),
    longText: fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 40 })),
    bytes: (min, max) => fc.uint8Array({ minLength: min, maxLength: max }).map((a) => Buffer.from(a)),
  }
}
