// NaCl's crypto_box (X25519 + HSalsa20 key, then XSalsa20-Poly1305 crypto_secretbox), in the
// "easy" layout that ZMTP CURVE (RFC 26) puts on the wire: a box is the 16-byte Poly1305 MAC
// followed by the ciphertext, the same length as the plaintext.
//
// X25519 comes from node:crypto (OpenSSL); Salsa20 and Poly1305 are ours.

import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { hsalsa20, XSalsa20 } from './salsa20.ts'
import { equalConstantTime, Poly1305 } from './poly1305.ts'

export const CURVE_KEY_BYTES = 32
export const CURVE_NONCE_BYTES = 24
export const CURVE_MAC_BYTES = 16

/** A public key that yields no usable shared secret (wrong length, low order, rejected by OpenSSL). */
export class CurveKeyError extends Error {
  override name = 'CurveKeyError'
}

// DER wrappers of raw X25519 keys (RFC 8410): PKCS#8 for a secret key, SPKI for a public key.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex')
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex')

function checkLength(what: string, bytes: Uint8Array, want: number): void {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`)
  if (bytes.length !== want) throw new RangeError(`${what} must be ${want} bytes, got ${bytes.length}`)
}

function privateKeyObject(secretKey: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, secretKey]), format: 'der', type: 'pkcs8' })
}

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' })
}

/** The last 32 bytes of a DER export: the raw key of an X25519 SPKI or PKCS#8 structure. */
function rawTail(der: Buffer): Buffer {
  return Buffer.from(der.subarray(der.length - CURVE_KEY_BYTES))
}

/** A fresh X25519 key pair (node:crypto), raw 32-byte keys. */
export function curveKeyPairRaw(): { publicKey: Buffer; secretKey: Buffer } {
  const { publicKey, privateKey } = generateKeyPairSync('x25519')
  return {
    publicKey: rawTail(publicKey.export({ format: 'der', type: 'spki' })),
    secretKey: rawTail(privateKey.export({ format: 'der', type: 'pkcs8' })),
  }
}

/** The X25519 public key of a raw 32-byte secret key (node:crypto). */
export function curvePublicKeyOf(secretKey: Uint8Array): Buffer {
  checkLength('secret key', secretKey, CURVE_KEY_BYTES)
  return rawTail(createPublicKey(privateKeyObject(secretKey)).export({ format: 'der', type: 'spki' }))
}

const ZERO16 = new Uint8Array(16)

/**
 * crypto_box_beforenm: HSalsa20(X25519(ourSecret, theirPublic), 16 zero bytes). Throws
 * CurveKeyError for a bad key or an all-zero shared secret.
 */
export function boxKey(theirPublicKey: Uint8Array, ourSecretKey: Uint8Array): Buffer {
  checkLength('secret key', ourSecretKey, CURVE_KEY_BYTES)
  if (!(theirPublicKey instanceof Uint8Array)) throw new TypeError('public key must be a Uint8Array')
  if (theirPublicKey.length !== CURVE_KEY_BYTES) throw new CurveKeyError(`public key must be ${CURVE_KEY_BYTES} bytes, got ${theirPublicKey.length}`)
  let shared: Buffer
  try {
    shared = diffieHellman({ privateKey: privateKeyObject(ourSecretKey), publicKey: publicKeyObject(theirPublicKey) })
  } catch (e) {
    throw new CurveKeyError(`X25519 failed: ${(e as Error).message}`, { cause: e })
  }
  let nonzero = 0
  for (let i = 0; i < shared.length; i++) nonzero |= shared[i]!
  if (shared.length !== CURVE_KEY_BYTES || nonzero === 0) {
    shared.fill(0)
    throw new CurveKeyError('X25519 shared secret is all zeros (low-order public key)')
  }
  const key = Buffer.alloc(CURVE_KEY_BYTES)
  hsalsa20(key, 0, shared, ZERO16)
  shared.fill(0)
  return key
}

// One stream and one authenticator serve every call: JavaScript runs these synchronously, so they
// are never in use twice at once.
const stream = new XSalsa20()
const mac = new Poly1305()
const polyKey = new Uint8Array(32)
const tag = new Uint8Array(CURVE_MAC_BYTES)

function checkKeyNonce(key: Uint8Array, nonce: Uint8Array): void {
  checkLength('box key', key, CURVE_KEY_BYTES)
  checkLength('nonce', nonce, CURVE_NONCE_BYTES)
}

/** Poly1305 keyed with the XSalsa20 stream's first 32 bytes (the stream is already started). */
function startMac(): void {
  stream.keystream(polyKey, 0, 32)
  mac.init(polyKey)
  polyKey.fill(0)
}

/**
 * The XSalsa20 subkey of a box key for every nonce that begins with these 16 bytes: CURVE's
 * MESSAGE nonces are a fixed 16-byte prefix and a counter, so a connection derives it once per
 * direction and each MESSAGE saves one Salsa20 core (sealIntoSubkey / openSubkey).
 */
export function boxSubkey(key: Uint8Array, noncePrefix: Uint8Array): Buffer {
  checkLength('box key', key, CURVE_KEY_BYTES)
  checkLength('nonce prefix', noncePrefix, 16)
  const subkey = Buffer.alloc(CURVE_KEY_BYTES)
  hsalsa20(subkey, 0, key, noncePrefix)
  return subkey
}

/**
 * crypto_secretbox (= crypto_box_afternm with a boxKey): writes MAC(16) then ciphertext of the
 * concatenated parts into out at offset; returns the bytes written (16 + total length).
 * The parts may be views into any buffers; a part may share memory with out only at the very
 * position its ciphertext goes to (in-place), never shifted.
 */
export function sealInto(key: Uint8Array, nonce: Uint8Array, parts: readonly Uint8Array[], out: Uint8Array, offset: number): number {
  checkKeyNonce(key, nonce)
  const total = sealSize(parts, out, offset)
  stream.init(key, nonce)
  return sealStarted(parts, total, out, offset)
}

/** sealInto with the subkey of the nonce's first 16 bytes (boxSubkey); only its last 8 are read. */
export function sealIntoSubkey(subkey: Uint8Array, nonce: Uint8Array, parts: readonly Uint8Array[], out: Uint8Array, offset: number): number {
  checkKeyNonce(subkey, nonce)
  const total = sealSize(parts, out, offset)
  stream.initSubkey(subkey, nonce)
  return sealStarted(parts, total, out, offset)
}

function sealSize(parts: readonly Uint8Array[], out: Uint8Array, offset: number): number {
  let total = 0
  for (const p of parts) total += p.length
  if (!Number.isInteger(offset) || offset < 0 || offset + CURVE_MAC_BYTES + total > out.length) {
    throw new RangeError(`sealInto needs ${CURVE_MAC_BYTES + total} bytes at offset ${offset} of a ${out.length}-byte buffer`)
  }
  return total
}

function sealStarted(parts: readonly Uint8Array[], total: number, out: Uint8Array, offset: number): number {
  startMac()
  const cStart = offset + CURVE_MAC_BYTES
  let at = cStart
  for (const p of parts) {
    stream.xor(p, 0, out, at, p.length)
    at += p.length
  }
  stream.wipe()
  mac.update(out, cStart, total)
  mac.finish(out, offset)
  return CURVE_MAC_BYTES + total
}

/** Convenience: a new Buffer with MAC + ciphertext of plaintext. */
export function seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(CURVE_MAC_BYTES + plaintext.length)
  sealInto(key, nonce, [plaintext], out, 0)
  return out
}

/**
 * crypto_secretbox_open: the plaintext as a new Buffer, or undefined when box is shorter than 16
 * bytes or the MAC does not verify (constant-time compare). Never throws for bad box contents.
 */
export function open(key: Uint8Array, nonce: Uint8Array, box: Uint8Array): Buffer | undefined {
  checkKeyNonce(key, nonce)
  if (!(box instanceof Uint8Array) || box.length < CURVE_MAC_BYTES) return undefined
  stream.init(key, nonce)
  return openStarted(box)
}

/**
 * open with the subkey of the nonce's first 16 bytes (boxSubkey); only its last 8 are read. The
 * box is box[offset..]. With `head`, the plaintext's first head.length bytes are opened into it
 * and the rest is returned (a box too short for head does not open).
 */
export function openSubkey(subkey: Uint8Array, nonce: Uint8Array, box: Uint8Array, offset = 0, head?: Uint8Array): Buffer | undefined {
  checkKeyNonce(subkey, nonce)
  const headLength = head === undefined ? 0 : head.length
  if (!(box instanceof Uint8Array) || box.length - offset < CURVE_MAC_BYTES + headLength) return undefined
  stream.initSubkey(subkey, nonce)
  return openStarted(box, offset, head)
}

function openStarted(box: Uint8Array, offset = 0, head?: Uint8Array): Buffer | undefined {
  startMac()
  const cStart = offset + CURVE_MAC_BYTES
  const len = box.length - cStart
  mac.update(box, cStart, len)
  mac.finish(tag, 0)
  const ok = equalConstantTime(tag, 0, box, offset, CURVE_MAC_BYTES)
  for (let i = 0; i < CURVE_MAC_BYTES; i++) tag[i] = 0
  if (!ok) {
    stream.wipe()
    return undefined
  }
  const headLength = head === undefined ? 0 : head.length
  if (head !== undefined) stream.xor(box, cStart, head, 0, headLength)
  const plain = Buffer.allocUnsafe(len - headLength)
  stream.xor(box, cStart + headLength, plain, 0, len - headLength)
  stream.wipe()
  return plain
}
