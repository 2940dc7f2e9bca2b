// ZMTP socket types and the RFC 37 compatibility matrix, checked by Connection during the handshake.

export type SocketTypeName = 'PAIR' | 'PUB' | 'SUB' | 'REQ' | 'REP' | 'DEALER' | 'ROUTER' | 'PULL' | 'PUSH' | 'XPUB' | 'XSUB'

export const SOCKET_TYPES: readonly SocketTypeName[] = [
  'PAIR', 'PUB', 'SUB', 'REQ', 'REP', 'DEALER', 'ROUTER', 'PULL', 'PUSH', 'XPUB', 'XSUB',
]

const MATRIX: Record<SocketTypeName, readonly string[]> = {
  REQ: ['REP', 'ROUTER'],
  REP: ['REQ', 'DEALER'],
  DEALER: ['REP', 'DEALER', 'ROUTER'],
  ROUTER: ['REQ', 'DEALER', 'ROUTER'],
  PUB: ['SUB', 'XSUB'],
  XPUB: ['SUB', 'XSUB'],
  SUB: ['PUB', 'XPUB'],
  XSUB: ['PUB', 'XPUB'],
  PUSH: ['PULL'],
  PULL: ['PUSH'],
  PAIR: ['PAIR'],
}

export function isSocketTypeName(s: string): s is SocketTypeName {
  return Object.prototype.hasOwnProperty.call(MATRIX, s)
}

/** `peer` is the raw Socket-Type property the peer sent; the comparison is case-sensitive as in libzmq. */
export function isCompatible(ours: SocketTypeName, peer: string): boolean {
  const allowed = MATRIX[ours]
  return allowed !== undefined && allowed.includes(peer)
}
