// `zyre chat`: shouts each line read from stdin to a group and prints everything received.
// Ends when stdin ends (after a short grace so the last lines leave) or on Ctrl-C.
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { nodeOptionSpecs, nodeOptionsHelp, toZyreOptions, withUsage } from './node-options.ts'
import { durationOption, runNode } from './node-runner.ts'

const help = `usage: zyre chat --name NAME [--group GROUP] [options]

Shouts each line of stdin to GROUP (default CHAT) and prints every event received.

${nodeOptionsHelp}
  -g, --group G        the chat group (default CHAT)
  --duration MS        stop after this long (default: when stdin ends, or Ctrl-C)
  --linger MS          after stdin ends, keep running this long to receive (default 500)`

export async function run(argv: string[]): Promise<number> {
  return withUsage(help, async () => {
    const { values } = parseArgs({
      args: argv,
      options: { ...nodeOptionSpecs, group: { type: 'string', short: 'g' }, duration: { type: 'string' }, linger: { type: 'string' } },
      strict: true,
    })
    if (values.help) {
      process.stdout.write(help + '\n')
      return 0
    }
    const group = values.group ?? 'CHAT'
    const linger = durationOption(values.linger ?? '500', 'linger')
    return runNode(toZyreOptions(values), {
      json: values.json ?? false,
      duration: durationOption(values.duration),
      main: async (zyre, stopping) => {
        zyre.join(group)
        const lines = createInterface({ input: process.stdin, terminal: false })
        // Stopped by a signal or --duration: stop reading so stdin no longer holds the process.
        stopping.addEventListener('abort', () => {
          lines.close()
          process.stdin.destroy()
        })
        for await (const line of lines) {
          if (line.length > 0) await zyre.shout(group, line)
        }
        await new Promise((resolve) => setTimeout(resolve, linger))
      },
    })
  })
}
