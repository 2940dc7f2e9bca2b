// CURVE (RFC 26) for a Zyre node, as the C reference does it once a certificate is set
// (zyre_set_zcert): our ROUTER is a CURVE server with our key pair, each DEALER is a CURVE client
// that knows its peer's public key, beacons are version 3 and carry our public key, and HELLO
// carries it as the X-PUBLICKEY header. A node with keys and one without never talk.
import { curvePublicKeyOf, z85Encode } from '../../zmtp/curve/index.ts'
import { toCurveKey } from '../../zmtp/curve/keys.ts'
import type { CurveAuthRequest } from '../../zmtp/connection/index.ts'
import { ZyreError, ZyreErrorCode } from './errors.ts'

export type { CurveAuthRequest }

/** The header in which HELLO carries the sender's CURVE public key (Z85), as the C node names it. */
export const PUBLIC_KEY_HEADER = 'X-PUBLICKEY'

export interface ZyreCurveOptions {
  /** Our long-term secret key: 40 characters of Z85 (as curveKeyPair() makes them) or 32 bytes. */
  secretKey: string | Uint8Array
  /** Our public key; derived from the secret key when left out (checked against it when given). */
  publicKey?: string | Uint8Array
  /**
   * Decides whether a peer with this long-term public key may connect to us. Default: any peer
   * that knows our public key (from our beacon), as the C node without a ZAP handler does.
   */
  authenticate?: (req: CurveAuthRequest) => boolean | Promise<boolean>
}

/** A node's resolved CURVE identity: raw keys, the public key as Z85 text, the peer check. */
export interface NodeCurve {
  readonly publicKey: Buffer
  readonly secretKey: Buffer
  readonly publicText: string
  readonly authenticate: ((req: CurveAuthRequest) => boolean | Promise<boolean>) | undefined
}

/** Checks the keys (a ZyreError BAD_ARGUMENT for bad ones) and derives what the node needs. */
export function resolveCurve(o: ZyreCurveOptions): NodeCurve {
  let secretKey: Buffer
  let publicKey: Buffer
  try {
    secretKey = toCurveKey(o.secretKey, 'curve.secretKey')
    publicKey = curvePublicKeyOf(secretKey)
    if (o.publicKey !== undefined && !toCurveKey(o.publicKey, 'curve.publicKey').equals(publicKey)) {
      throw new Error('curve.publicKey is not the public key of curve.secretKey')
    }
  } catch (err) {
    throw new ZyreError(ZyreErrorCode.BAD_ARGUMENT, (err as Error).message, { cause: err })
  }
  if (o.authenticate !== undefined && typeof o.authenticate !== 'function') {
    throw new ZyreError(ZyreErrorCode.BAD_ARGUMENT, 'curve.authenticate must be a function')
  }
  return { publicKey, secretKey, publicText: z85Encode(publicKey), authenticate: o.authenticate }
}

/** The peer's public key from its HELLO headers, or undefined when it is missing or not a key. */
export function publicKeyHeader(headers: ReadonlyMap<string, string>): Buffer | undefined {
  const text = headers.get(PUBLIC_KEY_HEADER)
  if (text === undefined) return undefined
  try {
    return toCurveKey(text, PUBLIC_KEY_HEADER)
  } catch {
    return undefined
  }
}
