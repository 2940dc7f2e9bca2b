// UTF-8 text in and out of frames for generated codecs: short ASCII strings are copied by hand (faster than
// the native routines at these sizes), everything else goes straight to them. Callers bounds-check first.

// Buffer#toString goes through a JS wrapper that re-validates its arguments; the native utf8Slice it ends in
// is ~10 % faster on HELLO decode (Node 20). It is not a documented API, hence the fallback.
const utf8Slice = (Buffer.prototype as unknown as { utf8Slice?: (this: Buffer, start: number, end: number) => string }).utf8Slice

/** The UTF-8 text in b[start, end); invalid sequences become U+FFFD. */
export function readText(b: Buffer, start: number, end: number): string {
  if (end - start <= 8) {
    let s = ''
    for (let i = start; i < end; i++) {
      const c = b[i]!
      if (c > 0x7f) return nativeText(b, start, end)
      s += String.fromCharCode(c)
    }
    return s
  }
  return nativeText(b, start, end)
}

function nativeText(b: Buffer, start: number, end: number): string {
  return utf8Slice !== undefined ? utf8Slice.call(b, start, end) : b.toString('utf8', start, end)
}

/** Writes s at p; `bytes` is its UTF-8 length, already measured by the caller's size pass. */
export function writeText(b: Buffer, s: string, p: number, bytes: number): void {
  // ASCII (byte length = length) is copied by hand: twice as fast as Buffer#write for short strings.
  if (bytes === s.length && bytes < 64) {
    for (let i = 0; i < bytes; i++) b[p + i] = s.charCodeAt(i)
  } else b.write(s, p)
}
