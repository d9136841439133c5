// SPDX-License-Identifier: GPL-3.0-or-later
// QR pairing, with the simulator acting as the primary phone: refs, scan, pair-success, pair-device-sign.
import crypto from 'node:crypto'
import { proto, getBinaryNodeChild } from '@whiskeysockets/baileys'
import { isValidPhone } from './account_store.js'
import { sign, strictVerify } from './keys.js'

const REFS_PER_CONNECTION = 6
const FIRST_REF_TTL_MS = 60000
const LATER_REF_TTL_MS = 20000
// Client and simulator start their ref timers a few milliseconds apart; do not refuse on that skew.
const REF_GRACE_MS = 5000
const SIGN_TIMEOUT_MS = 10000
const ADV_ACCOUNT_SIG_PREFIX = Buffer.from([6, 0])
const ADV_DEVICE_SIG_PREFIX = Buffer.from([6, 1])
const QR_PREFIX = 'https://wa.me/settings/linked_devices#'
const MAX_QR_CHARS = 4096

/** Parses a pairing QR (with or without the wa.me prefix) into its fields, or {error}. */
export function parsePairingQr (qr) {
  if (typeof qr !== 'string' || qr.length === 0 || qr.length > MAX_QR_CHARS) return { error: 'qr must be a non-empty string of at most 4096 characters' }
  const text = qr.trim()
  const body = text.startsWith(QR_PREFIX) ? text.slice(QR_PREFIX.length) : text
  const parts = body.split(',')
  if (parts.length < 4 || parts.length > 5) return { error: `qr has ${parts.length} comma-separated fields, expected 4 or 5` }
  const [ref, noiseB64, identityB64, advB64, platform] = parts
  const noisePub = Buffer.from(noiseB64, 'base64')
  const identityPub = Buffer.from(identityB64, 'base64')
  const advSecret = Buffer.from(advB64, 'base64')
  if (noisePub.length !== 32) return { error: 'qr noise key is not 32 bytes' }
  if (identityPub.length !== 32) return { error: 'qr identity key is not 32 bytes' }
  if (advSecret.length !== 32) return { error: 'qr adv secret is not 32 bytes' }
  return { ref, noisePub, identityPub, advSecret, platform: platform ?? '' }
}

export class Pairing {
  constructor (sim) {
    this.sim = sim
    this.refs = new Map() // ref -> {conn, index, issuedAt, used}
  }

  /** Sends <pair-device> with fresh refs to a registration connection. */
  issueRefs (conn) {
    const refs = []
    const now = this.sim.nowMs()
    for (let i = 0; i < REFS_PER_CONNECTION; i++) {
      const ref = `2@${crypto.randomBytes(24).toString('base64')}`
      // Ref i is shown from validFrom_ms to validUntil_ms (the client rotates 60 s, then 20 s each).
      const validFromMs = now + (i === 0 ? 0 : FIRST_REF_TTL_MS + (i - 1) * LATER_REF_TTL_MS)
      const validUntilMs = validFromMs + (i === 0 ? FIRST_REF_TTL_MS : LATER_REF_TTL_MS)
      this.refs.set(ref, { conn, index: i, validFromMs, validUntilMs, used: false })
      refs.push(ref)
    }
    conn.refs = refs
    conn.sendNode({
      tag: 'iq',
      attrs: { from: 's.whatsapp.net', type: 'set', id: this.sim.nextId(), xmlns: 'md' },
      content: [{ tag: 'pair-device', attrs: {}, content: refs.map(r => ({ tag: 'ref', attrs: {}, content: Buffer.from(r) })) }]
    })
  }

  forgetConnection (conn) {
    for (const r of conn.refs || []) this.refs.delete(r)
  }

  /**
   * The phone scans a QR: checks it against the waiting connection, sends pair-success, waits for
   * and strictly checks pair-device-sign, then restarts the client with 515.
   * Returns {ok:true, jid, lid, device, keyIndex} or {ok:false, status, error}.
   */
  async scan ({ qr, phone }) {
    if (!isValidPhone(phone)) return { ok: false, status: 400, error: 'phone must be 6-16 digits without a leading 0 or +' }
    const parsed = parsePairingQr(qr)
    if (parsed.error) return { ok: false, status: 400, error: parsed.error }
    const entry = this.refs.get(parsed.ref)
    if (!entry) return { ok: false, status: 404, error: 'qr ref is unknown or its connection has closed' }
    const now = this.sim.nowMs()
    if (entry.used) return { ok: false, status: 409, error: 'qr ref was already scanned' }
    if (now > entry.validUntilMs + REF_GRACE_MS) return { ok: false, status: 410, error: 'qr ref has expired' }
    const conn = entry.conn
    const reg = conn.registration
    if (!reg) return { ok: false, status: 409, error: 'connection is not waiting for pairing' }
    if (!parsed.noisePub.equals(conn.clientStatic)) return { ok: false, status: 400, error: 'qr noise key does not match the connection noise key' }
    if (!parsed.identityPub.equals(reg.identityPub)) return { ok: false, status: 400, error: 'qr identity key does not match the registration identity' }
    entry.used = true

    const account = this.sim.accounts.getOrCreate(phone)
    if (!account) return { ok: false, status: 507, error: 'the simulator holds too many accounts' }
    const device = account.allocateDevice()
    if (!device) return { ok: false, status: 409, error: `account ${phone} has no free device slot` }

    const details = Buffer.from(proto.ADVDeviceIdentity.encode({
      rawId: crypto.randomBytes(4).readUInt32BE(0),
      timestamp: Math.floor(now / 1000),
      keyIndex: device.keyIndex,
      accountType: proto.ADVEncryptionType.E2EE,
      deviceType: proto.ADVEncryptionType.E2EE
    }).finish())
    const accountSignature = sign(account.accountKey.private, Buffer.concat([ADV_ACCOUNT_SIG_PREFIX, details, reg.identityPub]))
    const signedIdentity = Buffer.from(proto.ADVSignedDeviceIdentity.encode({
      details, accountSignatureKey: account.accountKey.public, accountSignature
    }).finish())
    const hmac = crypto.createHmac('sha256', parsed.advSecret).update(signedIdentity).digest()
    const identityHmac = Buffer.from(proto.ADVSignedDeviceIdentityHMAC.encode({
      details: signedIdentity, hmac, accountType: proto.ADVEncryptionType.E2EE
    }).finish())

    const iqId = this.sim.nextId()
    const reply = await conn.query({
      tag: 'iq',
      attrs: { from: 's.whatsapp.net', type: 'set', xmlns: 'md', t: String(Math.floor(now / 1000)), id: iqId },
      content: [{
        tag: 'pair-success',
        attrs: {},
        content: [
          { tag: 'device-identity', attrs: {}, content: identityHmac },
          { tag: 'platform', attrs: { name: 'smba' } },
          { tag: 'device', attrs: { jid: device.pnJid, lid: device.lidJid } }
        ]
      }]
    }, SIGN_TIMEOUT_MS)

    const check = this.checkPairDeviceSign(reply, { details, identityPub: reg.identityPub, accountKeyPub: account.accountKey.public, keyIndex: device.keyIndex })
    if (!check.ok) {
      account.devices.delete(device.id)
      this.sim.log.warn('pairing refused', { phone, device: device.id, error: check.error })
      conn.trace.note(`pairing refused: ${check.error}`)
      // Real servers end such a companion's stream; 401 makes clients drop the half-made session.
      conn.sendNode({ tag: 'failure', attrs: { reason: '401', location: 'sim' } })
      conn.close(`pairing refused: ${check.error}`)
      return { ok: false, status: 422, error: `pair-device-sign refused: ${check.error}` }
    }

    device.noisePub = Buffer.from(conn.clientStatic)
    device.identityPub = Buffer.from(reg.identityPub)
    device.registrationId = reg.registrationId
    device.signedPreKey = reg.signedPreKey
    device.platform = reg.platform
    device.advSecret = parsed.advSecret
    device.signedDeviceIdentity = check.signedDeviceIdentity
    this.sim.registerDeviceNoiseKey(device)
    this.forgetConnection(conn)
    conn.registration = null
    this.sim.log.info('device paired', { jid: device.pnJid, lid: device.lidJid, keyIndex: device.keyIndex })
    this.sim.notifyDevicesChanged(account, 'add', device)
    // Pairing done: the client has to log in on a fresh connection.
    conn.streamError({ code: '515' })
    return { ok: true, jid: device.pnJid, lid: device.lidJid, device: device.id, keyIndex: device.keyIndex }
  }

  /** Strictly checks the companion's <pair-device-sign> reply. */
  checkPairDeviceSign (reply, { details, identityPub, accountKeyPub, keyIndex }) {
    if (!reply) return { ok: false, error: 'no reply to pair-success within the timeout' }
    if (reply.attrs.type !== 'result') return { ok: false, error: `pair-success answered with type=${reply.attrs.type}` }
    const signNode = getBinaryNodeChild(reply, 'pair-device-sign')
    const idNode = signNode && getBinaryNodeChild(signNode, 'device-identity')
    if (!idNode || !(idNode.content instanceof Uint8Array)) return { ok: false, error: 'reply lacks pair-device-sign/device-identity' }
    if (idNode.attrs['key-index'] !== String(keyIndex)) return { ok: false, error: `key-index ${idNode.attrs['key-index']} is not ${keyIndex}` }
    let sdi
    try {
      sdi = proto.ADVSignedDeviceIdentity.decode(idNode.content)
    } catch (err) {
      return { ok: false, error: `device-identity does not decode: ${err.message}` }
    }
    if (!sdi.details || !Buffer.from(sdi.details).equals(details)) return { ok: false, error: 'device-identity details differ from what the phone signed' }
    if (!sdi.deviceSignature || sdi.deviceSignature.length !== 64) return { ok: false, error: 'device signature missing or not 64 bytes' }
    const msg = Buffer.concat([ADV_DEVICE_SIG_PREFIX, details, identityPub, accountKeyPub])
    if (!strictVerify(identityPub, msg, sdi.deviceSignature)) return { ok: false, error: 'device signature does not verify under the companion identity key' }
    return { ok: true, signedDeviceIdentity: Buffer.from(idNode.content) }
  }
}
