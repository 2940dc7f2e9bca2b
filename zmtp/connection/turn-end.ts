// Work a connection leaves for the end of the current event-loop turn (its writes of the turn
// gathered into one, an accepted stream's wait for the peer's greeting), run for every connection
// that asked from one setImmediate, not one each: thousands of connections setting up at once
// would otherwise make an Immediate object per connection and per turn.
//
// A task asked for during the run goes to the next turn, as a setImmediate made inside one does.

export interface TurnEndTask {
  atTurnEnd(): void
}

let queued: TurnEndTask[] = []
let spare: TurnEndTask[] = []
let scheduled = false

/** `task.atTurnEnd()` once, after the I/O of this turn (setImmediate order); ask again for another turn. */
export function runAtTurnEnd(task: TurnEndTask): void {
  queued.push(task)
  if (!scheduled) {
    scheduled = true
    setImmediate(runQueued)
  }
}

function runQueued(): void {
  scheduled = false
  const tasks = queued
  queued = spare
  let i = 0
  try {
    for (; i < tasks.length; i++) tasks[i]!.atTurnEnd()
  } finally {
    // A task that throws (a bug) is reported as an uncaught error, as from its own setImmediate;
    // the tasks after it still run, a turn later.
    for (let j = i + 1; j < tasks.length; j++) runAtTurnEnd(tasks[j]!)
    tasks.length = 0
    spare = tasks
  }
}
