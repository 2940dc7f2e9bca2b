// Gossip discovery (CZMQ's zgossip protocol): tuples shared by nodes that bind and connect.
export { Gossip, type GossipOptions, type GossipEvents } from './gossip.ts'
export { GossipError, GossipErrorCode } from './errors.ts'
