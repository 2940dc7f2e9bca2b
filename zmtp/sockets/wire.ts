// The one place the socket layer imports the wire layer (Connection and socket-type names) from.
export { Connection } from '../connection/index.ts'
export type { ConnectionOptions, CurveAuthRequest, PeerInfo, SocketTypeName } from '../connection/index.ts'
// The socket layer's own line into each Connection (not part of the package's connection API).
export type { ConnectionHandler } from '../connection/connection-types.ts'
