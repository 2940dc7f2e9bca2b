// Whether an endpoint a peer gave us, in its HELLO or a gossip tuple, is one we can dial. A
// bind-side form (a `*` host or port, as an older C node publishes for an ephemeral bind), an
// inproc name or text that is no endpoint at all would make the DEALER's connect() throw; such a
// peer is refused instead, as the C node drops a peer whose connect fails.
import { parseEndpoint } from '../../zmtp/transport/endpoint.ts'

/** Why `endpoint` cannot be dialled, or undefined when it can. */
export function undialable(endpoint: string): string | undefined {
  let ep
  try {
    ep = parseEndpoint(endpoint)
  } catch (e) {
    return (e as Error).message
  }
  if (ep.transport === 'tcp') return ep.host === '*' || ep.port === 0 ? 'a bind address, not one to connect to' : undefined
  if (ep.transport === 'ipc') return ep.path === '*' ? 'a bind address, not one to connect to' : undefined
  return 'inproc is not reachable from another node'
}
