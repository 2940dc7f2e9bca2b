// The optional ConnectionHandler (the socket layer's line into a Connection): told of ready,
// message, subscribe and close (with the error) before the listeners, in the order they happen.
import t from 'tap'
import { Connection } from '../../../zmtp/connection/connection.ts'
import type { ConnectionHandler, PeerInfo } from '../../../zmtp/connection/connection-types.ts'
import { ZmtpError } from '../../../zmtp/errors.ts'
import { connectTcp, connection, listen, options } from './helpers.ts'

class Log implements ConnectionHandler {
  readonly seen: string[] = []
  ready(peer: PeerInfo): void {
    this.seen.push(`ready ${peer.socketType}`)
  }
  message(frames: Buffer[]): void {
    this.seen.push(`message ${frames.map(String).join('|')}`)
  }
  subscribe(topic: Buffer, on: boolean): void {
    this.seen.push(`subscribe ${String(topic)} ${on}`)
  }
  drain(): void {
    this.seen.push('drain')
  }
  close(err: ZmtpError | undefined): void {
    this.seen.push(`close ${err?.code ?? 'clean'}`)
  }
}

t.test('a handler hears every event, before the listeners', async (t) => {
  const l = await listen()
  t.teardown(() => l.close())
  const [client, accepted] = await Promise.all([connectTcp(l.port), l.accept()])
  const log = new Log()
  const conn = new Connection(accepted, options({ socketType: 'XPUB' }), log)
  for (const ev of ['ready', 'message', 'subscribe', 'close'] as const) {
    conn.on(ev, () => log.seen.push(`listener ${ev}`))
  }
  const ready = new Promise((r) => conn.once('ready', r))
  const { conn: peer, rec } = connection(client, { socketType: 'XSUB' })
  await Promise.all([ready, rec.ready])
  const message = new Promise((r) => conn.once('message', r))
  peer.sendSubscribe(Buffer.from('news'), true)
  peer.send([Buffer.from('a'), Buffer.from('b')])
  await message
  conn.fail(new ZmtpError('ZMTP_BAD_COMMAND', 'test'))
  t.same(log.seen, [
    'ready XSUB', 'listener ready',
    'subscribe news true', 'listener subscribe',
    'message a|b', 'listener message',
    'close ZMTP_BAD_COMMAND', 'listener close',
  ])
  peer.destroy()
})
