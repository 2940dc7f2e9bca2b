#!/usr/bin/env node
// Launcher for the `zyre` CLI: registers tsx's loader in this process and runs the TypeScript
// entry point, so signals (Ctrl-C) and exit codes are the command's own, with no child process.
import { register } from 'tsx/esm/api'

register()
await import('./zyre.ts')
