// SPDX-License-Identifier: GPL-3.0-or-later
// Who hears about a new or removed companion: the account's own devices and those that fetched its list.
import test from 'node:test'
import assert from 'node:assert/strict'
import { Simulator } from '../src/simulator.js'
import { generateKeyPair } from '../src/keys.js'

const quiet = { debug () {}, info () {}, warn () {}, error () {} }

/** A paired companion with a stand-in live connection that records what it is sent. */
function onlineDevice (sim, phone) {
  const device = sim.accounts.getOrCreate(phone).allocateDevice()
  device.noisePub = generateKeyPair().public
  device.connection = { sent: [], sendNode (n) { this.sent.push(n); return true } }
  return device
}

test('devices notifications reach own devices and device-list watchers only, not every account', () => {
  const sim = new Simulator({ logger: quiet })
  const a1 = onlineDevice(sim, '15550001111')
  const watcher = onlineDevice(sim, '15550002222')
  const strangers = Array.from({ length: 50 }, (_, i) => onlineDevice(sim, `1555100${String(i).padStart(4, '0')}`))
  // The watcher fetched A's devices (usync), as a sender does before encrypting.
  sim.iq.usync({ device: watcher, sendNode: () => true }, {
    tag: 'iq',
    attrs: { id: 'u', type: 'get', xmlns: 'usync' },
    content: [{ tag: 'usync', attrs: {}, content: [{ tag: 'query', attrs: {}, content: [{ tag: 'devices', attrs: { version: '2' } }] }, { tag: 'list', attrs: {}, content: [{ tag: 'user', attrs: { jid: '15550001111@s.whatsapp.net' } }] }] }]
  })
  const a2 = onlineDevice(sim, '15550001111')
  sim.notifyDevicesChanged(a1.account, 'add', a2)
  const devicesNotes = d => d.connection.sent.filter(n => n.tag === 'notification' && n.attrs.type === 'devices')
  assert.equal(devicesNotes(a1).length, 2) // PN and LID forms
  assert.equal(devicesNotes(a2).length, 0) // not the new device itself
  const notes = devicesNotes(watcher)
  assert.deepEqual(notes.map(n => n.attrs.from), ['15550001111@s.whatsapp.net', `${a1.account.lid}@lid`])
  assert.deepEqual(notes[0].content[0].content[0].attrs, { jid: '15550001111:2@s.whatsapp.net', 'key-index': '2' })
  assert.ok(strangers.every(d => devicesNotes(d).length === 0))
})
