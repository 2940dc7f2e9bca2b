// runAtTurnEnd (turn-end.ts): tasks of one turn run once each, in the order asked, from a single
// setImmediate; a task asked for during the run goes to the next turn; a task that throws is an
// uncaught error (checked in a child process) and the tasks after it still run.
import t from 'tap'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { runAtTurnEnd, type TurnEndTask } from '../../../zmtp/connection/turn-end.ts'

const root = fileURLToPath(new URL('../../../', import.meta.url))

function recorder(log: string[], name: string): TurnEndTask {
  return { atTurnEnd: () => void log.push(name) }
}

t.test('tasks of a turn run once each, in order, from one setImmediate', async (t) => {
  const log: string[] = []
  const real = globalThis.setImmediate
  let immediates = 0
  globalThis.setImmediate = ((fn: (...args: unknown[]) => void, ...args: unknown[]) => {
    immediates++
    return real(fn, ...args)
  }) as typeof setImmediate
  try {
    const tasks = Array.from({ length: 1000 }, (_, i) => recorder(log, `t${i}`))
    for (const task of tasks) runAtTurnEnd(task)
    t.same(log, [], 'nothing runs inside the call')
    t.equal(immediates, 1, 'one setImmediate for a thousand tasks')
  } finally {
    globalThis.setImmediate = real
  }
  await new Promise((resolve) => setImmediate(resolve))
  t.equal(log.length, 1000)
  t.same(log.slice(0, 3), ['t0', 't1', 't2'])
  t.equal(log[999], 't999')
  await new Promise((resolve) => setImmediate(resolve))
  t.equal(log.length, 1000, 'each ran once')
})

t.test('after the turn: an Immediate made before the first task runs first', async (t) => {
  const log: string[] = []
  setImmediate(() => log.push('earlier immediate'))
  runAtTurnEnd(recorder(log, 'task'))
  await new Promise((resolve) => setImmediate(resolve))
  t.same(log, ['earlier immediate', 'task'])
})

t.test('a task asked for while the tasks run goes to the next turn', async (t) => {
  const log: string[] = []
  let again = true
  const task: TurnEndTask = {
    atTurnEnd: () => {
      log.push('task')
      if (again) {
        again = false
        runAtTurnEnd(task)
        // Made during the run, after the task asked again: it runs after it, in the next turn.
        setImmediate(() => log.push('immediate made during the run'))
      }
    },
  }
  runAtTurnEnd(task)
  runAtTurnEnd(recorder(log, 'other'))
  await new Promise((resolve) => setImmediate(resolve))
  t.same(log, ['task', 'other'], 'the first turn: each task once')
  await new Promise((resolve) => setTimeout(resolve, 5))
  t.same(log, ['task', 'other', 'task', 'immediate made during the run'], 'the task again, a turn later')
})

t.test('a task that throws is an uncaught error; the tasks after it still run', async (t) => {
  const child = `
    import { runAtTurnEnd } from './zmtp/connection/turn-end.ts'
    process.on('uncaughtException', (e) => console.log('uncaught ' + e.message))
    runAtTurnEnd({ atTurnEnd: () => console.log('a') })
    runAtTurnEnd({ atTurnEnd: () => { throw new Error('boom') } })
    runAtTurnEnd({ atTurnEnd: () => console.log('c') })
    runAtTurnEnd({ atTurnEnd: () => console.log('d') })`
  const out = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child], { cwd: root }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
  )
  t.equal(out, 'a\nuncaught boom\nc\nd\n')
})
