// The `zyre` command line as a user runs it: two `zyre ping` processes find each other and
// whisper Hello; `zyre chat` shouts stdin lines to another chat; `zyre chat --contest` wins an
// election and prints LEADER; `zyre demo` (npm start) runs to "demo OK"; `zyre keygen`
// certificates (czmq's zcert reads ours, we read its) encrypt two pings; bad options exit 2 with
// the help text. All on loopback, each on its own port.
import t from 'tap'
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

// From source, in-process through tsx's loader (no build needed); test/package/ covers the built bin.
const bin = fileURLToPath(new URL('../../bin/zyre.ts', import.meta.url))
const helper = fileURLToPath(new URL('../helpers/czmq_cert.py', import.meta.url))

interface Proc {
  child: ChildProcessWithoutNullStreams
  lines: string[]
  exited: Promise<number | null>
}

function zyre(args: string[]): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', bin, ...args], { stdio: 'pipe' })
  const lines: string[] = []
  let partial = ''
  child.stdout.on('data', (d: Buffer) => {
    const parts = (partial + d.toString()).split('\n')
    partial = parts.pop()!
    lines.push(...parts)
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (partial) lines.push(partial)
      if (code !== 0 && stderr) lines.push(`stderr: ${stderr}`)
      resolve(code)
    }),
  )
  return { child, lines, exited }
}

const json = (p: Proc): Record<string, unknown>[] =>
  p.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)

async function until(cond: () => boolean, what: string, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const common = ['--interface', 'lo', '--interval', '100', '--json']

t.test('two zyre ping processes whisper Hello to each other', async (t) => {
  const a = zyre(['ping', ...common, '--port', '47261', '--name', 'pa'])
  const b = zyre(['ping', ...common, '--port', '47261', '--name', 'pb'])
  t.teardown(() => {
    a.child.kill()
    b.child.kill()
  })
  const hello = (p: Proc, from: string) => json(p).some((e) => e.type === 'WHISPER' && e.name === from && e.content === 'Hello')
  await until(() => hello(a, 'pb') && hello(b, 'pa'), 'Hello both ways')
  const enter = json(a).find((e) => e.type === 'ENTER')!
  t.match(enter, { type: 'ENTER', name: 'pb', peer: /^[0-9A-F]{32}$/ })
  t.ok(json(a).some((e) => e.type === 'JOIN' && e.group === 'GLOBAL' && e.name === 'pb'), 'b joined GLOBAL')
  a.child.kill('SIGINT')
  t.equal(await a.exited, 0, 'ping exits 0 on Ctrl-C')
  await until(() => json(b).some((e) => e.type === 'EXIT' && e.name === 'pa'), 'EXIT of the stopped ping')
  t.equal(json(a).at(-1)?.type, 'STOP', 'the last event of a stopped node is STOP')
})

/** A TCP port the system just gave out and took back: free for the gossip server to bind. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

t.test('two zyre ping processes meet through gossip, one serving it, without beacons', async (t) => {
  const gossip = `tcp://127.0.0.1:${await freePort()}`
  // The beacon port is shared with the first test: gossip nodes never beacon, so never meet those.
  const a = zyre(['ping', ...common, '--port', '47261', '--name', 'ga', '--gossip-bind', gossip])
  const b = zyre(['ping', ...common, '--port', '47261', '--name', 'gb', '--gossip-connect', gossip])
  t.teardown(() => {
    a.child.kill()
    b.child.kill()
  })
  const hello = (p: Proc, from: string) => json(p).some((e) => e.type === 'WHISPER' && e.name === from && e.content === 'Hello')
  await until(() => hello(a, 'gb') && hello(b, 'ga'), 'Hello both ways through gossip')
  t.notOk([...json(a), ...json(b)].some((e) => e.type === 'ENTER' && e.name !== 'ga' && e.name !== 'gb'), 'no beacon node is met')
})

t.test('zyre chat shouts stdin lines to the group', async (t) => {
  const listener = zyre(['chat', ...common, '--port', '47262', '--name', 'listener', '--group', 'ROOM'])
  t.teardown(() => listener.child.kill())
  const talker = zyre(['chat', ...common, '--port', '47262', '--name', 'talker', '--group', 'ROOM', '--linger', '300'])
  t.teardown(() => talker.child.kill())
  await until(() => json(talker).some((e) => e.type === 'JOIN' && e.name === 'listener' && e.group === 'ROOM'), 'talker to see the listener join')
  talker.child.stdin.write('hello room\nsecond line\n')
  talker.child.stdin.end()
  t.equal(await talker.exited, 0, 'chat exits 0 when stdin ends')
  await until(() => json(listener).filter((e) => e.type === 'SHOUT').length === 2, 'two shouts')
  const shouts = json(listener).filter((e) => e.type === 'SHOUT')
  t.same(
    shouts.map((e) => [e.name, e.group, e.content]),
    [
      ['talker', 'ROOM', 'hello room'],
      ['talker', 'ROOM', 'second line'],
    ],
  )
})

t.test('zyre chat --contest: the chat stands for leader and prints the LEADER event', async (t) => {
  const chat = zyre(['chat', ...common, '--port', '47266', '--name', 'boss', '--group', 'ROOM', '--contest', 'ROOM'])
  t.teardown(() => chat.child.kill())
  // A node of ours joins ROOM once the two have met: the JOIN starts the chat's election.
  const { Zyre } = await import('../../lib/index.ts')
  const other = new Zyre({ interface: 'lo', interval: 100, port: 47266, name: 'member' })
  t.teardown(() => other.stop())
  const leader = new Promise<{ peer: string; name: string }>((resolve) => other.once('LEADER', resolve))
  await other.start()
  await until(() => json(chat).some((e) => e.type === 'ENTER' && e.name === 'member'), 'the chat to see the other node')
  other.join('ROOM')
  await until(() => json(chat).some((e) => e.type === 'LEADER'), 'the chat to print LEADER')
  const printed = json(chat).find((e) => e.type === 'LEADER')!
  t.match(printed, { type: 'LEADER', name: 'boss', group: 'ROOM' }, 'the chat won (the only challenger)')
  t.match(await leader, { peer: printed.peer, name: 'boss' }, 'and the other member agrees')
})

t.test('zyre ping --require: meets a node it cannot discover and whispers it Hello', async (t) => {
  // The two beacon on different ports: only --require can bring them together.
  const { Zyre } = await import('../../lib/index.ts')
  const other = new Zyre({ interface: 'lo', interval: 100, port: 47268, name: 'faraway' })
  t.teardown(() => other.stop())
  const hello = new Promise<{ content: Buffer[] }>((resolve) => other.once('WHISPER', resolve))
  await other.start()
  const ping = zyre(['ping', ...common, '--port', '47267', '--name', 'seeker', '--require', `${other.uuid}@${other.endpoint}`])
  t.teardown(() => ping.child.kill())
  await until(() => json(ping).some((e) => e.type === 'ENTER' && e.name === 'faraway'), 'the ping to see the required node')
  t.equal(String((await hello).content[0]), 'Hello', 'and it whispers Hello, as to a discovered peer')
  const bad = zyre(['ping', '--require', 'no-at-sign'])
  t.equal(await bad.exited, 2, 'a malformed --require is a usage error')
})

t.test('text output is one readable line per event', async (t) => {
  const a = zyre(['ping', '--interface', 'lo', '--interval', '100', '--port', '47263', '--name', 'ta'])
  const b = zyre(['ping', '--interface', 'lo', '--interval', '100', '--port', '47263', '--name', 'tb', '--duration', '3000'])
  t.teardown(() => a.child.kill())
  t.teardown(() => b.child.kill())
  await until(() => a.lines.some((l) => l.startsWith('WHISPER tb ')), 'a text WHISPER line')
  t.match(a.lines.find((l) => l.startsWith('ENTER tb')), /^ENTER tb \([0-9A-F]{32}\) at tcp:\/\/127\.0\.0\.1:\d+$/)
  t.match(a.lines.find((l) => l.startsWith('WHISPER tb')), /: Hello$/)
})

t.test('zyre demo runs to success on loopback', async (t) => {
  const demo = zyre(['demo', '--nodes', '4', '--port', '47264'])
  t.teardown(() => demo.child.kill())
  t.equal(await demo.exited, 0, demo.lines.join('\n'))
  t.ok(demo.lines.includes('demo OK'))
  t.ok(demo.lines.some((l) => /every node saw every other after \d+ ms/.test(l)))
  t.ok(demo.lines.some((l) => /received: 12 ENTER, 12 JOIN, 12 SHOUT, 4 WHISPER, [3-9]\d* EXIT/.test(l)), 'counts in the summary')
})

t.test('bad options exit 2 with help', async (t) => {
  const p = zyre(['ping', '--port', 'nope'])
  t.equal(await p.exited, 2)
  const q = zyre(['chat', '--no-such-flag'])
  t.equal(await q.exited, 2)
  const h = zyre(['demo', '--help'])
  t.equal(await h.exited, 0)
  t.ok(h.lines.some((l) => l.startsWith('usage: zyre demo')))
})

t.test('zyre keygen certificates: czmq reads ours, we read czmq\'s, two pings meet over CURVE', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'zyre-cli-cert-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const ours = join(dir, 'ours.cert')
  const made = zyre(['keygen', '--out', ours])
  t.equal(await made.exited, 0)
  t.equal(statSync(ours).mode & 0o777, 0o600, 'the secret certificate is readable by its owner only')
  const printed = /^public-key = "(.{40})"$/.exec(made.lines[0] ?? '')?.[1]
  t.ok(printed, 'keygen prints the public key')
  const again = zyre(['keygen', '--out', ours])
  t.equal(await again.exited, 2, 'never over an existing file')

  const czmq = (op: string, path: string) => JSON.parse(execFileSync('/usr/bin/python3', [helper, op, path], { encoding: 'utf8' })) as { public: string; secret: string }
  const loaded = czmq('load', ours)
  t.equal(loaded.public, printed, 'zcert_load reads our public key')
  t.match(readFileSync(ours, 'utf8'), `secret-key = "${loaded.secret}"`, 'and our secret key')
  const theirs = join(dir, 'theirs')
  const saved = czmq('save', theirs)

  const args = [...common, '--port', '47265']
  const a = zyre(['ping', ...args, '--name', 'ka', '--curve-cert', ours])
  const b = zyre(['ping', ...args, '--name', 'kb', '--curve-cert', `${theirs}_secret`])
  const plain = zyre(['ping', ...args, '--name', 'kplain'])
  t.teardown(() => {
    a.child.kill()
    b.child.kill()
    plain.child.kill()
  })
  const hello = (p: Proc, from: string) => json(p).some((e) => e.type === 'WHISPER' && e.name === from && e.content === 'Hello')
  await until(() => hello(a, 'kb') && hello(b, 'ka'), 'Hello both ways over CURVE')
  const enter = json(a).find((e) => e.type === 'ENTER' && e.name === 'kb')
  t.same(enter?.headers, { 'X-PUBLICKEY': saved.public }, 'the czmq certificate\'s key, as the peer announced it')
  await new Promise((r) => setTimeout(r, 500))
  t.notOk([...json(a), ...json(b)].some((e) => e.name === 'kplain'), 'the node without keys is not seen')
  t.notOk(json(plain).some((e) => e.type === 'ENTER'), 'nor does it see the nodes with keys')

  const bad = join(dir, 'bad.cert')
  writeFileSync(bad, 'curve\n    public-key = "short"\n    secret-key = "short"\n')
  const refused = zyre(['ping', ...args, '--curve-cert', bad])
  t.equal(await refused.exited, 2, 'a certificate with bad keys is a usage error')
  const publicOnly = zyre(['ping', ...args, '--curve-cert', theirs])
  t.equal(await publicOnly.exited, 2, 'a public certificate (no secret key) is refused')
  t.ok(publicOnly.lines.some((l) => l.includes('no curve secret-key')))
})
