// A reference for large messages: plain net.Socket to net.Socket on loopback in this process, no
// framing, received chunks dropped, one write per message, read as Node does by default (a fresh
// 64 KiB buffer per read through 'data' events). Our connections read into one large shared
// buffer and write several queued messages at once (zmtp/transport/read-buffers.ts,
// stream-writer.ts), which is how they pass this figure.
import * as net from 'node:net'

/** Bytes queued in the stream before the writer waits for 'drain': our Connection's default mark. */
const WRITE_MARK = 1024 * 1024

/** MB/s moving `count` writes of `size` bytes, waiting for 'drain' above WRITE_MARK. */
export async function rawTcp(size: number, count: number): Promise<number> {
  const server = net.createServer({ noDelay: true })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve))
  const writer = net.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1', noDelay: true })
  await new Promise<void>((resolve) => writer.once('connect', () => resolve()))
  const reader = await accepted
  const payload = Buffer.alloc(size, 0x61)
  try {
    const pass = async (n: number): Promise<number> => {
      const total = n * size
      let got = 0
      const start = process.hrtime.bigint()
      const done = new Promise<void>((resolve) => {
        const onData = (chunk: Buffer): void => {
          got += chunk.length
          if (got < total) return
          reader.off('data', onData)
          resolve()
        }
        reader.on('data', onData)
      })
      for (let i = 0; i < n; i++) {
        writer.write(payload)
        if (writer.writableLength > WRITE_MARK) await new Promise((resolve) => writer.once('drain', resolve))
      }
      await done
      return total / (Number(process.hrtime.bigint() - start) / 1e9) / 1e6
    }
    await pass(Math.max(1, Math.ceil(count / 2)))
    return await pass(count)
  } finally {
    writer.destroy()
    reader.destroy()
    server.close()
  }
}
