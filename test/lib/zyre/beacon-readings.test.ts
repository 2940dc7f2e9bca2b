// Beacon readings, shared by the nodes of a process: one reading per distinct datagram and
// sender address, equal to what decoding it says; anything but a version 1 beacon reads as
// nothing; the cache starting over past its bound changes no answer.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { encodeBeacon } from '../../../lib/beacon/payload.ts'
import { readBeacon } from '../../../lib/zyre/beacon-readings.ts'

const uuid = Buffer.from('0123456789abcdef0123456789abcdef', 'hex')

t.test('a version 1 beacon: id, port, endpoint at the sender address; read once per datagram', async (t) => {
  const payload = encodeBeacon({ uuid, port: 40123 })
  const r = readBeacon('127.0.0.1', payload)
  t.same(r && { id: r.id, port: r.port, endpoint: r.endpoint, uuid: r.uuid.toString('hex') }, {
    id: '0123456789ABCDEF0123456789ABCDEF',
    port: 40123,
    endpoint: 'tcp://127.0.0.1:40123',
    uuid: uuid.toString('hex'),
  })
  t.equal(readBeacon('127.0.0.1', Buffer.from(payload)), r, 'the same datagram again (another Buffer): the same reading')
  t.equal(readBeacon('::1', payload)!.endpoint, 'tcp://[::1]:40123', 'another sender: its own endpoint, IPv6 in brackets')
  t.equal(readBeacon('127.0.0.1', encodeBeacon({ uuid, port: 0 }))!.port, 0, 'port 0 (leaving) is read too')
})

t.test('a version 3 beacon is read with its public key; a version 1 beacon has none', async (t) => {
  const key = Buffer.alloc(32, 7)
  const r = readBeacon('127.0.0.3', encodeBeacon({ uuid, port: 40124, publicKey: key }))!
  t.same(r.publicKey, key)
  t.equal(r.endpoint, 'tcp://127.0.0.3:40124')
  t.equal(readBeacon('127.0.0.3', encodeBeacon({ uuid, port: 40124 }))!.publicKey, undefined)
})

t.test('anything but a version 1 or 3 beacon reads as nothing, also when seen again', async (t) => {
  const bad = [Buffer.from('ZRE'), Buffer.alloc(22), Buffer.concat([encodeBeacon({ uuid, port: 1 }), Buffer.of(0)])]
  for (const b of bad) {
    t.equal(readBeacon('127.0.0.2', b), undefined)
    t.equal(readBeacon('127.0.0.2', b), undefined)
  }
})

t.test('past the cache bounds every answer is still the decoded one', async (t) => {
  let wrong = 0
  for (let i = 0; i < 3000; i++) {
    const id = randomBytes(16)
    const port = 1 + (i % 65535)
    const address = `127.0.${(i >> 8) & 0xff}.${i & 0xff}`
    const r = readBeacon(address, encodeBeacon({ uuid: id, port }))
    if (r?.id !== id.toString('hex').toUpperCase() || r.endpoint !== `tcp://${address}:${port}`) wrong++
  }
  t.equal(wrong, 0)
})
