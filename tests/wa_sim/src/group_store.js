// SPDX-License-Identifier: GPL-3.0-or-later
// Groups: create, metadata, participating list and w:gp2 notifications, in PN or LID addressing.
import crypto from 'node:crypto'
import { getBinaryNodeChild, getBinaryNodeChildren } from '@whiskeysockets/baileys'

const MAX_GROUPS = 10000
const MAX_PARTICIPANTS = 1024
const MAX_SUBJECT_CHARS = 100

class Group {
  constructor ({ id, subject, creator, addressingMode }) {
    this.id = id
    this.jid = `${id}@g.us`
    this.subject = subject
    this.creator = creator // Account
    this.addressingMode = addressingMode
    this.creation = Math.floor(Date.now() / 1000)
    this.members = new Map() // phone -> role ('superadmin' | 'admin' | '')
  }
}

export class GroupStore {
  constructor (sim) {
    this.sim = sim
    this.groups = new Map() // jid -> Group
  }

  get (jid) { return this.groups.get(jid) }

  /** Creates a group; members are Accounts. Returns the Group or {error}. */
  create ({ subject, creator, members, addressingMode }) {
    if (this.groups.size >= MAX_GROUPS) return { error: 'too many groups' }
    const id = `120363${crypto.randomBytes(6).readUIntBE(0, 6).toString().padStart(12, '0')}`
    const g = new Group({ id, subject: String(subject || '').slice(0, MAX_SUBJECT_CHARS), creator, addressingMode: addressingMode === 'lid' ? 'lid' : 'pn' })
    g.members.set(creator.phone, 'superadmin')
    for (const m of members) if (!g.members.has(m.phone)) g.members.set(m.phone, '')
    this.groups.set(g.jid, g)
    return g
  }

  /** The <group> node as Baileys' extractGroupMetadata and whatsmeow read it. */
  groupNode (g) {
    const lid = g.addressingMode === 'lid'
    const attrs = {
      id: g.id,
      subject: g.subject,
      s_t: String(g.creation),
      s_o: g.creator.jid(g.addressingMode),
      creation: String(g.creation),
      creator: g.creator.jid(g.addressingMode),
      size: String(g.members.size)
    }
    if (lid) {
      attrs.addressing_mode = 'lid'
      attrs.creator_pn = g.creator.pnJid
      attrs.s_o_pn = g.creator.pnJid
    }
    const participants = []
    for (const [phone, role] of g.members) {
      const acc = this.sim.accounts.byPhone.get(phone)
      if (!acc) continue
      const pattrs = { jid: acc.jid(g.addressingMode) }
      if (role) pattrs.type = role
      if (lid) pattrs.phone_number = acc.pnJid
      else pattrs.lid = acc.lidJid
      participants.push({ tag: 'participant', attrs: pattrs })
    }
    return { tag: 'group', attrs, content: participants }
  }

  summary (g) {
    return { jid: g.jid, subject: g.subject, addressingMode: g.addressingMode, creator: g.creator.pnJid, members: [...g.members.keys()].map(p => `${p}@s.whatsapp.net`) }
  }

  handleIq (conn, iq) {
    const ih = this.sim.iq
    const me = conn.device.account
    const create = getBinaryNodeChild(iq, 'create')
    if (iq.attrs.type === 'set' && create) {
      const participants = getBinaryNodeChildren(create, 'participant')
      if (participants.length > MAX_PARTICIPANTS) return ih.error(conn, iq, 406, 'not-acceptable')
      const members = []
      for (const p of participants) {
        const r = this.sim.resolveJid(p.attrs.jid)
        if (!r) return ih.error(conn, iq, 404, `unknown participant ${p.attrs.jid}`)
        members.push(r.account)
      }
      const g = this.create({ subject: create.attrs.subject, creator: me, members, addressingMode: this.sim.settings.groupAddressingMode })
      if (g.error) return ih.error(conn, iq, 500, g.error)
      ih.result(conn, iq, [this.groupNode(g)])
      this.notifyCreate(g, conn.device)
      return
    }
    const queryNode = getBinaryNodeChild(iq, 'query')
    if (iq.attrs.type === 'get' && queryNode) {
      const g = this.groups.get(iq.attrs.to)
      if (!g) return ih.error(conn, iq, 404, 'item-not-found')
      if (!g.members.has(me.phone)) return ih.error(conn, iq, 403, 'forbidden')
      return ih.result(conn, iq, [this.groupNode(g)])
    }
    if (iq.attrs.type === 'get' && getBinaryNodeChild(iq, 'participating')) {
      const mine = [...this.groups.values()].filter(g => g.members.has(me.phone))
      return ih.result(conn, iq, [{ tag: 'groups', attrs: {}, content: mine.map(g => this.groupNode(g)) }])
    }
    return ih.error(conn, iq, 501, 'feature-not-implemented')
  }

  /** w:gp2 create notification to every member device except the creating one. */
  notifyCreate (g, creatorDevice) {
    const t = String(Math.floor(Date.now() / 1000))
    for (const phone of g.members.keys()) {
      const acc = this.sim.accounts.byPhone.get(phone)
      for (const device of acc?.devices.values() || []) {
        if (device === creatorDevice || !device.noisePub) continue
        const attrs = { from: g.jid, id: this.sim.nextId(), t, type: 'w:gp2', participant: creatorDevice.account.jid(g.addressingMode) }
        if (g.addressingMode === 'lid') attrs.participant_pn = creatorDevice.account.pnJid
        this.sim.deliver(device, {
          tag: 'notification',
          attrs,
          content: [{ tag: 'create', attrs: {}, content: [this.groupNode(g)] }]
        })
      }
    }
  }

  onDeviceRemoved () {
    // Membership is per account, so a removed companion changes no group.
  }
}
