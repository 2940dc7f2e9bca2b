// The net.Socket fallback for TCP (socket-stream.ts), used where Node's libuv bindings cannot be
// driven directly: it is chosen when ZYRE_TS_STREAMS=net asks for it and when deprecations are
// made to warn or throw (process.binding is then never called), and the socket layer works over
// it: the libzmq interop, reconnect, ROUTER/DEALER and bad-input suites run again in child
// processes with ZYRE_TS_STREAMS=net, their assertions counted here.
import t from 'tap'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadUv, uv } from '../../../zmtp/transport/uv-binding.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const netEnv = { ...process.env, ZYRE_TS_STREAMS: 'net' }

t.test('the handle path is used by default, never when asked not to or when deprecations warn', async (t) => {
  if (process.platform === 'win32') {
    t.equal(loadUv({}, []), undefined, 'Windows: always net')
    return
  }
  t.ok(uv, 'this process: libuv handles')
  t.ok(loadUv({}, []), 'default: libuv handles')
  const proc = process as unknown as { binding: (name: string) => unknown }
  const binding = proc.binding
  let calls = 0
  proc.binding = (name) => {
    calls++
    return binding.call(process, name)
  }
  t.teardown(() => (proc.binding = binding))
  t.equal(loadUv({ ZYRE_TS_STREAMS: 'net' }, []), undefined, 'ZYRE_TS_STREAMS=net: net.Socket')
  t.equal(loadUv({}, ['--pending-deprecation']), undefined, '--pending-deprecation: net.Socket')
  t.equal(loadUv({ NODE_OPTIONS: '--max-old-space-size=100 --pending-deprecation' }, []), undefined, 'the same in NODE_OPTIONS')
  t.equal(loadUv({ NODE_PENDING_DEPRECATION: '1' }, []), undefined, 'NODE_PENDING_DEPRECATION=1: net.Socket')
  t.equal(calls, 0, 'process.binding (which those settings make warn or throw) was not called')
})

for (const file of ['test/interop/zmtp-zeromqjs.test.ts', 'test/zmtp/sockets/queues-reconnect.test.ts', 'test/zmtp/sockets/router-dealer.test.ts', 'test/zmtp/bad-input.test.ts']) {
  t.spawn(process.execPath, ['--import', 'tsx', path.join(root, file)], { cwd: root, env: netEnv }, `${file} with TCP through net.Socket`)
}
