// Everything generated modules share, as one flat set; index.ts exports it as the `codecRuntime` namespace.
export { readText, writeText } from './text.ts'
export { readU32, writeU32 } from './uint32.ts'
export { codecErrors, type CodecErrors, type CodecErrorClass } from './errors.ts'
export { formatText, formatTexts, formatHash, formatBytes, formatFrames } from './format.ts'
export { valueArbitraries, type ValueArbitraries } from './arbitraries.ts'
export { mutator, damage, MUTATIONS, type Mutation, type Mutated, type MutationModel } from './mutate.ts'
