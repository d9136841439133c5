// SPDX-License-Identifier: GPL-3.0-or-later
// Server (responder) side of WhatsApp's Noise_XX_25519_AESGCM_SHA256 handshake and transport cipher.
import crypto from 'node:crypto'
import { hkdf } from '@whiskeysockets/baileys'
import { generateKeyPair, sharedKey } from './keys.js'

const NOISE_MODE = Buffer.from('Noise_XX_25519_AESGCM_SHA256\0\0\0\0') // 32 bytes: used directly as h
const TAG_BYTES = 16

function sha256 (...parts) {
  const h = crypto.createHash('sha256')
  for (const p of parts) h.update(p)
  return h.digest()
}

function iv (counter) {
  const out = Buffer.alloc(12)
  out.writeUInt32BE(counter >>> 0, 8)
  return out
}

function gcmEncrypt (key, counter, aad, plaintext) {
  const c = crypto.createCipheriv('aes-256-gcm', key, iv(counter))
  c.setAAD(aad)
  return Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()])
}

function gcmDecrypt (key, counter, aad, ciphertext) {
  if (ciphertext.length < TAG_BYTES) throw new Error('ciphertext shorter than the GCM tag')
  const d = crypto.createDecipheriv('aes-256-gcm', key, iv(counter))
  d.setAAD(aad)
  d.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_BYTES))
  return Buffer.concat([d.update(ciphertext.subarray(0, ciphertext.length - TAG_BYTES)), d.final()])
}

export class NoiseResponder {
  /**
   * @param {{staticKeyPair:{private:Buffer,public:Buffer}, certChain:Buffer, prologue:Buffer,
   *          ephemeralKeyPair?:{private:Buffer,public:Buffer}}} opts  ephemeralKeyPair only for golden tests
   */
  constructor ({ staticKeyPair, certChain, prologue, ephemeralKeyPair = null }) {
    this.static = staticKeyPair
    this.certChain = certChain
    this.hash = NOISE_MODE
    this.salt = NOISE_MODE
    this.key = NOISE_MODE
    // One counter for both directions during the handshake (as the client does); reset by mixIntoKey.
    this.counter = 0
    this.ephemeral = ephemeralKeyPair
    this.transport = null
    this.authenticate(prologue)
  }

  authenticate (data) {
    this.hash = sha256(this.hash, data)
  }

  mixIntoKey (dh) {
    const out = Buffer.from(hkdf(Buffer.from(dh), 64, { salt: this.salt, info: '' }))
    this.salt = out.subarray(0, 32)
    this.key = out.subarray(32)
    this.counter = 0
  }

  encryptHs (plaintext) {
    const ct = gcmEncrypt(this.key, this.counter++, this.hash, plaintext)
    this.authenticate(ct)
    return ct
  }

  decryptHs (ciphertext) {
    const pt = gcmDecrypt(this.key, this.counter++, this.hash, ciphertext)
    this.authenticate(ciphertext)
    return pt
  }

  /** Consumes the client's ephemeral key; returns the ServerHello fields {ephemeral, static, payload}. */
  onClientHello (clientEphemeral) {
    if (!clientEphemeral || clientEphemeral.length !== 32) throw new Error('client hello ephemeral key is not 32 bytes')
    this.clientEphemeral = Buffer.from(clientEphemeral)
    this.authenticate(this.clientEphemeral)
    this.ephemeral = this.ephemeral || generateKeyPair()
    this.authenticate(this.ephemeral.public)
    this.mixIntoKey(sharedKey(this.ephemeral.private, this.clientEphemeral))
    const staticEnc = this.encryptHs(this.static.public)
    this.mixIntoKey(sharedKey(this.static.private, this.clientEphemeral))
    const payloadEnc = this.encryptHs(this.certChain)
    return { ephemeral: this.ephemeral.public, static: staticEnc, payload: payloadEnc }
  }

  /** Consumes ClientFinish; returns {clientStatic, payload} and switches to transport mode. */
  onClientFinish (staticEnc, payloadEnc) {
    if (!staticEnc || !payloadEnc) throw new Error('client finish lacks static or payload')
    const clientStatic = this.decryptHs(Buffer.from(staticEnc))
    if (clientStatic.length !== 32) throw new Error('client static key is not 32 bytes')
    this.mixIntoKey(sharedKey(this.ephemeral.private, clientStatic))
    const payload = this.decryptHs(Buffer.from(payloadEnc))
    const k = Buffer.from(hkdf(Buffer.alloc(0), 64, { salt: this.salt, info: '' }))
    // The client encrypts with the first half, so the server decrypts with it.
    this.transport = { decKey: k.subarray(0, 32), encKey: k.subarray(32), readCounter: 0, writeCounter: 0 }
    return { clientStatic, payload }
  }

  encrypt (plaintext) {
    const t = this.transport
    return gcmEncrypt(t.encKey, t.writeCounter++, Buffer.alloc(0), plaintext)
  }

  decrypt (ciphertext) {
    const t = this.transport
    return gcmDecrypt(t.decKey, t.readCounter++, Buffer.alloc(0), ciphertext)
  }
}
