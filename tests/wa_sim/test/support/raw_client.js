// SPDX-License-Identifier: GPL-3.0-or-later
// Test double: a minimal WhatsApp client built from Baileys' own Noise handler and codec, so tests can
// misbehave on purpose (bad pair-device-sign, raw pings) where the real Baileys socket never would.
import WebSocket from 'ws'
import {
  proto, Curve, makeNoiseHandler, NOISE_WA_HEADER, initAuthCreds, generateRegistrationNode, generateLoginNode,
  configureSuccessfulPairing, encodeBinaryNode, getBinaryNodeChild, getBinaryNodeChildren, DEFAULT_CONNECTION_CONFIG,
  WA_CERT_DETAILS
} from '@whiskeysockets/baileys'

const quietLogger = { level: 'silent', child () { return this }, trace () {}, debug () {}, info () {}, warn () {}, error () {} }

export class RawClient {
  constructor () {
    this.creds = initAuthCreds()
    this.nodes = []
    this.waiters = new Set()
    this.closed = false
  }

  /** Connects and completes the handshake with a registration payload; resolves with the server's CertChain. */
  async connectForRegistration (wsUrl, rootPublicKey) {
    const config = { version: DEFAULT_CONNECTION_CONFIG.version, browser: DEFAULT_CONNECTION_CONFIG.browser, countryCode: 'US', syncFullHistory: false }
    return this.connectWith(wsUrl, rootPublicKey, generateRegistrationNode(this.creds, config))
  }

  /** Connects with a login payload for the paired identity (after answerPairSuccess). */
  async connectForLogin (wsUrl, rootPublicKey) {
    const config = { version: DEFAULT_CONNECTION_CONFIG.version, browser: DEFAULT_CONNECTION_CONFIG.browser, countryCode: 'US', syncFullHistory: false }
    return this.connectWith(wsUrl, rootPublicKey, generateLoginNode(this.creds.me.id, config))
  }

  async connectWith (wsUrl, rootPublicKey, payload) {
    this.nodes = []
    this.closed = false
    WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(rootPublicKey, 'base64')
    const ephemeral = Curve.generateKeyPair()
    this.noise = makeNoiseHandler({ keyPair: ephemeral, NOISE_HEADER: NOISE_WA_HEADER, logger: quietLogger })
    this.ws = new WebSocket(wsUrl, { origin: 'https://web.whatsapp.com' })
    await new Promise((resolve, reject) => { this.ws.once('open', resolve); this.ws.once('error', reject) })
    this.ws.on('close', () => { this.closed = true; this.wake() })
    const first = new Promise(resolve => {
      this.ws.once('message', data => this.noise.decodeFrame(Buffer.from(data), frame => resolve(frame)))
    })
    this.ws.send(this.noise.encodeFrame(proto.HandshakeMessage.encode({ clientHello: { ephemeral: ephemeral.public } }).finish()))
    const hs = proto.HandshakeMessage.decode(await first)
    this.serverHello = hs.serverHello
    this.replayServerHello(ephemeral, hs.serverHello)
    const keyEnc = this.noise.processHandshake(hs, this.creds.noiseKey)
    const payloadEnc = this.noise.encrypt(proto.ClientPayload.encode(payload).finish())
    this.ws.send(this.noise.encodeFrame(proto.HandshakeMessage.encode({ clientFinish: { static: keyEnc, payload: payloadEnc } }).finish()))
    await this.noise.finishInit()
    this.ws.on('message', data => this.noise.decodeFrame(Buffer.from(data), node => { this.nodes.push(node); this.wake() }))
  }

  /**
   * Baileys' handler keeps the decrypted cert chain to itself, so repeat the client's first steps on
   * a second handler with the same ephemeral key to read the server static key and the chain.
   */
  replayServerHello (ephemeral, serverHello) {
    const n = makeNoiseHandler({ keyPair: ephemeral, NOISE_HEADER: NOISE_WA_HEADER, logger: quietLogger })
    n.authenticate(serverHello.ephemeral)
    n.mixIntoKey(Curve.sharedKey(ephemeral.private, serverHello.ephemeral))
    this.serverStaticPub = n.decrypt(serverHello.static)
    n.mixIntoKey(Curve.sharedKey(ephemeral.private, this.serverStaticPub))
    this.certChain = n.decrypt(serverHello.payload)
  }

  wake () {
    for (const w of [...this.waiters]) {
      const hit = this.nodes.find(w.match)
      if (hit || this.closed) { this.waiters.delete(w); clearTimeout(w.timer); w.resolve(hit || null) }
    }
  }

  /** Resolves with the first received node matching, or null on close/timeout. */
  waitNode (match, timeoutMs = 5000) {
    const hit = this.nodes.find(match)
    if (hit || this.closed) return Promise.resolve(hit || null)
    return new Promise(resolve => {
      const w = { match, resolve }
      w.timer = setTimeout(() => { this.waiters.delete(w); resolve(null) }, timeoutMs)
      this.waiters.add(w)
    })
  }

  send (node) {
    this.ws.send(this.noise.encodeFrame(encodeBinaryNode(node)))
  }

  /** The QR text Baileys would show for the first ref. */
  qrFor (pairDeviceIq) {
    const refs = getBinaryNodeChildren(getBinaryNodeChild(pairDeviceIq, 'pair-device'), 'ref')
    const ref = Buffer.from(refs[0].content).toString()
    return [ref, Buffer.from(this.creds.noiseKey.public).toString('base64'), Buffer.from(this.creds.signedIdentityKey.public).toString('base64'), this.creds.advSecretKey, '1'].join(',')
  }

  /** Answers pair-success like Baileys, optionally corrupting the device signature. */
  answerPairSuccess (stanza, { corruptDeviceSignature = false } = {}) {
    const { reply, creds } = configureSuccessfulPairing(stanza, this.creds)
    if (!corruptDeviceSignature) Object.assign(this.creds, creds)
    if (corruptDeviceSignature) {
      const idNode = getBinaryNodeChild(getBinaryNodeChild(reply, 'pair-device-sign'), 'device-identity')
      const sdi = proto.ADVSignedDeviceIdentity.decode(idNode.content)
      sdi.deviceSignature = Buffer.from(sdi.deviceSignature)
      sdi.deviceSignature[5] ^= 0x40
      idNode.content = proto.ADVSignedDeviceIdentity.encode(sdi).finish()
    }
    this.send(reply)
  }

  close () {
    try { this.ws.terminate() } catch { /* gone */ }
  }
}
