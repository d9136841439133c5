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
      s_t: String(g.subjectTime ?? g.creation),
      s_o: (g.subjectOwner || g.creator).jid(g.addressingMode),
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
    const leave = getBinaryNodeChild(iq, 'leave')
    if (iq.attrs.type === 'set' && leave) return this.leave(conn, iq, leave)
    if (iq.attrs.type === 'set' && Array.isArray(iq.content) && ['add', 'remove', 'promote', 'demote'].includes(iq.content[0]?.tag)) {
      return this.changeParticipants(conn, iq, iq.content[0])
    }
    const subject = getBinaryNodeChild(iq, 'subject')
    if (iq.attrs.type === 'set' && subject) return this.changeSubject(conn, iq, subject)
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

  /** A member group from an iq's `to`, or an error reply already sent (returns null). */
  memberGroup (conn, iq, { admin = false } = {}) {
    const ih = this.sim.iq
    const g = this.groups.get(iq.attrs.to)
    const me = conn.device.account
    if (!g) { ih.error(conn, iq, 404, 'item-not-found'); return null }
    if (!g.members.has(me.phone)) { ih.error(conn, iq, 403, 'forbidden'); return null }
    if (admin && !g.members.get(me.phone)) { ih.error(conn, iq, 401, 'not-authorized'); return null }
    return g
  }

  participantNode (g, account, withRole = false) {
    const attrs = { jid: account.jid(g.addressingMode) }
    if (g.addressingMode === 'lid') attrs.phone_number = account.pnJid
    else attrs.lid = account.lidJid
    if (withRole && g.members.get(account.phone)) attrs.type = g.members.get(account.phone)
    return { tag: 'participant', attrs }
  }

  /** add / remove / promote / demote: admins only; each participant gets its own status. */
  changeParticipants (conn, iq, actionNode) {
    const g = this.memberGroup(conn, iq, { admin: true })
    if (!g) return
    const action = actionNode.tag
    const requested = getBinaryNodeChildren(actionNode, 'participant').slice(0, MAX_PARTICIPANTS)
    const results = []
    const changed = []
    for (const p of requested) {
      const r = this.sim.resolveJid(p.attrs.jid)
      let error
      if (!r) error = '404'
      else if (action === 'add' && g.members.has(r.account.phone)) error = '409'
      else if (action !== 'add' && !g.members.has(r.account.phone)) error = '404'
      else if (action === 'add' && g.members.size >= MAX_PARTICIPANTS) error = '500'
      if (error) { results.push({ tag: 'participant', attrs: { jid: p.attrs.jid, error } }); continue }
      const acc = r.account
      if (action === 'add') g.members.set(acc.phone, '')
      if (action === 'remove') g.members.delete(acc.phone)
      if (action === 'promote') g.members.set(acc.phone, 'admin')
      if (action === 'demote') g.members.set(acc.phone, '')
      changed.push(acc)
      results.push({ tag: 'participant', attrs: { jid: p.attrs.jid } })
    }
    this.sim.iq.result(conn, iq, [{ tag: action, attrs: {}, content: results }])
    if (changed.length === 0) return
    // Removed members hear about their own removal too.
    const audience = action === 'remove' ? changed : []
    this.notify(g, conn.device, { tag: action, attrs: {}, content: changed.map(a => this.participantNode(g, a)) }, audience)
  }

  changeSubject (conn, iq, subjectNode) {
    const g = this.memberGroup(conn, iq)
    if (!g) return
    const text = Buffer.from(subjectNode.content || '').toString('utf8').slice(0, MAX_SUBJECT_CHARS)
    if (!text) return this.sim.iq.error(conn, iq, 400, 'bad-request')
    g.subject = text
    g.subjectTime = Math.floor(Date.now() / 1000)
    g.subjectOwner = conn.device.account
    this.sim.iq.result(conn, iq)
    const attrs = { subject: text, s_o: conn.device.account.jid(g.addressingMode), s_t: String(g.subjectTime) }
    this.notify(g, conn.device, { tag: 'subject', attrs })
  }

  leave (conn, iq, leaveNode) {
    const me = conn.device.account
    const left = []
    for (const gn of getBinaryNodeChildren(leaveNode, 'group')) {
      const jid = gn.attrs.id?.includes('@') ? gn.attrs.id : `${gn.attrs.id}@g.us`
      const g = this.groups.get(jid)
      if (!g || !g.members.has(me.phone)) continue
      g.members.delete(me.phone)
      left.push({ g, node: gn })
    }
    this.sim.iq.result(conn, iq, [{ tag: 'leave', attrs: {}, content: left.map(({ node }) => node) }])
    for (const { g } of left) this.notify(g, conn.device, { tag: 'leave', attrs: {}, content: [this.participantNode(g, me)] }, [me])
  }

  /** A w:gp2 notification about `child` to all members' devices (and extra accounts), not the actor's device. */
  notify (g, actorDevice, child, extraAccounts = []) {
    const t = String(Math.floor(Date.now() / 1000))
    const phones = new Set([...g.members.keys(), ...extraAccounts.map(a => a.phone)])
    for (const phone of phones) {
      const acc = this.sim.accounts.byPhone.get(phone)
      for (const device of acc?.devices.values() || []) {
        if (device === actorDevice || !device.noisePub) continue
        const attrs = { from: g.jid, id: this.sim.nextId(), t, type: 'w:gp2', participant: actorDevice.account.jid(g.addressingMode) }
        if (g.addressingMode === 'lid') attrs.participant_pn = actorDevice.account.pnJid
        this.sim.deliver(device, { tag: 'notification', attrs, content: [child] })
      }
    }
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
}
