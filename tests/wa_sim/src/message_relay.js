// SPDX-License-Identifier: GPL-3.0-or-later
// Relays <message> (1:1 and group fan-out) and <receipt> stanzas between devices, with server acks.
import { getBinaryNodeChild, getBinaryNodeChildren, jidDecode } from '@whiskeysockets/baileys'

const MAX_TARGETS_PER_MESSAGE = 1024

function nowS () { return String(Math.floor(Date.now() / 1000)) }

export class MessageRelay {
  constructor (sim) {
    this.sim = sim
  }

  async onMessage (conn, node) {
    const sim = this.sim
    const sender = conn.device
    const to = node.attrs.to
    const id = node.attrs.id
    const t = nowS()
    const d = jidDecode(to || '')
    if (!id || !d) {
      conn.sendNode({ tag: 'ack', attrs: { class: 'message', id: id || '', from: to || 's.whatsapp.net', error: '400' } })
      return
    }
    conn.sendNode({ tag: 'ack', attrs: { class: 'message', id, from: to, t } })
    if (d.server === 'g.us') return this.relayGroup(conn, node, t)
    if (d.server !== 's.whatsapp.net' && d.server !== 'lid') return // status/broadcast/newsletter: acked only
    const target = sim.resolveJid(to)
    if (!target) {
      sim.log.warn('message to unknown user dropped', { from: sender.pnJid, to, id })
      return
    }
    const mode = target.mode
    const perDevice = this.collectEncs(node, to)
    const deviceIdentity = getBinaryNodeChild(node, 'device-identity')
    for (const { account, deviceId, encs } of perDevice.values()) {
      if (deviceId === 0) { sim.stats.droppedToPrimaryPhone++; continue }
      const device = account.devices.get(deviceId)
      if (!device || device === sender || !device.noisePub) continue
      const attrs = { from: sender.jid(mode), id, t, type: node.attrs.type || 'text', notify: sender.account.pushName }
      if (mode === 'lid') attrs.sender_pn = sender.pnJid
      else attrs.sender_lid = sender.lidJid
      if (account === sender.account) attrs.recipient = target.account.jid(mode) // a copy for the sender's other devices
      if (node.attrs.edit) attrs.edit = node.attrs.edit
      if (node.attrs.category) attrs.category = node.attrs.category
      const content = [...encs]
      if (deviceIdentity && encs.some(e => e.attrs.type === 'pkmsg')) content.push(deviceIdentity)
      this.count(encs, { id, from: sender.pnJid, to: device.pnJid, mode })
      sim.deliver(device, { tag: 'message', attrs, content })
    }
  }

  /**
   * Groups the message's <enc> nodes by target device: <participants><to jid><enc/></to> plus a
   * top-level <enc> addressed to the `to` device. A device named twice (Baileys' retry resend has
   * both forms) gets its enc once, or the receiver nacks the duplicate.
   */
  collectEncs (node, to) {
    const sim = this.sim
    const out = new Map()
    const add = (jid, encs) => {
      const r = sim.resolveJid(jid)
      if (!r || encs.length === 0) return
      const deviceId = r.deviceId ?? 0
      const key = `${r.account.phone}:${deviceId}`
      if (out.has(key)) { sim.stats.duplicatesDropped += encs.length; return }
      if (out.size >= MAX_TARGETS_PER_MESSAGE) return
      out.set(key, { account: r.account, deviceId, encs })
    }
    const participants = getBinaryNodeChild(node, 'participants')
    for (const p of getBinaryNodeChildren(participants, 'to')) add(p.attrs.jid, getBinaryNodeChildren(p, 'enc'))
    const top = getBinaryNodeChildren(node, 'enc')
    if (top.length && jidDecode(to)?.server !== 'g.us') {
      // A top-level enc goes to the `to` jid: its device, or device 0 (the phone) when bare.
      add(to, top)
    }
    return out
  }

  relayGroup (conn, node, t) {
    const sim = this.sim
    const sender = conn.device
    const group = sim.groups.get(node.attrs.to)
    if (!group) {
      sim.log.warn('message to unknown group dropped', { from: sender.pnJid, to: node.attrs.to })
      return
    }
    if (!group.members.has(sender.account.phone)) {
      sim.log.warn('message from non-member dropped', { from: sender.pnJid, group: group.jid })
      return
    }
    const mode = group.addressingMode
    const id = node.attrs.id
    const perDevice = this.collectEncs(node, node.attrs.to)
    const shared = getBinaryNodeChildren(node, 'enc') // skmsg for every member device
    const deviceIdentity = getBinaryNodeChild(node, 'device-identity')
    // A stanza naming a participant (a retry resend) goes to that one device only, as the server does.
    const only = node.attrs.participant ? sim.resolveJid(node.attrs.participant) : null
    if (node.attrs.participant && !only) {
      sim.log.warn('group message to an unknown participant dropped', { from: sender.pnJid, participant: node.attrs.participant })
      return
    }
    for (const phone of group.members.keys()) {
      const account = sim.accounts.byPhone.get(phone)
      if (!account) continue
      for (const device of account.devices.values()) {
        if (device === sender || !device.noisePub) continue
        if (only && (only.account !== account || (only.deviceId ?? 0) !== device.id)) continue
        const own = perDevice.get(`${phone}:${device.id}`)?.encs || []
        const encs = [...own, ...shared]
        if (encs.length === 0) continue
        const attrs = { from: group.jid, participant: sender.jid(mode), id, t, type: node.attrs.type || 'text', notify: sender.account.pushName }
        if (mode === 'lid') {
          attrs.addressing_mode = 'lid'
          attrs.participant_pn = sender.pnJid
        } else {
          attrs.participant_lid = sender.lidJid
        }
        if (node.attrs.edit) attrs.edit = node.attrs.edit
        const content = [...encs]
        if (deviceIdentity && own.some(e => e.attrs.type === 'pkmsg')) content.push(deviceIdentity)
        this.count(encs, { id, from: sender.pnJid, to: device.pnJid, group: group.jid, mode })
        sim.deliver(device, { tag: 'message', attrs, content })
      }
    }
    for (const v of perDevice.values()) {
      if (v.deviceId === 0) sim.stats.droppedToPrimaryPhone++
    }
  }

  count (encs, entry) {
    const types = encs.map(e => e.attrs.type || 'other')
    for (const ty of types) this.sim.stats.relayed[ty in this.sim.stats.relayed ? ty : 'other']++
    this.sim.recordRelay({ ...entry, encTypes: types })
  }

  onReceipt (conn, node) {
    const sim = this.sim
    const sender = conn.device
    const { id, to, participant, type } = node.attrs
    const ackAttrs = { class: 'receipt', id: id || '', from: to || 's.whatsapp.net' }
    if (type) ackAttrs.type = type
    if (participant) ackAttrs.participant = participant
    conn.sendNode({ tag: 'ack', attrs: ackAttrs })
    if (!id || !to) return
    const kind = type || 'delivery'
    sim.stats.receipts[kind] = (sim.stats.receipts[kind] || 0) + 1
    const t = nowS()
    const d = jidDecode(to)
    if (!d) return
    let targetAccount, targetDeviceId, attrs
    if (d.server === 'g.us') {
      const r = participant && sim.resolveJid(participant)
      if (!r) return
      const mode = r.mode
      targetAccount = r.account
      targetDeviceId = r.deviceId
      attrs = { from: to, participant: sender.jid(mode), id, t }
    } else {
      const r = sim.resolveJid(to)
      if (!r) return
      const mode = r.mode
      targetAccount = r.account
      targetDeviceId = r.deviceId
      // Retry receipts must come from the *bare* user plus a participant device, or Baileys
      // cannot find the message in its retry cache.
      attrs = { from: sender.account.jid(mode), participant: sender.jid(mode), id, t }
      if (node.attrs.recipient) attrs.recipient = node.attrs.recipient
    }
    if (type) attrs.type = type
    const content = Array.isArray(node.content) ? node.content : undefined
    for (const device of targetAccount.devices.values()) {
      if (device === sender || !device.noisePub) continue
      // A retry is for the one device that sent the message; other receipts reach all devices.
      if (type === 'retry' && targetDeviceId !== undefined && targetDeviceId !== 0 && device.id !== targetDeviceId) continue
      sim.deliver(device, { tag: 'receipt', attrs: { ...attrs }, content })
    }
  }
}
