// Shared by the ZMTP codec tests (kept out of test/zmtp/codec/ so tap does not run it as a test file).
import { ZmtpError } from '../../zmtp/errors.ts'

/** The ZmtpError code `fn` throws, or undefined if it returns; any other error is rethrown. */
export function codeOf(fn: () => void): string | undefined {
  try {
    fn()
  } catch (e) {
    if (e instanceof ZmtpError) return e.code
    throw e
  }
  return undefined
}
