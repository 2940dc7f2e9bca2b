// A helper process driven by JSON lines: requests on stdin, one JSON value per line on stdout,
// its log on stderr. Requests are answered in order (the n-th answer settles the n-th call);
// everything else on stdout goes to the subclass. Used by the czmq drivers (beacon, gossip).
import type { ChildProcess } from 'node:child_process'
import { jsonLines } from './netns.ts'

const REPLY_TIMEOUT = 10_000

export abstract class JsonDriver<Line, Answer> {
  private readonly stderr: string[] = []
  private readonly waiting: { resolve: (a: Answer) => void; reject: (err: Error) => void }[] = []
  private exited = false

  /** `what` names the driver in errors. */
  constructor(
    private readonly what: string,
    protected readonly child: ChildProcess,
  ) {
    child.stderr!.setEncoding('utf8')
    child.stderr!.on('data', (d: string) => this.stderr.push(...d.split('\n').filter(Boolean)))
    jsonLines<Line>(child, (line) => this.onLine(line))
    child.once('exit', (code, signal) => {
      this.exited = true
      const err = new Error(`${what} exited (${code ?? signal}): ${this.stderrTail()}`)
      for (const w of this.waiting.splice(0)) w.reject(err)
    })
  }

  /** Every line the driver prints. */
  protected abstract onLine(line: Line): void

  /** Settles the oldest call still waiting. */
  protected answer(a: Answer): void {
    this.waiting.shift()?.resolve(a)
  }

  protected call(req: object): Promise<Answer> {
    this.running()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.what}: no answer to ${JSON.stringify(req)}: ${this.stderrTail()}`)), REPLY_TIMEOUT)
      this.waiting.push({
        resolve: (a) => (clearTimeout(timer), resolve(a)),
        reject: (err) => (clearTimeout(timer), reject(err)),
      })
      this.child.stdin!.write(JSON.stringify(req) + '\n')
    })
  }

  /** For wait conditions: throws (with the driver's log) once it has died. */
  running(): true {
    if (this.exited) throw new Error(`${this.what} exited: ${this.stderrTail()}`)
    return true
  }

  stderrTail(): string {
    return this.stderr.slice(-5).join(' | ') || '(no output)'
  }

  /** Ends stdin (the driver cleans up and exits); kills it if it does not. */
  async close(): Promise<void> {
    if (this.exited) return
    const gone = new Promise((resolve) => this.child.once('exit', resolve))
    this.child.stdin!.end()
    const kill = setTimeout(() => this.child.kill('SIGKILL'), 2000)
    await gone
    clearTimeout(kill)
  }
}
