// RFC 37 socket-type matrix.
import t from 'tap'
import { isCompatible, SOCKET_TYPES } from '../../../zmtp/socket-type.ts'

const pairs = new Set([
  'REQ-REP', 'REQ-ROUTER', 'REP-REQ', 'REP-DEALER', 'DEALER-REP', 'DEALER-DEALER', 'DEALER-ROUTER',
  'ROUTER-REQ', 'ROUTER-DEALER', 'ROUTER-ROUTER', 'PUB-SUB', 'PUB-XSUB', 'XPUB-SUB', 'XPUB-XSUB',
  'SUB-PUB', 'SUB-XPUB', 'XSUB-PUB', 'XSUB-XPUB', 'PUSH-PULL', 'PULL-PUSH', 'PAIR-PAIR',
])

t.test('every ordered pair of socket types', async (t) => {
  for (const a of SOCKET_TYPES) {
    for (const b of SOCKET_TYPES) t.equal(isCompatible(a, b), pairs.has(`${a}-${b}`), `${a}-${b}`)
  }
  t.equal(pairs.size, 21)
})

t.test('unknown and differently cased peer types are incompatible', async (t) => {
  t.notOk(isCompatible('DEALER', 'dealer'))
  t.notOk(isCompatible('DEALER', ''))
  t.notOk(isCompatible('PAIR', 'STREAM'))
  t.notOk(isCompatible('PAIR', 'toString'))
})
