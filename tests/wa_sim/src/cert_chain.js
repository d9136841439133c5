// SPDX-License-Identifier: GPL-3.0-or-later
// The Noise certificate chain (root -> intermediate -> leaf) the simulator presents, and its strict check.
import { proto } from '@whiskeysockets/baileys'
import { keyPairFromSeed, sign, strictVerify } from './keys.js'

export const DEFAULT_ROOT_SEED = 'wa-sim-root-key-v1'
const ROOT_SERIAL = 0
const INTERMEDIATE_SERIAL = 1
const LEAF_SERIAL = 2
// Validity: a fixed window around "now" wide enough for any test run, not checked by clients we know.
const VALIDITY_S = 10 * 365 * 24 * 3600

/** Builds a CertChain (encoded protobuf) whose leaf certifies serverStaticPub, rooted at rootSeed. */
export function buildCertChain ({ rootSeed = DEFAULT_ROOT_SEED, serverStaticPub, nowS = Math.floor(Date.now() / 1000) }) {
  const root = keyPairFromSeed(rootSeed)
  // The intermediate is derived from the root seed too, so the chain is identical across runs.
  const intermediate = keyPairFromSeed(`${rootSeed}/intermediate`)
  const interDetails = proto.CertChain.NoiseCertificate.Details.encode({
    serial: INTERMEDIATE_SERIAL,
    issuerSerial: ROOT_SERIAL,
    key: intermediate.public,
    notBefore: nowS - VALIDITY_S,
    notAfter: nowS + VALIDITY_S
  }).finish()
  const leafDetails = proto.CertChain.NoiseCertificate.Details.encode({
    serial: LEAF_SERIAL,
    issuerSerial: INTERMEDIATE_SERIAL,
    key: serverStaticPub,
    notBefore: nowS - VALIDITY_S,
    notAfter: nowS + VALIDITY_S
  }).finish()
  return Buffer.from(proto.CertChain.encode({
    intermediate: { details: interDetails, signature: sign(root.private, interDetails) },
    leaf: { details: leafDetails, signature: sign(intermediate.private, leafDetails) }
  }).finish())
}

/**
 * Strictly checks an encoded CertChain against a pinned root key (and optionally the server static
 * key the leaf must certify). Returns {ok:true} or {ok:false, error}.
 */
export function verifyCertChain (chainBytes, rootPublicKey, serverStaticPub) {
  let chain, inter, leaf
  try {
    chain = proto.CertChain.decode(chainBytes)
    if (!chain.intermediate?.details || !chain.intermediate?.signature) return { ok: false, error: 'intermediate certificate missing' }
    if (!chain.leaf?.details || !chain.leaf?.signature) return { ok: false, error: 'leaf certificate missing' }
    inter = proto.CertChain.NoiseCertificate.Details.decode(chain.intermediate.details)
    leaf = proto.CertChain.NoiseCertificate.Details.decode(chain.leaf.details)
  } catch (err) {
    return { ok: false, error: `certificate chain does not decode: ${err.message}` }
  }
  if (!strictVerify(rootPublicKey, chain.intermediate.details, chain.intermediate.signature)) {
    return { ok: false, error: 'intermediate certificate is not signed by the root key' }
  }
  if ((inter.issuerSerial ?? 0) !== ROOT_SERIAL) return { ok: false, error: `intermediate issuer serial ${inter.issuerSerial} is not the root serial` }
  if (!inter.key || !strictVerify(inter.key, chain.leaf.details, chain.leaf.signature)) {
    return { ok: false, error: 'leaf certificate is not signed by the intermediate key' }
  }
  if (leaf.issuerSerial !== inter.serial) return { ok: false, error: 'leaf issuer serial does not match the intermediate serial' }
  if (serverStaticPub && !Buffer.from(leaf.key || []).equals(Buffer.from(serverStaticPub))) {
    return { ok: false, error: 'leaf certificate does not certify the server static key' }
  }
  return { ok: true }
}


/** Base64 of the 32-byte root public key for a seed (what a client pins). */
export function rootPublicKeyBase64 (rootSeed = DEFAULT_ROOT_SEED) {
  return keyPairFromSeed(rootSeed).public.toString('base64')
}
