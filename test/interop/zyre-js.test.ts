// Interop with an independent ZRE implementation from npm: a zyre.js 1.3.0 node and ours on
// loopback discover each other, exchange headers, join a group, shout and whisper both ways,
// and each sees the other leave when it stops.
import t from 'tap'
import { Zyre } from '../../lib/index.ts'
import { EventLog } from '../helpers/zyre-events.ts'
import { loadZyreJs, type ZyreJs } from '../helpers/zyre-js.ts'

const PORT = 47251

interface Seen {
  connect: { id: string; name: string; headers: Record<string, string> }[]
  disconnect: string[]
  join: { id: string; group: string }[]
  leave: { id: string; group: string }[]
  whisper: { id: string; message: string }[]
  shout: { id: string; message: string; group: string }[]
}

function watch(z: ZyreJs): Seen {
  const s: Seen = { connect: [], disconnect: [], join: [], leave: [], whisper: [], shout: [] }
  z.on('connect', (id, name, headers) => s.connect.push({ id: id.toUpperCase(), name, headers }))
  z.on('disconnect', (id) => s.disconnect.push(id.toUpperCase()))
  z.on('expired', (id) => s.disconnect.push(id.toUpperCase()))
  z.on('join', (id, _name, group) => s.join.push({ id: id.toUpperCase(), group }))
  z.on('leave', (id, _name, group) => s.leave.push({ id: id.toUpperCase(), group }))
  z.on('whisper', (id, _name, message) => s.whisper.push({ id: id.toUpperCase(), message: String(message) }))
  z.on('shout', (id, _name, message, group) => s.shout.push({ id: id.toUpperCase(), message: String(message), group }))
  return s
}

async function until(cond: () => boolean, what: string, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

t.test('zyre.js and zyre-ts: ENTER, JOIN, SHOUT, WHISPER both ways, EXIT on stop', async (t) => {
  const ZyreJs = loadZyreJs()
  const theirs = new ZyreJs({ name: 'zyrejs', iface: 'lo', bport: PORT, binterval: 100, evasive: 2000, expired: 10000, headers: { 'X-IMPL': 'zyre.js' } })
  const seen = watch(theirs)
  await theirs.start()
  let theirsRunning = true
  t.teardown(() => (theirsRunning ? theirs.stop() : undefined))
  const theirId = theirs.getIdentity().toUpperCase()

  const ours = new Zyre({ name: 'zyrets', interface: 'lo', port: PORT, interval: 100, evasiveTimeout: 2000, expiredTimeout: 10000, headers: { 'X-IMPL': 'zyre-ts' } })
  const log = new EventLog(ours)
  await ours.start()
  t.teardown(() => ours.stop())

  const enter = await log.wait('ENTER', (e) => e.peer === theirId)
  t.equal(enter.name, 'zyrejs')
  t.equal(enter.headers.get('X-IMPL'), 'zyre.js', 'their headers reached us')
  t.match(enter.address, /^tcp:\/\/127\.0\.0\.1:\d+$/)
  await until(() => seen.connect.some((c) => c.id === ours.uuid), 'zyre.js to see us')
  const connect = seen.connect.find((c) => c.id === ours.uuid)!
  t.equal(connect.name, 'zyrets')
  t.equal(connect.headers['X-IMPL'], 'zyre-ts', 'our headers reached zyre.js')

  ours.join('GRP')
  theirs.join('GRP')
  await log.wait('JOIN', (e) => e.peer === theirId && e.group === 'GRP')
  await until(() => seen.join.some((j) => j.id === ours.uuid && j.group === 'GRP'), 'zyre.js to see our JOIN')
  t.same(ours.peersByGroup('GRP'), [theirId])

  await ours.shout('GRP', 'shout from ts')
  await ours.whisper(theirId, 'whisper from ts')
  theirs.shout('GRP', 'shout from js')
  theirs.whisper(ours.uuid.toLowerCase(), 'whisper from js')
  await until(() => seen.shout.length > 0 && seen.whisper.length > 0, 'zyre.js to receive')
  t.same(seen.shout, [{ id: ours.uuid, message: 'shout from ts', group: 'GRP' }])
  t.same(seen.whisper, [{ id: ours.uuid, message: 'whisper from ts' }])
  const shout = await log.wait('SHOUT', (e) => e.peer === theirId)
  t.equal(shout.group, 'GRP')
  t.equal(String(shout.content[0]), 'shout from js')
  const whisper = await log.wait('WHISPER', (e) => e.peer === theirId)
  t.equal(String(whisper.content[0]), 'whisper from js')

  // LEAVE both ways (and the status counters stay in step: no warnings on our side).
  const warnings: string[] = []
  ours.on('warning', (w) => warnings.push(w.code))
  ours.leave('GRP')
  theirs.leave('GRP')
  await until(() => seen.leave.some((l) => l.id === ours.uuid && l.group === 'GRP'), 'zyre.js to see our LEAVE')
  await log.wait('LEAVE', (e) => e.peer === theirId && e.group === 'GRP')
  t.same(ours.peersByGroup('GRP'), [])
  ours.join('GRP2')
  await until(() => seen.join.some((j) => j.id === ours.uuid && j.group === 'GRP2'), 'zyre.js to see our second JOIN')
  t.same(warnings, [])
  t.equal(log.of('EXIT').length, 0, 'nobody left yet')

  // zyre.js stops: we see EXIT (long before our 10 s expiry, from its leaving beacon or disconnect).
  await theirs.stop()
  theirsRunning = false
  await log.wait('EXIT', (e) => e.peer === theirId, 8000)
  t.same(ours.peers(), [])
})

t.test('our stop() makes zyre.js drop us', async (t) => {
  const ZyreJs = loadZyreJs()
  const theirs = new ZyreJs({ name: 'zyrejs2', iface: 'lo', bport: PORT + 1, binterval: 100, evasive: 2000, expired: 30000 })
  const seen = watch(theirs)
  await theirs.start()
  t.teardown(() => theirs.stop())
  const ours = new Zyre({ name: 'leaver', interface: 'lo', port: PORT + 1, interval: 100 })
  await ours.start()
  await until(() => seen.connect.some((c) => c.id === ours.uuid), 'zyre.js to see us')
  await ours.stop()
  await until(() => seen.disconnect.includes(ours.uuid), 'zyre.js to drop us', 8000)
  t.pass('zyre.js dropped us on our port-0 beacon, before its 30 s expiry')
})
