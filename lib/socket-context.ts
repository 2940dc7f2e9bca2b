// The context of every socket this library opens for itself (a Zyre node's ROUTER and one DEALER
// per peer, gossip's): they are the library's business, so a process with many nodes is held to
// the largest socket count a context allows rather than to the global context's 1023, which stays
// the application's.
import { Context } from '../zmtp/index.ts'

export const librarySockets = new Context({ maxSockets: new Context().maxSocketsLimit })
