// SPDX-License-Identifier: GPL-3.0-or-later
// Curve25519 key helpers for the simulator: deterministic seeded key pairs and a strict XEdDSA verify.
import crypto from 'node:crypto'
import { createRequire } from 'node:module'
import { Curve } from '@whiskeysockets/baileys'

const require = createRequire(import.meta.url)
// libsignal's own curve module: its verifySignature *returns* false for a bad signature, which
// Baileys' Curve.verify ignores (it only catches throws). We look at the return value.
const signalCurve = require('libsignal/src/curve.js')

const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex')
const KEY_TYPE_DJB = Buffer.from([5])

/** A key pair whose private key is sha256(seed) clamped, so separate processes agree on it. */
export function keyPairFromSeed (seed) {
  const priv = crypto.createHash('sha256').update(seed).digest()
  priv[0] &= 248
  priv[31] &= 127
  priv[31] |= 64
  const key = crypto.createPrivateKey({ key: Buffer.concat([PKCS8_X25519_PREFIX, priv]), format: 'der', type: 'pkcs8' })
  const pub = crypto.createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(-32)
  return { private: priv, public: Buffer.from(pub) }
}

/** A fresh random key pair ({private, public}, 32 bytes each). */
export function generateKeyPair () {
  return Curve.generateKeyPair()
}

/** XEdDSA signature (64 bytes) of msg by a Curve25519 private key. */
export function sign (privateKey, msg) {
  return Buffer.from(Curve.sign(privateKey, msg))
}

/** Diffie-Hellman shared secret. */
export function sharedKey (privateKey, publicKey) {
  return Curve.sharedKey(privateKey, publicKey)
}

/**
 * Strict XEdDSA verify: true only for a valid signature. Malformed input (wrong lengths, not
 * buffers) is false, never an exception.
 */
export function strictVerify (publicKey, msg, signature) {
  try {
    if (!isBytes(publicKey) || !isBytes(msg) || !isBytes(signature)) return false
    if (publicKey.length !== 32 || signature.length !== 64) return false
    const pub33 = Buffer.concat([KEY_TYPE_DJB, Buffer.from(publicKey)])
    return signalCurve.verifySignature(pub33, Buffer.from(msg), Buffer.from(signature)) === true
  } catch {
    return false
  }
}

/** 33-byte Signal form (0x05 prefix) of a 32-byte public key. */
export function signalPublicKey (publicKey) {
  return publicKey.length === 33 ? Buffer.from(publicKey) : Buffer.concat([KEY_TYPE_DJB, Buffer.from(publicKey)])
}

function isBytes (v) {
  return v instanceof Uint8Array
}
