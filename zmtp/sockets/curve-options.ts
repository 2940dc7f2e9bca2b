// A socket's CURVE options (zeromq.js names) turned into what its connections take: raw keys,
// checked once per change of the options rather than once per connection.

import { ZmtpError } from '../errors.ts'
import { curvePublicKeyOf } from '../curve/box.ts'
import { toCurveKey } from '../curve/keys.ts'
import type { ConnectionOptions } from './wire.ts'

/** A key as 40 characters of Z85 (as zeromq.js' curveKeyPair() makes them) or 32 raw bytes. */
export type CurveKeyOption = string | Uint8Array

export interface CurveOptionsSource {
  readonly curveServer: boolean
  readonly curvePublicKey: CurveKeyOption | null
  readonly curveSecretKey: CurveKeyOption | null
  readonly curveServerKey: CurveKeyOption | null
}

export type CurveSettings = Required<Pick<ConnectionOptions, 'curvePublicKey' | 'curveSecretKey'>> &
  Pick<ConnectionOptions, 'curveServer' | 'curveServerKey'>

/** CURVE is chosen by curveServer (server) or curveServerKey (client). */
export function curveChosen(s: CurveOptionsSource): boolean {
  return s.curveServer || (s.curveServerKey !== null && s.curveServerKey !== undefined)
}

/** The raw keys of a socket that chose CURVE. Throws ZmtpError EINVAL for missing or bad keys. */
export function curveSettings(s: CurveOptionsSource): CurveSettings {
  if (s.curveSecretKey === null || s.curveSecretKey === undefined) {
    throw new ZmtpError('EINVAL', 'CURVE needs curveSecretKey (and curvePublicKey, or it is derived)')
  }
  const curveSecretKey = toCurveKey(s.curveSecretKey, 'curveSecretKey')
  const derived = curvePublicKeyOf(curveSecretKey)
  let curvePublicKey = derived
  if (s.curvePublicKey !== null && s.curvePublicKey !== undefined) {
    curvePublicKey = toCurveKey(s.curvePublicKey, 'curvePublicKey')
    if (!curvePublicKey.equals(derived)) throw new ZmtpError('EINVAL', 'curvePublicKey is not the public key of curveSecretKey')
  }
  const server = s.curveServer
  return {
    curveServer: server,
    curvePublicKey,
    curveSecretKey,
    curveServerKey: server ? undefined : toCurveKey(s.curveServerKey!, 'curveServerKey'),
  }
}

/** Remembers the settings of the last option values seen, so connections share one result. */
export class CurveSettingsCache {
  private source: [boolean, unknown, unknown, unknown] | undefined
  private settings: CurveSettings | undefined

  get(s: CurveOptionsSource): CurveSettings {
    const src = this.source
    if (src === undefined || src[0] !== s.curveServer || src[1] !== s.curvePublicKey || src[2] !== s.curveSecretKey || src[3] !== s.curveServerKey) {
      this.settings = curveSettings(s)
      this.source = [s.curveServer, s.curvePublicKey, s.curveSecretKey, s.curveServerKey]
    }
    return this.settings!
  }
}
