// Small helpers for ZMTP socket tests: wait for a condition or an event without fixed sleeps.
import type { Socket } from '../../zmtp/sockets/socket.ts'
import type { SocketEventOfType, SocketEventType } from '../../zmtp/sockets/observer.ts'

/** Poll `cond` every few ms until true; rejects after `ms` (a generous bound, not a timing assertion). */
export async function waitFor(cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** Resolve with the next event of `type` on `socket` (emitter mode). */
export function nextEvent<T extends SocketEventType>(socket: Socket, type: T, ms = 5000): Promise<SocketEventOfType<T>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.events.off(type, on)
      reject(new Error(`timed out waiting for event ${type}`))
    }, ms)
    const on = (e: SocketEventOfType<T>) => {
      clearTimeout(timer)
      socket.events.off(type, on)
      resolve(e)
    }
    socket.events.on(type, on)
  })
}

/** Receive with a bound, so a missing message fails the test instead of hanging it. */
export async function recv(socket: Socket, ms = 5000): Promise<Buffer[]> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      socket.receive(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out waiting for a message')), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

export function strs(frames: Buffer[]): string[] {
  return frames.map((f) => f.toString())
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
