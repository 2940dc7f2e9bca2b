// `zyre ping`: like the C reference's zpinger. Joins GLOBAL, whispers "Hello" to every peer that
// enters, prints every event.
import { parseArgs } from 'node:util'
import { nodeOptionSpecs, nodeOptionsHelp, toZyreOptions, withUsage } from './node-options.ts'
import { durationOption, runNode } from './node-runner.ts'

const help = `usage: zyre ping [options]

Joins the group GLOBAL, whispers "Hello" to each peer that enters and prints every event.

${nodeOptionsHelp}
  --duration MS        stop after this long (default: run until Ctrl-C)`

export async function run(argv: string[]): Promise<number> {
  return withUsage(help, async () => {
    const { values } = parseArgs({ args: argv, options: { ...nodeOptionSpecs, duration: { type: 'string' } }, strict: true })
    if (values.help) {
      process.stdout.write(help + '\n')
      return 0
    }
    const options = toZyreOptions(values)
    return runNode(options, {
      json: values.json ?? false,
      duration: durationOption(values.duration),
      main: async (zyre) => {
        zyre.join('GLOBAL')
        await new Promise<never>(() => undefined)
      },
      onEvent: (zyre, e) => {
        if (e.type === 'ENTER') zyre.whisper(e.peer, 'Hello').catch(() => undefined)
      },
    })
  })
}
