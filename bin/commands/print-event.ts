// How the CLI shows a Zyre event: one readable line, or one JSON object per line (--json) with
// at least type, peer, name, group and content as UTF-8 text.
import type { ZyreEvent } from '../../lib/index.ts'

export interface EventRecord {
  type: string
  peer?: string
  name?: string
  group?: string
  /** The frames as UTF-8 text, concatenated. */
  content?: string
  /** Each frame as UTF-8 text, when there is more than one. */
  frames?: string[]
  address?: string
  headers?: Record<string, string>
}

export function eventRecord(e: ZyreEvent): EventRecord {
  const r: EventRecord = { type: e.type }
  if (e.type === 'STOP') return r
  r.peer = e.peer
  r.name = e.name
  if (e.type === 'JOIN' || e.type === 'LEAVE' || e.type === 'SHOUT' || e.type === 'LEADER') r.group = e.group
  if (e.type === 'WHISPER' || e.type === 'SHOUT') {
    const texts = e.content.map((f) => f.toString('utf8'))
    r.content = texts.join('')
    if (texts.length > 1) r.frames = texts
  }
  if (e.type === 'ENTER') {
    r.address = e.address
    r.headers = Object.fromEntries(e.headers)
  }
  return r
}

export function formatEvent(e: ZyreEvent, json: boolean): string {
  const r = eventRecord(e)
  if (json) return JSON.stringify(r)
  const who = r.name !== undefined ? ` ${r.name} (${r.peer})` : ''
  const group = r.group !== undefined ? ` [${r.group}]` : ''
  const address = r.address !== undefined ? ` at ${r.address}` : ''
  const content = r.content !== undefined ? `: ${r.frames ? r.frames.map((f) => JSON.stringify(f)).join(' ') : r.content}` : ''
  return `${r.type}${who}${group}${address}${content}`
}
