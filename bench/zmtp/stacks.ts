// The two stacks the ZMTP bench compares, by name, so that the main thread and a receiver worker
// (cross-thread.ts) build their sockets the same way: ours from the built package, zeromq.js.
import * as zmq from 'zeromq'
import { loadZmtp } from '../built.ts'
import type { BenchSocket, Stack } from './harness.ts'

export type StackName = 'zyre-ts' | 'zeromq.js'

/** A stack a worker can build again from its name. */
export interface NamedStack extends Stack {
  name: StackName
}

type Constructors = Record<string, new (o: object) => BenchSocket>

function stackOf(name: StackName, lib: Constructors): NamedStack {
  return { name, make: (type) => new lib[type]!({ linger: 0 }) }
}

export async function loadStack(name: StackName): Promise<NamedStack> {
  const lib = name === 'zyre-ts' ? await loadZmtp() : zmq
  return stackOf(name, lib as unknown as Constructors)
}
