// ZMTP CURVE primitives: NaCl crypto_box (X25519 + XSalsa20-Poly1305) and Z85 key text.

import { curveKeyPairRaw } from './box.ts'
import { z85Encode } from './z85.ts'

export {
  CURVE_KEY_BYTES,
  CURVE_NONCE_BYTES,
  CURVE_MAC_BYTES,
  CurveKeyError,
  curveKeyPairRaw,
  curvePublicKeyOf,
  boxKey,
  sealInto,
  seal,
  open,
} from './box.ts'
export { z85Encode, z85Decode } from './z85.ts'

/** zeromq.js-compatible: a new CURVE key pair as 40-character Z85 strings. */
export function curveKeyPair(): { publicKey: string; secretKey: string } {
  const { publicKey, secretKey } = curveKeyPairRaw()
  const pair = { publicKey: z85Encode(publicKey), secretKey: z85Encode(secretKey) }
  secretKey.fill(0)
  return pair
}
