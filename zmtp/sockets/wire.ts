// The one place the socket layer imports the wire layer (Connection and socket-type names) from.
export { Connection } from '../connection/index.ts'
export type { ConnectionOptions, CurveAuthRequest, PeerInfo, SocketTypeName } from '../connection/index.ts'
import type { SocketTypeName } from '../connection/index.ts'
/** What a socket is: a ZMTP socket type, or STREAM (raw TCP, no ZMTP). */
export type SocketKind = SocketTypeName | 'STREAM'
// The socket layer's own line into each Connection (not part of the package's connection API).
export type { ConnectionHandler, PeerLink } from '../connection/connection-types.ts'
export { RawConnection } from '../connection/raw-connection.ts'
