// Interface selection against synthetic interface tables (no network needed).
import t from 'tap'
import type { NetworkInterfaceInfo } from 'node:os'
import { resolveInterface, ipv4Broadcast, hasMulticastFlag } from '../../../lib/beacon/interfaces.ts'
import { BeaconError } from '../../../lib/beacon/errors.ts'
import { computeDestinations, parseTarget } from '../../../lib/beacon/destinations.ts'

const v4 = (address: string, netmask: string, internal = false): NetworkInterfaceInfo =>
  ({ address, netmask, family: 'IPv4', mac: '00:00:00:00:00:00', internal, cidr: null }) as NetworkInterfaceInfo
const v6 = (address: string, scopeid: number): NetworkInterfaceInfo =>
  ({ address, netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '00:00:00:00:00:00', internal: false, cidr: null, scopeid }) as NetworkInterfaceInfo

const table = {
  lo: [v4('127.0.0.1', '255.0.0.0', true)],
  tun0: [v4('10.8.0.5', '255.255.255.255')],
  eth0: [v6('2001:db8::5', 0), v6('fe80::1', 2), v4('192.168.1.20', '255.255.255.0')],
  wlan0: [v4('10.1.2.3', '255.255.0.0')],
}

t.test('broadcast arithmetic', async (t) => {
  t.equal(ipv4Broadcast('192.168.1.20', '255.255.255.0'), '192.168.1.255')
  t.equal(ipv4Broadcast('10.1.2.3', '255.255.0.0'), '10.1.255.255')
  t.equal(ipv4Broadcast('127.0.0.1', '255.0.0.0'), '127.255.255.255')
  t.equal(ipv4Broadcast('10.8.0.5', '255.255.255.255'), undefined)
})

t.test('default: first non-internal IPv4 with a broadcast address', async (t) => {
  const r = resolveInterface(undefined, 'IPv4', table)
  t.equal(r.name, 'eth0')
  t.equal(r.address, '192.168.1.20')
  t.equal(r.broadcast, '192.168.1.255')
})

t.test('by name, by address, loopback aliases', async (t) => {
  t.equal(resolveInterface('wlan0', 'IPv4', table).address, '10.1.2.3')
  t.equal(resolveInterface('10.1.2.3', 'IPv4', table).name, 'wlan0')
  const lo = resolveInterface('lo', 'IPv4', table)
  t.same([lo.address, lo.broadcast], ['127.0.0.1', '127.255.255.255'])
  t.equal(resolveInterface('loopback', 'IPv4', { LOOP: [v4('127.0.0.1', '255.0.0.0', true)] }).name, 'LOOP')
  const six = resolveInterface('eth0', 'IPv6', table)
  t.equal(six.address, 'fe80::1', 'link-local preferred for IPv6')
  t.equal(six.scopeid, 2)
})

t.test('clear typed errors', async (t) => {
  t.throws(() => resolveInterface('eth9', 'IPv4', table), { code: 'BEACON_NO_INTERFACE', message: /no interface named 'eth9'.*eth0/ })
  t.throws(() => resolveInterface('10.9.9.9', 'IPv4', table), BeaconError)
  t.throws(() => resolveInterface('wlan0', 'IPv6', table), { message: /has no IPv6 address/ })
  t.throws(() => resolveInterface(undefined, 'IPv4', { lo: table.lo }), { code: 'BEACON_NO_INTERFACE' })
})

t.test('destinations and targets', async (t) => {
  const eth0 = resolveInterface('eth0', 'IPv4', table)
  const targets = [parseTarget('server.example:7000', 5670), parseTarget('10.0.0.9', 5670), parseTarget('[2001:db8::1]:9', 5670)]
  t.same(targets, [{ host: 'server.example', port: 7000 }, { host: '10.0.0.9', port: 5670 }, { host: '2001:db8::1', port: 9 }])
  t.same(parseTarget('2001:db8::2', 5670), { host: '2001:db8::2', port: 5670 })
  t.throws(() => parseTarget('host:99999', 5670), { code: 'BEACON_BAD_OPTION' })
  t.same(computeDestinations(eth0, { mode: 'broadcast', port: 5670, targets: [] }), [{ host: '192.168.1.255', port: 5670 }])
  t.same(computeDestinations(eth0, { mode: 'broadcast', port: 5670, broadcastAddress: '255.255.255.255', targets: [] }), [{ host: '255.255.255.255', port: 5670 }])
  t.same(computeDestinations(eth0, { mode: 'multicast', port: 1, targets: targets.slice(0, 1) }), [{ host: '239.192.0.36', port: 1 }, { host: 'server.example', port: 7000 }])
  t.same(computeDestinations(resolveInterface('eth0', 'IPv6', table), { mode: 'ipv6', port: 2, targets: [] }), [{ host: 'ff02::1%eth0', port: 2 }])
  t.same(computeDestinations(eth0, { mode: 'unicast', port: 2, targets: targets.slice(1, 2) }), [{ host: '10.0.0.9', port: 5670 }])
})

t.test('multicast flag from /sys (Linux)', { skip: process.platform !== 'linux' && 'Linux only' }, async (t) => {
  t.equal(typeof hasMulticastFlag('lo'), 'boolean', 'lo is known')
  t.equal(hasMulticastFlag('no-such-if0'), undefined, 'unknown interface')
  t.equal(hasMulticastFlag('../lo'), undefined, 'no path games')
  t.equal(hasMulticastFlag('..'), undefined)
})
