// The ZMTP connection layer: one stream, one peer.
export { Connection } from './connection.ts'
export type { ConnectionOptions, ConnectionEvents, CurveAuthRequest, PeerInfo } from './connection-types.ts'
export { isCompatible, isSocketTypeName, SOCKET_TYPES } from '../socket-type.ts'
export type { SocketTypeName } from '../socket-type.ts'
