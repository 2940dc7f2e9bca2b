// Reproducible randomness for churn tests: a small linear congruential generator from a seed that
// the test prints, and that CHURN_SEED replaces to replay a run.

export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T
}

export function seededRandom(seed: number): SeededRandom {
  let s = seed >>> 0
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
  return { next, pick: (items) => items[Math.floor(next() * items.length)]! }
}

/** The seed for this run: CHURN_SEED if set, else `fallback`; noted in the test's output. */
export function churnSeed(t: { comment(...args: unknown[]): void }, fallback: number): number {
  const seed = Number(process.env.CHURN_SEED ?? fallback)
  t.comment(`seed ${seed} (CHURN_SEED to replay)`)
  return seed
}
