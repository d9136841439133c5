// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests: seeded root key, strict XEdDSA verify, the cert chain and its tamper checks, framing bounds.
import test from 'node:test'
import assert from 'node:assert/strict'
import { Curve, proto } from '@whiskeysockets/baileys'
import { keyPairFromSeed, sign, strictVerify, generateKeyPair } from '../src/keys.js'
import { buildCertChain, verifyCertChain, DEFAULT_ROOT_SEED } from '../src/cert_chain.js'
import { FrameReader, encodeFrame } from '../src/frame_reader.js'

test('default root key is the documented sha256("wa-sim-root-key-v1") key pair', () => {
  const root = keyPairFromSeed(DEFAULT_ROOT_SEED)
  assert.equal(root.public.toString('base64'), '035dAxFjrprhGSJpHf+EZTJkkNLCgEvPExANIgmQfyk=')
  // Clamping as X25519 requires.
  assert.equal(root.private[0] & 7, 0)
  assert.equal(root.private[31] & 0xc0, 0x40)
})

test('strict verify accepts a valid XEdDSA signature and rejects a wrong one (Baileys Curve.verify does not)', () => {
  const kp = generateKeyPair()
  const msg = Buffer.from('attest me')
  const sig = sign(kp.private, msg)
  assert.equal(strictVerify(kp.public, msg, sig), true)
  const bad = Buffer.from(sig)
  bad[10] ^= 1
  assert.equal(strictVerify(kp.public, msg, bad), false)
  assert.equal(strictVerify(kp.public, Buffer.from('attest mE'), sig), false)
  assert.equal(strictVerify(generateKeyPair().public, msg, sig), false)
  // The leniency the simulator must not inherit: Baileys says "valid" to any 64-byte signature.
  assert.equal(Curve.verify(kp.public, msg, Buffer.alloc(64, 7)), true)
  assert.equal(strictVerify(kp.public, msg, Buffer.alloc(64, 7)), false)
})

test('strict verify treats malformed input as invalid, never throws', () => {
  const kp = generateKeyPair()
  assert.equal(strictVerify(kp.public.subarray(0, 31), Buffer.from('x'), Buffer.alloc(64)), false)
  assert.equal(strictVerify(kp.public, Buffer.from('x'), Buffer.alloc(63)), false)
  assert.equal(strictVerify(null, Buffer.from('x'), Buffer.alloc(64)), false)
  assert.equal(strictVerify(kp.public, 'not bytes', Buffer.alloc(64)), false)
})

test('the simulator cert chain verifies strictly under the pinned root and certifies the server key', () => {
  const serverStatic = keyPairFromSeed('test-server-static')
  const chain = buildCertChain({ serverStaticPub: serverStatic.public })
  const root = keyPairFromSeed(DEFAULT_ROOT_SEED)
  assert.deepEqual(verifyCertChain(chain, root.public, serverStatic.public), { ok: true })
  const decoded = proto.CertChain.decode(chain)
  const inter = proto.CertChain.NoiseCertificate.Details.decode(decoded.intermediate.details)
  const leaf = proto.CertChain.NoiseCertificate.Details.decode(decoded.leaf.details)
  assert.equal(inter.issuerSerial, 0)
  assert.equal(leaf.issuerSerial, inter.serial)
  assert.deepEqual(Buffer.from(leaf.key), serverStatic.public)
})

test('a tampered cert chain fails the strict check at the right link', () => {
  const serverStatic = keyPairFromSeed('test-server-static')
  const root = keyPairFromSeed(DEFAULT_ROOT_SEED)
  const chain = proto.CertChain.decode(buildCertChain({ serverStaticPub: serverStatic.public }))

  const badInterSig = proto.CertChain.encode({ ...chain, intermediate: { ...chain.intermediate, signature: Buffer.from(chain.intermediate.signature).fill(1, 0, 1) } }).finish()
  assert.match(verifyCertChain(badInterSig, root.public).error, /not signed by the root/)

  const leafDetails = proto.CertChain.NoiseCertificate.Details.decode(chain.leaf.details)
  leafDetails.key = generateKeyPair().public // a different server key, old signature
  const swappedLeaf = proto.CertChain.encode({ ...chain, leaf: { ...chain.leaf, details: proto.CertChain.NoiseCertificate.Details.encode(leafDetails).finish() } }).finish()
  assert.match(verifyCertChain(swappedLeaf, root.public).error, /not signed by the intermediate/)

  assert.match(verifyCertChain(buildCertChain({ serverStaticPub: serverStatic.public }), root.public, generateKeyPair().public).error, /does not certify the server static key/)
  assert.match(verifyCertChain(buildCertChain({ rootSeed: 'another-root', serverStaticPub: serverStatic.public }), root.public).error, /not signed by the root/)
  assert.equal(verifyCertChain(Buffer.from('garbage'), root.public).ok, false)
})

test('frame reader strips the WA intro header once, splits 3-byte frames and bounds buffering', () => {
  const r = new FrameReader()
  const a = encodeFrame(Buffer.from('hello'))
  const b = encodeFrame(Buffer.from('world!'))
  const wire = Buffer.concat([Buffer.from([0x57, 0x41, 6, 3]), a, b])
  assert.deepEqual(r.push(wire.subarray(0, 6)).frames, [])
  const out = r.push(wire.subarray(6))
  assert.deepEqual(out.frames.map(f => f.toString()), ['hello', 'world!'])
  assert.deepEqual(r.prologue, Buffer.from([0x57, 0x41, 6, 3]))
  // Golden bytes of one frame: 3-byte big-endian length then payload.
  assert.equal(encodeFrame(Buffer.from([0xaa, 0xbb])).toString('hex'), '000002aabb')
  assert.match(new FrameReader().push(Buffer.from('GET / HTTP/1.1')).error, /bad intro header/)
})
