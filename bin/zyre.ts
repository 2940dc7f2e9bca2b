#!/usr/bin/env node
// The `zyre` command line: dispatches `zyre <command> [args]` to bin/commands/<command>.ts.
// Run from source (tsx) it loads the commands' .ts files; built into dist/ it loads their .js.
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'

const ext = extname(fileURLToPath(import.meta.url))

const commands: Record<string, string> = {
  demo: 'the loopback demo: several nodes discover each other, join a group, shout and whisper',
  ping: 'join GLOBAL, whisper "Hello" to each new peer, print every event',
  chat: 'shout lines from stdin to a group, print everything received',
  gen: 'generate a TypeScript codec from a zproto XML model',
  keygen: 'make a CURVE key pair (a certificate file for --curve-cert)',
}

function usage(): string {
  const lines = Object.entries(commands).map(([name, what]) => `  ${name.padEnd(6)} ${what}`)
  return `usage: zyre <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nzyre <command> --help for its options`
}

const [name, ...rest] = process.argv.slice(2)
if (name === undefined || name === '--help' || name === '-h' || !Object.hasOwn(commands, name)) {
  console.error(usage())
  process.exitCode = name === undefined || name.startsWith('-') ? 0 : 2
} else {
  const mod = (await import(`./commands/${name}${ext}`)) as { run(argv: string[]): Promise<number> }
  process.exitCode = await mod.run(rest)
}
