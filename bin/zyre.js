#!/usr/bin/env node
// Launcher for the `zyre` CLI: runs the TypeScript entry point through tsx.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
const require = createRequire(import.meta.url)
const tsx = require.resolve('tsx/cli')
const entry = fileURLToPath(new URL('./zyre.ts', import.meta.url))
const r = spawnSync(process.execPath, [tsx, entry, ...process.argv.slice(2)], { stdio: 'inherit' })
process.exit(r.status ?? 1)
