// SPDX-License-Identifier: GPL-3.0-or-later
// Answers client <iq> requests: prekeys, usync, ping, passive, props, privacy, logout, groups, media.
import crypto from 'node:crypto'
import { getBinaryNodeChild, getBinaryNodeChildren, jidDecode } from '@whiskeysockets/baileys'

const MAX_UPLOADED_PREKEYS = 2000
const MAX_BUNDLES_PER_QUERY = 512
const MAX_USYNC_USERS = 512
// Below this many one-time prekeys the owner is told to upload more (WhatsApp's prekey-low notification).
const PREKEY_LOW_COUNT = 5

function uint (n, bytes) {
  const b = Buffer.alloc(bytes)
  b.writeUIntBE(n, 0, bytes)
  return b
}

function bytesOf (node, tag) {
  const child = getBinaryNodeChild(node, tag)
  return child?.content instanceof Uint8Array ? Buffer.from(child.content) : null
}

export class IqHandlers {
  constructor (sim) {
    this.sim = sim
  }

  result (conn, iq, content) {
    conn.sendNode({ tag: 'iq', attrs: { from: iq.attrs.to || 's.whatsapp.net', type: 'result', id: iq.attrs.id }, content })
  }

  error (conn, iq, code, text) {
    conn.sendNode({
      tag: 'iq',
      attrs: { from: iq.attrs.to || 's.whatsapp.net', type: 'error', id: iq.attrs.id },
      content: [{ tag: 'error', attrs: { code: String(code), text } }]
    })
  }

  async handle (conn, iq) {
    const { xmlns, type } = iq.attrs
    if (type === 'result' || type === 'error') return // answers to queries that nobody waits for any more
    if (conn.kind === 'registration') {
      if (xmlns === 'w:p') return this.ping(conn, iq)
      return this.error(conn, iq, 401, 'not-authorized')
    }
    try {
      switch (xmlns) {
        case 'w:p': return this.ping(conn, iq)
        case 'passive': return this.result(conn, iq)
        case 'encrypt': return this.encrypt(conn, iq)
        case 'usync': return this.usync(conn, iq)
        case 'abt':
        case 'w': return this.props(conn, iq)
        case 'blocklist': return this.result(conn, iq, [{ tag: 'list', attrs: {} }])
        case 'privacy': return this.privacy(conn, iq)
        case 'md': return this.md(conn, iq)
        case 'w:g2': return this.sim.groups.handleIq(conn, iq)
        case 'w:m': return this.sim.media.handleIq(conn, iq)
        case 'urn:xmpp:whatsapp:dirty':
        case 'status':
        case 'urn:xmpp:whatsapp:push': return this.result(conn, iq)
        default:
          return this.error(conn, iq, 501, 'feature-not-implemented')
      }
    } catch (err) {
      // One bad request gets an error reply; the connection and the simulator carry on.
      this.sim.log.warn('iq handler failed', { conn: conn.id, xmlns, error: err.message })
      return this.error(conn, iq, 500, 'internal-server-error')
    }
  }

  ping (conn, iq) {
    if (conn.stalled) return // fault injection: the server stops answering keep-alives
    this.result(conn, iq)
  }

  props (conn, iq) {
    const props = getBinaryNodeChild(iq, 'props')
    this.result(conn, iq, [{ tag: 'props', attrs: { protocol: props?.attrs.protocol || '1', hash: 'wa-sim-props-v1', t: String(Math.floor(Date.now() / 1000)) } }])
  }

  privacy (conn, iq) {
    if (iq.attrs.type === 'set') return this.result(conn, iq) // tctokens and privacy changes are accepted
    // WhatsApp's defaults for a new account; readreceipts=all makes clients send 'read', not 'read-self'.
    const categories = { last: 'all', online: 'all', profile: 'all', status: 'contacts', groupadd: 'all', readreceipts: 'all', calladd: 'all' }
    this.result(conn, iq, [{
      tag: 'privacy',
      attrs: {},
      content: Object.entries(categories).map(([name, value]) => ({ tag: 'category', attrs: { name, value } }))
    }])
  }

  md (conn, iq) {
    const remove = getBinaryNodeChild(iq, 'remove-companion-device')
    if (!remove) return this.error(conn, iq, 501, 'feature-not-implemented')
    const r = this.sim.resolveJid(remove.attrs.jid)
    const device = r && r.account.devices.get(r.deviceId ?? -1)
    if (!device || device.account !== conn.device.account) return this.error(conn, iq, 404, 'item-not-found')
    this.result(conn, iq)
    // The companion asked to be removed: its socket closes, its peers learn the device is gone.
    this.sim.removeDevice(device)
  }

  encrypt (conn, iq) {
    const device = conn.device
    const type = iq.attrs.type
    if (type === 'get' && getBinaryNodeChild(iq, 'count')) {
      return this.result(conn, iq, [{ tag: 'count', attrs: { value: String(device.preKeys.size) } }])
    }
    if (type === 'get' && getBinaryNodeChild(iq, 'digest')) return this.digest(conn, iq)
    if (type === 'get' && getBinaryNodeChild(iq, 'key')) return this.fetchBundles(conn, iq)
    if (type === 'set' && getBinaryNodeChild(iq, 'list')) return this.uploadPreKeys(conn, iq)
    if (type === 'set' && getBinaryNodeChild(iq, 'rotate')) {
      const skey = getBinaryNodeChild(getBinaryNodeChild(iq, 'rotate'), 'skey')
      const spk = this.readSignedPreKey(skey)
      if (!spk) return this.error(conn, iq, 400, 'bad-request')
      device.signedPreKey = spk
      return this.result(conn, iq)
    }
    return this.error(conn, iq, 501, 'feature-not-implemented')
  }

  readSignedPreKey (skey) {
    if (!skey) return null
    const id = bytesOf(skey, 'id')
    const value = bytesOf(skey, 'value')
    const signature = bytesOf(skey, 'signature')
    if (!id || !value || value.length !== 32 || !signature || signature.length !== 64) return null
    return { id: id.readUIntBE(0, Math.min(id.length, 6)), pub: value, signature }
  }

  uploadPreKeys (conn, iq) {
    const device = conn.device
    const identity = bytesOf(iq, 'identity')
    if (identity && !identity.equals(device.identityPub)) return this.error(conn, iq, 409, 'identity-mismatch')
    const registration = bytesOf(iq, 'registration')
    if (registration?.length === 4) device.registrationId = registration.readUInt32BE(0)
    const keys = getBinaryNodeChildren(getBinaryNodeChild(iq, 'list'), 'key')
    if (keys.length > MAX_UPLOADED_PREKEYS) return this.error(conn, iq, 400, 'too-many-keys')
    const list = []
    for (const k of keys) {
      const id = bytesOf(k, 'id')
      const value = bytesOf(k, 'value')
      if (!id || !value || value.length !== 32) return this.error(conn, iq, 400, 'bad-prekey')
      list.push({ id: id.readUIntBE(0, Math.min(id.length, 6)), pub: value })
    }
    device.addPreKeys(list)
    device.preKeyLowSent = false
    const spk = this.readSignedPreKey(getBinaryNodeChild(iq, 'skey'))
    if (spk) device.signedPreKey = spk
    this.result(conn, iq)
  }

  digest (conn, iq) {
    const d = conn.device
    const ids = [...d.preKeys.keys()]
    // Same construction whatsmeow validates: SHA-1 over identity, signed prekey, signature, prekeys.
    const h = crypto.createHash('sha1')
    h.update(d.identityPub)
    h.update(d.signedPreKey.pub)
    h.update(d.signedPreKey.signature)
    for (const id of ids) h.update(d.preKeys.get(id))
    this.result(conn, iq, [{
      tag: 'digest',
      attrs: {},
      content: [
        { tag: 'registration', attrs: {}, content: uint(d.registrationId, 4) },
        { tag: 'type', attrs: {}, content: Buffer.from([5]) },
        { tag: 'identity', attrs: {}, content: d.identityPub },
        { tag: 'skey', attrs: {}, content: [{ tag: 'id', attrs: {}, content: uint(d.signedPreKey.id, 3) }] },
        { tag: 'list', attrs: {}, content: ids.map(id => ({ tag: 'id', attrs: {}, content: uint(id, 3) })) },
        { tag: 'hash', attrs: {}, content: h.digest() }
      ]
    }])
  }

  /** The Signal bundle of one device: companions from their uploads, device 0 from the simulated phone. */
  bundleFor (jid) {
    const r = this.sim.resolveJid(jid)
    if (!r) return null
    const deviceId = r.deviceId ?? 0
    if (deviceId === 0) {
      const phone = r.account.phoneDevice
      const pk = phone.takePreKey()
      return {
        registrationId: phone.registrationId,
        identity: phone.identity.public,
        signedPreKey: { id: phone.signedPreKey.id, pub: phone.signedPreKey.keyPair.public, signature: phone.signedPreKey.signature },
        preKey: pk
      }
    }
    const device = r.account.devices.get(deviceId)
    if (!device || !device.signedPreKey) return null
    const preKey = device.takePreKey()
    if (device.preKeys.size < PREKEY_LOW_COUNT && !device.preKeyLowSent) {
      device.preKeyLowSent = true // once until the next upload
      this.sim.deliver(device, {
        tag: 'notification',
        attrs: { from: 's.whatsapp.net', type: 'encrypt', id: this.sim.nextId(), t: String(Math.floor(Date.now() / 1000)) },
        content: [{ tag: 'count', attrs: { value: String(device.preKeys.size) } }]
      })
    }
    return { registrationId: device.registrationId, identity: device.identityPub, signedPreKey: device.signedPreKey, preKey }
  }

  fetchBundles (conn, iq) {
    const users = getBinaryNodeChildren(getBinaryNodeChild(iq, 'key'), 'user').slice(0, MAX_BUNDLES_PER_QUERY)
    const content = users.map(u => {
      const jid = u.attrs.jid
      const b = this.bundleFor(jid)
      if (!b) return { tag: 'user', attrs: { jid }, content: [{ tag: 'error', attrs: { code: '404', text: 'item-not-found' } }] }
      const children = [
        { tag: 'registration', attrs: {}, content: uint(b.registrationId, 4) },
        { tag: 'type', attrs: {}, content: Buffer.from([5]) },
        { tag: 'identity', attrs: {}, content: Buffer.from(b.identity) },
        {
          tag: 'skey',
          attrs: {},
          content: [
            { tag: 'id', attrs: {}, content: uint(b.signedPreKey.id, 3) },
            { tag: 'value', attrs: {}, content: Buffer.from(b.signedPreKey.pub) },
            { tag: 'signature', attrs: {}, content: Buffer.from(b.signedPreKey.signature) }
          ]
        }
      ]
      if (b.preKey) {
        children.push({ tag: 'key', attrs: {}, content: [{ tag: 'id', attrs: {}, content: uint(b.preKey.id, 3) }, { tag: 'value', attrs: {}, content: Buffer.from(b.preKey.pub) }] })
      }
      return { tag: 'user', attrs: { jid }, content: children }
    })
    this.result(conn, iq, [{ tag: 'list', attrs: {}, content }])
  }

  usync (conn, iq) {
    const usync = getBinaryNodeChild(iq, 'usync')
    const query = getBinaryNodeChild(usync, 'query')
    const list = getBinaryNodeChild(usync, 'list')
    if (!query || !list) return this.error(conn, iq, 400, 'bad-request')
    const protocols = new Set((Array.isArray(query.content) ? query.content : []).map(n => n.tag))
    const users = getBinaryNodeChildren(list, 'user').slice(0, MAX_USYNC_USERS)
    const out = []
    for (const u of users) {
      let jid = u.attrs.jid
      let account = null
      const contact = getBinaryNodeChild(u, 'contact')
      if (!jid && contact) {
        const phone = Buffer.from(contact.content || '').toString().replace(/[^0-9]/g, '')
        account = this.sim.accounts.byPhone.get(phone) || null
        jid = `${phone}@s.whatsapp.net`
      } else {
        const d = jidDecode(jid)
        account = d ? this.sim.accounts.find(d.user, d.server) || null : null
      }
      if (!jid) continue
      const children = []
      if (protocols.has('contact')) children.push({ tag: 'contact', attrs: { type: account ? 'in' : 'out' } })
      if (protocols.has('devices')) {
        if (account && account !== conn.device.account) account.deviceWatchers.add(conn.device.account.phone)
        const devs = account
          ? [{ tag: 'device', attrs: { id: '0' } }, ...[...account.devices.values()].filter(d => d.noisePub).map(d => ({ tag: 'device', attrs: { id: String(d.id), 'key-index': String(d.keyIndex) } }))]
          : []
        children.push({ tag: 'devices', attrs: {}, content: [{ tag: 'device-list', attrs: {}, content: devs }] })
      }
      if (protocols.has('lid') && account) children.push({ tag: 'lid', attrs: { val: account.lidJid } })
      if (protocols.has('status') && account) children.push({ tag: 'status', attrs: { t: String(account.createdAt) }, content: Buffer.from('') })
      out.push({ tag: 'user', attrs: { jid }, content: children })
    }
    this.result(conn, iq, [{
      tag: 'usync',
      attrs: { sid: usync.attrs.sid || '', index: '0', last: 'true', mode: usync.attrs.mode || 'query', context: usync.attrs.context || 'interactive' },
      content: [{ tag: 'result', attrs: {}, content: [...protocols].map(p => ({ tag: p, attrs: {} })) }, { tag: 'list', attrs: {}, content: out }]
    }])
  }
}

