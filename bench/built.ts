// The benchmarks time what users install: the built package (dist/, tsc's plain output), loaded
// through the package's own exports, not the sources. Run through tsx, the sources carry esbuild's
// keepNames helper around every function and class (a defineProperty for each closure made), a
// cost users never pay: 2,450 connections with handshakes took 523-551 ms that way, 456-487 ms
// built. `npm run bench` builds first (bench/run.ts).
import type * as Zmtp from '../zmtp/index.ts'
import type * as Lib from '../lib/index.ts'
import type * as Codecs from '../codecs/index.ts'

// Specifiers kept in variables so that type-checking never depends on dist/ being there.
const ZMTP = 'zyre-ts/zmtp'
const LIB = 'zyre-ts'
const CODECS = 'zyre-ts/codecs'

export const loadZmtp = (): Promise<typeof Zmtp> => import(ZMTP) as Promise<typeof Zmtp>
export const loadLib = (): Promise<typeof Lib> => import(LIB) as Promise<typeof Lib>
export const loadCodecs = (): Promise<typeof Codecs> => import(CODECS) as Promise<typeof Codecs>
