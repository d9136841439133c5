// SPDX-License-Identifier: GPL-3.0-or-later
// Presence (available/unavailable, subscriptions) and chatstate (typing) relay between accounts.
import { jidDecode } from '@whiskeysockets/baileys'

export class PresenceRelay {
  constructor (sim) {
    this.sim = sim
    this.available = new Map() // phone -> bool (explicit <presence type='available'> sent)
    this.lastSeen = new Map() // phone -> unix s
    this.subscribers = new Map() // phone (watched) -> Map(device -> mode)
  }

  onPresence (conn, node) {
    const device = conn.device
    const { type, name, to } = node.attrs
    if (type === 'subscribe' && to) {
      const r = this.sim.resolveJid(to)
      if (!r) return
      let subs = this.subscribers.get(r.account.phone)
      if (!subs) this.subscribers.set(r.account.phone, (subs = new Map()))
      subs.set(device, r.mode)
      device.connection?.sendNode(this.presenceNode(r.account, r.mode))
      return
    }
    if (name) device.account.pushName = String(name).slice(0, 64)
    if (type === 'available' || type === 'unavailable') {
      const account = device.account
      const was = this.available.get(account.phone)
      this.available.set(account.phone, type === 'available')
      if (type === 'unavailable') this.lastSeen.set(account.phone, Math.floor(Date.now() / 1000))
      if (was !== (type === 'available')) this.broadcast(account)
    }
  }

  presenceNode (account, mode) {
    const attrs = { from: account.jid(mode) }
    if (this.available.get(account.phone)) attrs.type = 'available'
    else {
      attrs.type = 'unavailable'
      const last = this.lastSeen.get(account.phone)
      attrs.last = last ? String(last) : 'deny'
    }
    return { tag: 'presence', attrs }
  }

  broadcast (account) {
    for (const [device, mode] of this.subscribers.get(account.phone) || []) {
      if (device.connection) device.connection.sendNode(this.presenceNode(account, mode))
    }
  }

  onDeviceOffline (device) {
    const account = device.account
    const anyOnline = [...account.devices.values()].some(d => d.online)
    if (!anyOnline && this.available.get(account.phone)) {
      this.available.set(account.phone, false)
      this.lastSeen.set(account.phone, Math.floor(Date.now() / 1000))
      this.broadcast(account)
    }
    for (const subs of this.subscribers.values()) subs.delete(device)
  }

  /** <chatstate to=X><composing/></chatstate>: relayed live only (never queued), like WhatsApp. */
  onChatstate (conn, node) {
    const sender = conn.device
    const to = node.attrs.to
    const d = jidDecode(to || '')
    if (!d) return
    const state = Array.isArray(node.content) ? node.content[0] : null
    if (!state || !['composing', 'paused'].includes(state.tag)) return
    const child = { tag: state.tag, attrs: state.attrs?.media ? { media: state.attrs.media } : {} }
    this.sim.stats.chatstates++
    if (d.server === 'g.us') {
      const g = this.sim.groups.get(to)
      if (!g || !g.members.has(sender.account.phone)) return
      for (const phone of g.members.keys()) {
        const acc = this.sim.accounts.byPhone.get(phone)
        for (const device of acc?.devices.values() || []) {
          if (device.account === sender.account || !device.connection) continue
          device.connection.sendNode({ tag: 'chatstate', attrs: { from: g.jid, participant: sender.account.jid(g.addressingMode) }, content: [child] })
        }
      }
      return
    }
    const r = this.sim.resolveJid(to)
    if (!r) return
    for (const device of r.account.devices.values()) {
      if (device === sender || !device.connection) continue
      device.connection.sendNode({ tag: 'chatstate', attrs: { from: sender.account.jid(r.mode) }, content: [child] })
    }
  }
}
