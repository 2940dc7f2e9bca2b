// Field formatters for the generated `format(msg)`: one short log line, long values abbreviated.

export function formatText(s: string): string {
  return JSON.stringify(s.length > 40 ? s.slice(0, 40) + '…' : s)
}

export function formatTexts(list: string[]): string {
  return '[' + list.slice(0, 8).map(formatText).join(',') + (list.length > 8 ? `,…${list.length} total` : '') + ']'
}

export function formatHash(map: Map<string, string>): string {
  const items = [...map].slice(0, 8).map(([k, v]) => `${formatText(k)}:${formatText(v)}`)
  return '{' + items.join(',') + (map.size > 8 ? `,…${map.size} total` : '') + '}'
}

export function formatBytes(b: Buffer): string {
  return b.length <= 16 ? `<${b.toString('hex')}>` : `<${b.subarray(0, 16).toString('hex')}…${b.length} bytes>`
}

export function formatFrames(frames: Buffer[]): string {
  return '[' + frames.slice(0, 4).map(formatBytes).join(',') + (frames.length > 4 ? `,…${frames.length} frames` : '') + ']'
}
