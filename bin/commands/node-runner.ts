// Runs one Zyre node for a command: starts it, prints every event, stops it cleanly on
// SIGINT/SIGTERM, at the end of --duration, or when the command says it is done.
import { Zyre, type ZyreEvent, type ZyreOptions } from '../../lib/index.ts'
import { UsageError } from './node-options.ts'
import { formatEvent } from './print-event.ts'

export interface RunNodeOptions {
  json: boolean
  /** Stop after this many ms (0 = run until interrupted or `done`). */
  duration: number
  /** Called for every event after it is printed. */
  onEvent?: (zyre: Zyre, e: ZyreEvent) => void
  /** Called once the node is started; resolving it stops the node. `stopping` aborts when the
   *  node stops for another reason (signal, --duration), so `main` can release its inputs. */
  main?: (zyre: Zyre, stopping: AbortSignal) => Promise<void>
}

export async function runNode(options: ZyreOptions, run: RunNodeOptions): Promise<number> {
  const zyre = new Zyre(options)
  zyre.on('event', (e) => {
    process.stdout.write(formatEvent(e, run.json) + '\n')
    run.onEvent?.(zyre, e)
  })
  zyre.on('warning', (w) => process.stderr.write(`warning: ${w.code}: ${w.message}\n`))
  try {
    await zyre.start()
  } catch (err) {
    process.stderr.write(`cannot start: ${(err as Error).message}\n`)
    return 1
  }
  if (!run.json) {
    process.stderr.write(`${zyre.name} (${zyre.uuid}) at ${zyre.endpoint}\n`)
    if (zyre.gossipEndpoint !== undefined) process.stderr.write(`gossip server at ${zyre.gossipEndpoint}\n`)
  }
  let stop!: () => void
  const stopped = new Promise<void>((resolve) => (stop = resolve))
  const onSignal = (): void => stop()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  const timer = run.duration > 0 ? setTimeout(stop, run.duration) : undefined
  const stopping = new AbortController()
  run.main?.(zyre, stopping.signal).then(stop, (err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`)
    stop()
  })
  await stopped
  stopping.abort()
  if (timer) clearTimeout(timer)
  process.off('SIGINT', onSignal)
  process.off('SIGTERM', onSignal)
  await zyre.stop()
  return 0
}

export function durationOption(value: string | undefined, flag = 'duration'): number {
  if (value === undefined) return 0
  const n = Number(value)
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${flag} takes milliseconds, got '${value}'`)
  return n
}
