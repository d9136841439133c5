// SPDX-License-Identifier: GPL-3.0-or-later
// Golden-vector test of the Noise responder against /work/shared/docs/protocol/vectors (Baileys-made).
import test from 'node:test'
import assert from 'node:assert/strict'
import { proto } from '@whiskeysockets/baileys'
import { keyPairFromSeed } from '../src/keys.js'
import { NoiseResponder } from '../src/noise_responder.js'
import { FrameReader } from '../src/frame_reader.js'

// From docs/protocol/vectors/noise-pairing-binary.md: private keys are sha256(label) clamped.
const WS_MSG_1 = '5741060300002412220a20f01e3feed2953d4221feddad1b6baa06ee321666eb0e170d33428905b0057d4e'
const SERVER_FRAME = '1a7b0a2098ce40bd9d69d7950579450cfcb9844f328d214b045f825a96bf70f9ae37b37d12305e732b12cfa24b58553edc8e95dee2e4ddbf2e27b496ab303a2917aedb73627c14eb832ab12a6373a338eb0323095b4c1a258a72ab9aa06fb547c909b78427840a6a5eca22df03e43c8352c822cb81672749acb732a3e8'
const WS_MSG_2 = '00005422520a30a565f8741ed67136285aa696aaced73cca10f14db2d18b9f2070c13fd6975a55bed0b1ccaeeaa7819993fc91a083d16e121e9cb301a63678b00005af4645bca146419887150245d152e5ffd3faa20170'
const CLIENT_PAYLOAD = '088784b4f7391801900101880201'
const CLIENT_WRITE_KEY = 'f4e10197cc3e90fd49d1846831625dac1adc2a178e4c857e66009576bf517fb2'
const CLIENT_READ_KEY = '5053c8fa1c9c2175d1b0915f150d3a25f71637178852ff70eaddd898e9b7fcdf'
const C2S_CTR0 = '4ea42eb3591989c394837a330ee5f8a772b4d0ed3fe569b6675f96fde311fab33151a9'
const C2S_CTR1 = '07c6eedeee782dc97c2122e23253af75a390fe13ad08d4258b2899a7810183bc6e323d'

test('noise responder reproduces the golden server hello, reads the client finish and derives swapped transport keys', () => {
  const reader = new FrameReader()
  const [hello] = reader.push(Buffer.from(WS_MSG_1, 'hex')).frames
  const responder = new NoiseResponder({
    staticKeyPair: keyPairFromSeed('server-static'),
    ephemeralKeyPair: keyPairFromSeed('server-ephemeral'),
    certChain: Buffer.from('fake-cert-chain-bytes'),
    prologue: reader.prologue
  })
  const hs = proto.HandshakeMessage.decode(hello)
  const serverHello = responder.onClientHello(Buffer.from(hs.clientHello.ephemeral))
  assert.equal(Buffer.from(proto.HandshakeMessage.encode({ serverHello }).finish()).toString('hex'), SERVER_FRAME)

  const [finish] = reader.push(Buffer.from(WS_MSG_2, 'hex')).frames
  const fin = proto.HandshakeMessage.decode(finish).clientFinish
  const { clientStatic, payload } = responder.onClientFinish(fin.static, fin.payload)
  assert.equal(clientStatic.toString('hex'), keyPairFromSeed('client-noise-static').public.toString('hex'))
  assert.equal(payload.toString('hex'), CLIENT_PAYLOAD)
  assert.equal(responder.transport.decKey.toString('hex'), CLIENT_WRITE_KEY)
  assert.equal(responder.transport.encKey.toString('hex'), CLIENT_READ_KEY)
  // The two client frames (same keep-alive node at counters 0 and 1) decrypt to the same plaintext.
  const p0 = responder.decrypt(Buffer.from(C2S_CTR0, 'hex'))
  const p1 = responder.decrypt(Buffer.from(C2S_CTR1, 'hex'))
  assert.deepEqual(p0, p1)
})

test('noise responder rejects a tampered client finish instead of accepting it', () => {
  const reader = new FrameReader()
  const [hello] = reader.push(Buffer.from(WS_MSG_1, 'hex')).frames
  const responder = new NoiseResponder({
    staticKeyPair: keyPairFromSeed('server-static'),
    ephemeralKeyPair: keyPairFromSeed('server-ephemeral'),
    certChain: Buffer.from('fake-cert-chain-bytes'),
    prologue: reader.prologue
  })
  responder.onClientHello(Buffer.from(proto.HandshakeMessage.decode(hello).clientHello.ephemeral))
  const [finish] = reader.push(Buffer.from(WS_MSG_2, 'hex')).frames
  const fin = proto.HandshakeMessage.decode(finish).clientFinish
  const badStatic = Buffer.from(fin.static)
  badStatic[0] ^= 1
  assert.throws(() => responder.onClientFinish(badStatic, fin.payload), /authenticate/)
})
