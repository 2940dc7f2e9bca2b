// Turns tap's closing summary ("# { total: N, pass: P, fail: F }") into the plain "N passed, N failed" line CI reads.
import { readFileSync } from 'node:fs'
const [file, rc] = process.argv.slice(2)
const text = readFileSync(file, 'utf8')
const m = [...text.matchAll(/#\s*\{\s*total:\s*(\d+),\s*pass:\s*(\d+)(?:,\s*fail:\s*(\d+))?(?:,\s*skip:\s*(\d+))?/g)].pop()
if (!m) {
  console.log(`0 passed, 1 failed`)
  process.exit(0)
}
const pass = Number(m[2])
let fail = Number(m[3] ?? 0)
if (fail === 0 && rc !== '0') fail = 1
const skip = Number(m[4] ?? 0)
console.log(`${pass} passed, ${fail} failed` + (skip ? `, ${skip} skipped` : ''))
