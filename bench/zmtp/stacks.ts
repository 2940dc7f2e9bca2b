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

function stackOf(name: StackName, lib: Constructors, options: (type: string) => object = () => ({})): NamedStack {
  return { name, make: (type) => new lib[type]!({ linger: 0, ...options(type) }) }
}

export async function loadStack(name: StackName): Promise<NamedStack> {
  const lib = name === 'zyre-ts' ? await loadZmtp() : zmq
  return stackOf(name, lib as unknown as Constructors)
}

/**
 * The stack with CURVE on every connection: the binding side (Pull, Router, Reply) is the server,
 * the other the client. Keys from zeromq.js, which both stacks take as Z85 text.
 */
export async function loadCurveStack(name: StackName): Promise<NamedStack> {
  const lib = name === 'zyre-ts' ? await loadZmtp() : zmq
  const server = zmq.curveKeyPair()
  const client = zmq.curveKeyPair()
  const servers = new Set(['Pull', 'Router', 'Reply'])
  return stackOf(name, lib as unknown as Constructors, (type) =>
    servers.has(type)
      ? { curveServer: true, curveSecretKey: server.secretKey, curvePublicKey: server.publicKey }
      : { curveServerKey: server.publicKey, curveSecretKey: client.secretKey, curvePublicKey: client.publicKey })
}
