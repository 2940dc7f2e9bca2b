// The frame mutator behind every generated `mutate(fc)`: a valid message, encoded, then hit by one mutation,
// for fuzzing decoders. Only what the model decides (its free ids, which messages take any number of frames,
// its encoder) is passed in. fast-check is passed in and only imported as a type.
import type * as FastCheck from 'fast-check'

export type Mutation = 'truncate' | 'append-byte' | 'bad-signature' | 'unknown-id' | 'add-frame' | 'drop-frame' | 'flip-byte' | 'random-bytes'

export const MUTATIONS: readonly Mutation[] = ['truncate', 'append-byte', 'bad-signature', 'unknown-id', 'add-frame', 'drop-frame', 'flip-byte', 'random-bytes']

export interface Mutated<Type extends string = string> {
  frames: Buffer[]
  mutation: Mutation
  /** True when this mutation can never give a valid message: decode must throw. */
  invalid: boolean
  /** The type of the message that was damaged. */
  from: Type
}

export interface MutationModel<M extends { type: string }> {
  encode(msg: M): Buffer[]
  /** ids no message uses (a sample is enough) */
  freeIds: readonly number[]
  /** types whose msg field takes any number of frames, so adding or dropping one frame may still be valid */
  openEnded: ReadonlySet<string>
}

export function mutator<M extends { type: string }>(fc: typeof FastCheck, valid: FastCheck.Arbitrary<M>, model: MutationModel<M>): FastCheck.Arbitrary<Mutated<M['type']>> {
  return fc
    .tuple(valid, fc.constantFrom(...MUTATIONS), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.uint8Array({ maxLength: 64 }))
    .map(([msg, mutation, pos, byte, random]) => damage(model, msg, mutation, pos, byte, Buffer.from(random)))
}

export function damage<M extends { type: string }>(model: MutationModel<M>, msg: M, mutation: Mutation, pos: number, byte: number, random: Buffer): Mutated<M['type']> {
  const frames = model.encode(msg)
  const first = Buffer.from(frames[0]!)
  const rest = frames.slice(1)
  const from = msg.type
  const open = model.openEnded.has(from)
  switch (mutation) {
    case 'truncate':
      return { frames: [first.subarray(0, pos % first.length), ...rest], mutation, invalid: true, from }
    case 'append-byte':
      return { frames: [Buffer.concat([first, Buffer.from([byte])]), ...rest], mutation, invalid: true, from }
    case 'bad-signature':
      first[pos % 2] ^= byte
      return { frames: [first, ...rest], mutation, invalid: true, from }
    case 'unknown-id':
      if (model.freeIds.length === 0) return { frames: [first.subarray(0, 2)], mutation, invalid: true, from }
      first[2] = model.freeIds[pos % model.freeIds.length]!
      return { frames: [first, ...rest], mutation, invalid: true, from }
    case 'add-frame':
      return { frames: [first, ...rest, random], mutation, invalid: !open, from }
    case 'drop-frame':
      if (rest.length === 0) return { frames: [], mutation, invalid: true, from }
      return { frames: [first, ...rest.slice(0, -1)], mutation, invalid: !open, from }
    case 'flip-byte':
      first[pos % first.length] ^= byte
      return { frames: [first, ...rest], mutation, invalid: false, from }
    case 'random-bytes':
      return { frames: [random, ...rest], mutation, invalid: false, from }
  }
}
