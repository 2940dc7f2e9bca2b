// The pure ZMTP codec layer: no sockets, no timers.
export * from './frame.ts'
export * from './frame-decoder.ts'
export * from './greeting.ts'
export * from './metadata.ts'
export * from './commands.ts'
