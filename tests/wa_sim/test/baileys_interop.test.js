// SPDX-License-Identifier: GPL-3.0-or-later
// Real, unmodified Baileys clients (via the peer driver) talking to each other through the simulator.
import test from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { SimProcess, PeerProcess, tempDir } from './support/harness.js'

const A = '15550001111'
const B = '15550002222'
const C = '15550003333'
const pn = p => `${p}@s.whatsapp.net`

let sim, a, b, c
let lidGroup // the LID-addressed group made by the group tests
const extra = []
let traceDir

async function waitUntil (cond, what, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 25))
  }
}

async function relayedTypes (id) {
  const r = await sim.get(`/relayed?id=${encodeURIComponent(id)}`)
  return r.body.relayed.flatMap(e => e.encTypes)
}

test.before(async () => {
  traceDir = tempDir('trace')
  sim = await SimProcess.start({ traceDir })
  // c pings every second so that a stalled server is noticed within seconds, not 35 s.
  ;[a, b, c] = await Promise.all(['a', 'b', 'c'].map(name => PeerProcess.start(sim, { name, args: name === 'c' ? ['--keepalive-ms', '1000'] : [] })))
})

test.after(async () => {
  await Promise.all([a, b, c, ...extra].filter(Boolean).map(p => p.stop()))
  await sim?.stop()
})

test('three Baileys clients pair by QR scan, restart on 515 and log in', async () => {
  const [ra, rb, rc] = await Promise.all([a.call('pair', { phone: A }), b.call('pair', { phone: B }), c.call('pair', { phone: C })])
  assert.equal(ra.jid, `${A}:1@s.whatsapp.net`)
  assert.match(rb.lid, /^\d{15}:1@lid$/)
  assert.equal(rc.keyIndex, 1)
  for (const p of [A, B, C]) {
    const d = await sim.waitFor(`/devices?phone=${p}`, body => body.devices.find(x => x.online))
    assert.ok(d.preKeys > 0, 'prekeys were uploaded at login')
  }
  // Baileys saw the 515 restart and then an open connection with its LID from <success>.
  assert.ok(a.events.some(e => e.connection === 'close' && e.statusCode === 515))
  const me = await a.call('me')
  assert.equal(me.lid, ra.lid)
})

let firstFromA
test('1:1 both ways: the first message relays as pkmsg, later ones as msg', async () => {
  firstFromA = await a.call('sendText', { to: pn(B), text: 'hello B' })
  const got = await b.call('waitMessage', { text: 'hello B', from: pn(A) })
  assert.equal(got.fromMe, false)
  assert.deepEqual(await relayedTypes(firstFromA.id), ['pkmsg'])
  const back = await b.call('sendText', { to: pn(A), text: 'hello A' })
  await a.call('waitMessage', { text: 'hello A', from: pn(B) })
  assert.deepEqual(await relayedTypes(back.id), ['msg'])
  const again = await a.call('sendText', { to: pn(B), text: 'second to B' })
  await b.call('waitMessage', { text: 'second to B' })
  assert.deepEqual(await relayedTypes(again.id), ['msg'])
  // The per-connection trace files show the same stanzas, for debugging.
  const traced = fs.readdirSync(traceDir).map(f => fs.readFileSync(path.join(traceDir, f), 'utf8')).join('')
  assert.ok(traced.includes(`id='${firstFromA.id}'`) && traced.includes("type='pkmsg'"))
})

test('a quoted reply and a mention arrive with their context', async () => {
  await b.call('sendText', { to: pn(A), text: 'replying', quotedId: firstFromA.id })
  const reply = await a.call('waitMessage', { text: 'replying' })
  assert.equal(reply.quotedId, firstFromA.id)
  assert.equal(reply.quotedText, 'hello B')
  await a.call('sendText', { to: pn(B), text: `hey @${B}`, mentions: [pn(B)] })
  const mention = await b.call('waitMessage', { text: `hey @${B}` })
  assert.deepEqual(mention.mentions, [pn(B)])
})

test('a read receipt reaches the sender', async () => {
  const m = await a.call('sendText', { to: pn(B), text: 'please read' })
  await b.call('waitMessage', { text: 'please read' })
  await b.call('read', { messageId: m.id })
  const r = await a.call('waitReceipt', { messageId: m.id, status: 'read' })
  assert.equal(r.status, 'read')
})

test('typing (chatstate composing) is seen by the other side', async () => {
  await a.call('typing', { to: pn(B), state: 'composing' })
  const p = await b.call('waitPresence', { from: pn(A), state: 'composing' })
  assert.equal(p.state, 'composing')
  await a.call('typing', { to: pn(B), state: 'paused' })
  await b.call('waitPresence', { from: pn(A), state: 'available' })
})

test('a presence subscription is answered with the contact\'s current presence', async () => {
  await a.call('subscribePresence', { to: pn(B) })
  // markOnlineOnConnect:false means B never announced itself available.
  const p = await a.call('waitPresence', { from: pn(B), state: 'unavailable' })
  assert.equal(p.state, 'unavailable')
})

for (const mode of ['pn', 'lid']) {
  test(`group in ${mode.toUpperCase()} addressing: create, notification, messages both ways`, async () => {
    await sim.post('/settings', { groupAddressingMode: mode })
    const g = await a.call('createGroup', { subject: `team ${mode}`, participants: [pn(B), pn(C)] })
    if (mode === 'lid') lidGroup = g.jid
    assert.match(g.jid, /@g\.us$/)
    assert.equal(g.addressingMode, mode)
    const note = await b.call('waitGroup', { jid: g.jid })
    assert.equal(note.subject, `team ${mode}`)
    const meta = await c.call('groupMetadata', { jid: g.jid })
    assert.equal(meta.participants.length, 3)
    const sent = await a.call('sendText', { to: g.jid, text: `hi group ${mode}` })
    const [gb, gc] = await Promise.all([b.call('waitMessage', { text: `hi group ${mode}`, chat: g.jid }), c.call('waitMessage', { text: `hi group ${mode}`, chat: g.jid })])
    assert.equal(gb.addressingMode, mode)
    assert.equal(gc.chat, g.jid)
    const types = await relayedTypes(sent.id)
    assert.ok(types.includes('skmsg') && types.includes('pkmsg'), `relayed ${types}`)
    await b.call('sendText', { to: g.jid, text: `B in group ${mode}` })
    const ga = await a.call('waitMessage', { text: `B in group ${mode}`, chat: g.jid })
    assert.equal(ga.addressingMode, mode)
    const second = await a.call('sendText', { to: g.jid, text: `again group ${mode}` })
    await c.call('waitMessage', { text: `again group ${mode}` })
    assert.deepEqual([...new Set(await relayedTypes(second.id))], ['skmsg'])
    const mine = await b.call('groups')
    assert.ok(mine.groups.some(x => x.jid === g.jid && x.addressingMode === mode), 'participating list has the group')
  })
}

test('group admin: remove and re-add a member, change the subject, leave; non-admins are refused', async () => {
  const g = lidGroup
  const removed = await a.call('groupParticipants', { jid: g, action: 'remove', participants: [pn(C)] })
  assert.deepEqual(removed.results.map(r => r.status), ['200'])
  await Promise.all([c.call('waitGroupEvent', { jid: g, action: 'remove' }), b.call('waitGroupEvent', { jid: g, action: 'remove' })])
  const afterRemoval = await a.call('sendText', { to: g, text: 'C is out' })
  await b.call('waitMessage', { messageId: afterRemoval.id })
  const to = (await sim.get(`/relayed?id=${afterRemoval.id}`)).body.relayed.map(e => e.to)
  assert.ok(!to.some(j => j.startsWith(C)), `a removed member gets no copy: ${to}`)

  const added = await a.call('groupParticipants', { jid: g, action: 'add', participants: [pn(C)] })
  assert.deepEqual(added.results.map(r => r.status), ['200'])
  const again = await a.call('groupParticipants', { jid: g, action: 'add', participants: [pn(C)] })
  assert.deepEqual(again.results.map(r => r.status), ['409'])
  await c.call('waitGroupEvent', { jid: g, action: 'add' })
  const welcome = await a.call('sendText', { to: g, text: 'welcome back C' })
  await c.call('waitMessage', { messageId: welcome.id })

  await b.call('groupSubject', { jid: g, subject: 'renamed by B' })
  const renamed = await a.call('waitGroupEvent', { jid: g, kind: 'group-update' })
  assert.equal(renamed.subject, 'renamed by B')
  assert.equal((await c.call('groupMetadata', { jid: g })).subject, 'renamed by B')

  await assert.rejects(b.call('groupParticipants', { jid: g, action: 'remove', participants: [pn(A)] }), /not-authorized|401/)

  await c.call('groupLeave', { jid: g })
  // A removed C itself earlier (an actor gets no notification of its own change), so this is the leave.
  const left = await a.call('waitGroupEvent', { jid: g, action: 'remove' })
  assert.equal(left.participants.length, 1)
  const members = (await sim.get('/groups')).body.groups.find(x => x.jid === g).members
  assert.deepEqual(members.sort(), [pn(A), pn(B)].sort())
})

test('an image and a document are byte-identical after upload and download through the media host', async () => {
  const doc = crypto.randomBytes(200 * 1024 + 17)
  const sentDoc = await a.call('sendMedia', { to: pn(B), kind: 'document', dataBase64: doc.toString('base64'), mimetype: 'application/pdf', fileName: 'report.pdf' })
  const gotDoc = await b.call('waitMessage', { messageId: sentDoc.id })
  assert.equal(gotDoc.type, 'document')
  assert.equal(gotDoc.fileName, 'report.pdf')
  const dl = await b.call('download', { messageId: sentDoc.id })
  assert.equal(dl.sha256, crypto.createHash('sha256').update(doc).digest('hex'))
  assert.equal(dl.size, doc.length)

  // A tiny valid PNG (1x1) so Baileys' image path (dimensions, thumbnail) runs for real.
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
  const sentImg = await b.call('sendMedia', { to: pn(A), kind: 'image', dataBase64: png.toString('base64'), mimetype: 'image/png', caption: 'pixel' })
  const gotImg = await a.call('waitMessage', { messageId: sentImg.id })
  assert.equal(gotImg.type, 'image')
  assert.equal(gotImg.text, 'pixel')
  const dli = await a.call('download', { messageId: sentImg.id })
  assert.equal(dli.sha256, crypto.createHash('sha256').update(png).digest('hex'))
  const stats = (await sim.get('/stats')).body
  assert.ok(stats.mediaUploads >= 2 && stats.mediaDownloads >= 2)
})

test('messages for an offline device are queued and delivered after its next login', async () => {
  await c.call('close')
  await sim.waitFor(`/devices?phone=${C}`, body => body.devices.every(d => !d.online))
  const m = await a.call('sendText', { to: pn(C), text: 'while you were away' })
  await sim.waitFor(`/devices?phone=${C}`, body => body.devices[0].offlineQueued > 0)
  const before = (await sim.get('/stats')).body.offlineFlushed
  await c.call('connect')
  const got = await c.call('waitMessage', { messageId: m.id })
  assert.equal(got.text, 'while you were away')
  const after = (await sim.get('/stats')).body.offlineFlushed
  assert.ok(after > before)
  // The flush ends with <ib><offline count=N/></ib>, N counting what was queued.
  const traced = fs.readdirSync(traceDir).map(f => fs.readFileSync(path.join(traceDir, f), 'utf8')).join('')
  const counts = [...traced.matchAll(/send <ib from='s\.whatsapp\.net'><offline count='(\d+)'\/><\/ib>/g)].map(x => Number(x[1]))
  assert.ok(counts.some(n => n >= 1), `offline counts seen: ${counts}`)
})

test('a peer that lost its session recovers through a retry receipt', async () => {
  const statsBefore = (await sim.get('/stats')).body
  const before = statsBefore.receipts.retry || 0
  await b.call('forgetSession', { jid: pn(A) })
  const m = await a.call('sendText', { to: pn(B), text: 'after session loss' })
  const got = await b.call('waitMessage', { messageId: m.id, timeout_ms: 30000 })
  assert.equal(got.text, 'after session loss')
  const statsAfter = (await sim.get('/stats')).body
  const after = statsAfter.receipts.retry || 0
  assert.ok(after > before, 'a retry receipt went through the simulator')
  // Baileys' resend names B's device twice (top-level enc and participants); B must get it once.
  assert.ok(statsAfter.duplicatesDropped > statsBefore.duplicatesDropped, 'the duplicate copy was dropped')
  assert.equal((await sim.get(`/relayed?id=${m.id}`)).body.relayed.filter(e => e.to === `${B}:1@s.whatsapp.net`).length, 2)
  const types = await relayedTypes(m.id)
  assert.ok(types.includes('msg') && types.includes('pkmsg'), `first msg then a pkmsg resend: ${types}`)
})

test('a device paired after a peer cached the device list still receives (devices notification)', async () => {
  // A has B's device list cached from the messages above; B now links a second companion.
  const b2 = await PeerProcess.start(sim, { name: 'b2' })
  extra.push(b2)
  const r = await b2.call('pair', { phone: B })
  assert.equal(r.jid, `${B}:2@s.whatsapp.net`)
  assert.equal(r.keyIndex, 2)
  const m = await a.call('sendText', { to: pn(B), text: 'to both of B' })
  await Promise.all([b.call('waitMessage', { messageId: m.id }), b2.call('waitMessage', { messageId: m.id })])
  // B's own other device gets a copy of what B sends (with recipient=), so both B devices stay in sync.
  const own = await b.call('sendText', { to: pn(A), text: 'from B1' })
  await a.call('waitMessage', { messageId: own.id })
  const relayed = (await sim.get(`/relayed?id=${own.id}`)).body.relayed.map(e => e.to)
  assert.ok(relayed.includes(`${B}:2@s.whatsapp.net`), `relayed to ${relayed}`)
})

test('a server that stops answering pings is dropped by the client, which reconnects', async () => {
  const jidC = `${C}:1@s.whatsapp.net`
  const before = (await sim.get(`/devices?phone=${C}`)).body.devices[0].loginCount
  const mark = c.events.at(-1)?.seq ?? 0
  await sim.post('/fault/stall', { jid: jidC, stalled: true })
  const lost = await c.call('waitConnection', { connection: 'close', after: mark + 1, timeout_ms: 15000 })
  assert.equal(lost.statusCode, 408) // Baileys' connectionLost
  await c.call('waitConnection', { connection: 'open', after: lost.seq, timeout_ms: 15000 })
  await sim.waitFor(`/devices?phone=${C}`, body => body.devices[0].online && body.devices[0].loginCount > before)
})

test('stream errors reach the client: 503, 515 and a dropped socket reconnect, 440 conflict and 401 logout do not', async () => {
  const jidA = `${A}:1@s.whatsapp.net`
  const lastSeq = () => a.events.at(-1)?.seq ?? 0
  let mark = lastSeq()
  assert.equal((await sim.post('/fault/stream-error', { jid: jidA, code: 503 })).status, 200)
  let closed = await a.call('waitConnection', { connection: 'close', statusCode: 503, after: mark + 1 })
  await a.call('waitConnection', { connection: 'open', after: closed.seq })
  mark = lastSeq()
  await sim.post('/fault/stream-error', { jid: jidA, code: 515 })
  closed = await a.call('waitConnection', { connection: 'close', statusCode: 515, after: mark + 1 })
  await a.call('waitConnection', { connection: 'open', after: closed.seq })
  // A garbage frame fails Baileys' transport decryption (it reports the error but keeps the socket,
  // so its stream is out of sync); dropping the socket then makes it reconnect.
  mark = lastSeq()
  await sim.post('/fault/garbage', { jid: jidA })
  await waitUntil(() => a.events.some(e => e.seq > mark && e.event === 'error' && /authenticate|decrypt/i.test(e.error)), 'the peer to report the undecryptable frame')
  mark = lastSeq()
  await sim.post('/fault/close', { jid: jidA })
  closed = await a.call('waitConnection', { connection: 'close', after: mark + 1 })
  await a.call('waitConnection', { connection: 'open', after: closed.seq })
  await sim.waitFor(`/devices?phone=${A}`, body => body.devices[0].online && body.devices[0].loginCount >= 4)
  // Still works after all that.
  const m = await a.call('sendText', { to: pn(C), text: 'still here' })
  await c.call('waitMessage', { messageId: m.id })

  await sim.post('/fault/stream-error', { jid: `${C}:1@s.whatsapp.net`, code: 440 })
  const conflict = await c.call('waitConnection', { connection: 'close', statusCode: 440 })
  assert.equal(conflict.statusCode, 440)

  const b2 = extra[0]
  await sim.post('/fault/stream-error', { jid: `${B}:2@s.whatsapp.net`, code: 401 })
  const loggedOut = await b2.call('waitConnection', { connection: 'close', statusCode: 401 })
  assert.equal(loggedOut.statusCode, 401)
  const devices = (await sim.get(`/devices?phone=${B}`)).body.devices
  assert.deepEqual(devices.map(d => d.device), [1])
  // Online peers (and B's remaining device) were told that B:2 is gone.
  const traced = fs.readdirSync(traceDir).map(f => fs.readFileSync(path.join(traceDir, f), 'utf8')).join('')
  assert.match(traced, new RegExp(`send <notification from='${B}@s.whatsapp.net'[^\n]*type='devices'><remove [^\n]*jid='${B}:2@s.whatsapp.net'`))
})

test('a companion logging out removes its device (remove-companion-device)', async () => {
  await c.call('connect')
  await c.call('waitOpen')
  await sim.waitFor(`/devices?phone=${C}`, body => body.devices.some(d => d.online))
  await c.call('logout')
  await sim.waitFor(`/devices?phone=${C}`, body => body.devices.length === 0)
  const conns = (await sim.get('/connections')).body.connections
  assert.ok(!conns.some(x => x.jid === `${C}:1@s.whatsapp.net`))
})
