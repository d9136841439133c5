// SPDX-License-Identifier: GPL-3.0-or-later
// Pairing against the simulator with a raw client: strict pair-device-sign, QR checks, control API input errors.
import test from 'node:test'
import assert from 'node:assert/strict'
import { proto } from '@whiskeysockets/baileys'
import { SimProcess } from './support/harness.js'
import { RawClient } from './support/raw_client.js'
import { verifyCertChain } from '../src/cert_chain.js'

let sim
let paired // the raw client paired as 15557770001:1 (login tests reuse it)
test.before(async () => { sim = await SimProcess.start() })
test.after(async () => { await sim?.stop() })

async function registered () {
  const c = new RawClient()
  await c.connectForRegistration(sim.wsUrl, sim.rootPublicKey)
  const pairDevice = await c.waitNode(n => n.tag === 'iq' && n.content?.[0]?.tag === 'pair-device')
  assert.ok(pairDevice, 'simulator sent pair-device refs')
  return { c, pairDevice }
}

test('the live handshake presents a cert chain that verifies strictly under the announced root', async () => {
  const { c } = await registered()
  c.close()
  const root = Buffer.from(sim.rootPublicKey, 'base64')
  assert.deepEqual(verifyCertChain(c.certChain, root, c.serverStaticPub), { ok: true })
  // The same chain, one bit flipped anywhere in the intermediate's signature, does not verify.
  const chain = proto.CertChain.decode(c.certChain)
  chain.intermediate.signature = Buffer.from(chain.intermediate.signature)
  chain.intermediate.signature[63] ^= 0x01
  assert.equal(verifyCertChain(proto.CertChain.encode(chain).finish(), root, c.serverStaticPub).ok, false)
})

test('pair-device sends six refs, and a scan with a valid pair-device-sign pairs the device', async () => {
  const { c, pairDevice } = await registered()
  const refs = pairDevice.content[0].content
  assert.equal(refs.length, 6)
  const scan = sim.post('/scan', { qr: `https://wa.me/settings/linked_devices#${c.qrFor(pairDevice)}`, phone: '15557770001' })
  const success = await c.waitNode(n => n.tag === 'iq' && n.content?.[0]?.tag === 'pair-success')
  assert.ok(success)
  c.answerPairSuccess(success)
  paired = c
  const res = await scan
  assert.equal(res.status, 200, JSON.stringify(res.body))
  assert.equal(res.body.jid, '15557770001:1@s.whatsapp.net')
  const restart = await c.waitNode(n => n.tag === 'stream:error')
  assert.equal(restart?.attrs.code, '515')
  const devices = await sim.get('/devices?phone=15557770001')
  assert.equal(devices.body.devices.length, 1)
  assert.equal(devices.body.devices[0].keyIndex, 1)
})

const iqOf = (id, xmlns, type, content, to = 's.whatsapp.net') => ({ tag: 'iq', attrs: { id, xmlns, type, to }, content })
const bytes = (tag, b) => ({ tag, attrs: {}, content: Buffer.from(b) })
const childOf = (node, tag) => (Array.isArray(node?.content) ? node.content : []).find(n => n.tag === tag)

test('login: success carries the LID, prekeys are counted, uploaded, digested and each handed out once', async () => {
  const c = paired
  c.close()
  await c.connectForLogin(sim.wsUrl, sim.rootPublicKey)
  const success = await c.waitNode(n => n.tag === 'success')
  assert.ok(success, 'login answered with <success>')
  assert.match(success.attrs.lid, /^\d{15}:1@lid$/)
  const offline = await c.waitNode(n => n.tag === 'ib' && childOf(n, 'offline'))
  assert.equal(childOf(offline, 'offline').attrs.count, '0')

  c.send(iqOf('c1', 'encrypt', 'get', [{ tag: 'count', attrs: {} }]))
  assert.equal(childOf(await c.waitNode(n => n.attrs.id === 'c1'), 'count').attrs.value, '0')
  const identity = Buffer.from(c.creds.signedIdentityKey.public)
  const spk = c.creds.signedPreKey
  const pk = id => Buffer.alloc(32, id)
  c.send(iqOf('u1', 'encrypt', 'set', [
    bytes('registration', [0, 0, 0, 42]), bytes('type', [5]), bytes('identity', identity),
    { tag: 'list', attrs: {}, content: [1, 2].map(id => ({ tag: 'key', attrs: {}, content: [bytes('id', [0, 0, id]), bytes('value', pk(id))] })) },
    { tag: 'skey', attrs: {}, content: [bytes('id', [0, 0, spk.keyId]), bytes('value', spk.keyPair.public), bytes('signature', spk.signature)] }
  ]))
  assert.equal((await c.waitNode(n => n.attrs.id === 'u1')).attrs.type, 'result')
  c.send(iqOf('c2', 'encrypt', 'get', [{ tag: 'count', attrs: {} }]))
  assert.equal(childOf(await c.waitNode(n => n.attrs.id === 'c2'), 'count').attrs.value, '2')
  c.send(iqOf('d1', 'encrypt', 'get', [{ tag: 'digest', attrs: {} }]))
  const digest = childOf(await c.waitNode(n => n.attrs.id === 'd1'), 'digest')
  assert.equal(childOf(digest, 'hash').content.length, 20)
  assert.equal(childOf(digest, 'list').content.length, 2)

  const fetchBundle = async (id, jid) => {
    c.send(iqOf(id, 'encrypt', 'get', [{ tag: 'key', attrs: {}, content: [{ tag: 'user', attrs: { jid } }] }]))
    return childOf(childOf(await c.waitNode(n => n.attrs.id === id), 'list'), 'user')
  }
  const me = '15557770001:1@s.whatsapp.net'
  const b1 = await fetchBundle('k1', me)
  const b2 = await fetchBundle('k2', me.replace('15557770001', success.attrs.lid.split(':')[0]).replace('s.whatsapp.net', 'lid'))
  const b3 = await fetchBundle('k3', me)
  assert.deepEqual(Buffer.from(childOf(b1, 'identity').content), identity)
  assert.deepEqual(Buffer.from(childOf(b1, 'registration').content), Buffer.from([0, 0, 0, 42]))
  const idOf = b => Buffer.from(childOf(childOf(b, 'key'), 'id').content).readUIntBE(0, 3)
  assert.deepEqual([idOf(b1), idOf(b2)], [1, 2])
  assert.equal(childOf(b3, 'key'), undefined, 'no one-time prekey is handed out twice')
  // Running low, the owner is told once (until it uploads again) how many are left.
  const low = c.nodes.filter(n => n.tag === 'notification' && n.attrs.type === 'encrypt')
  assert.equal(low.length, 1)
  assert.equal(childOf(low[0], 'count').attrs.value, '1')
  assert.ok(childOf(b3, 'skey'), 'the signed prekey is always there')
  // Device 0 is the simulated phone: its identity is the account key that signed the pairing.
  const phone = await fetchBundle('k4', '15557770001@s.whatsapp.net')
  const acc = (await sim.get('/accounts')).body.accounts.find(a => a.phone === '15557770001')
  assert.equal(Buffer.from(childOf(phone, 'identity').content).toString('base64'), acc.accountKey)

  c.send(iqOf('s1', 'usync', 'get', [{
    tag: 'usync', attrs: { context: 'message', mode: 'query', sid: 's1', last: 'true', index: '0' },
    content: [{ tag: 'query', attrs: {}, content: [{ tag: 'devices', attrs: { version: '2' } }, { tag: 'lid', attrs: {} }] },
      { tag: 'list', attrs: {}, content: [{ tag: 'user', attrs: { jid: '15557770001@s.whatsapp.net' } }, { tag: 'user', attrs: { jid: '19998887777@s.whatsapp.net' } }] }]
  }]))
  const users = childOf(childOf(await c.waitNode(n => n.attrs.id === 's1'), 'usync'), 'list').content
  const devs = childOf(childOf(users[0], 'devices'), 'device-list').content.map(d => d.attrs)
  assert.deepEqual(devs, [{ id: '0' }, { id: '1', 'key-index': '1' }])
  assert.equal(childOf(users[0], 'lid').attrs.val, success.attrs.lid.replace(':1@', '@'))
  assert.equal(childOf(childOf(users[1], 'devices'), 'device-list').content.length, 0)
  c.close()
})

test('login with a noise key other than the paired one is refused with failure 401', async () => {
  const impostor = new RawClient()
  impostor.creds.me = { id: '15557770001:1@s.whatsapp.net' }
  await impostor.connectForLogin(sim.wsUrl, sim.rootPublicKey)
  const failure = await impostor.waitNode(n => n.tag === 'failure')
  assert.equal(failure?.attrs.reason, '401')
  impostor.close()
})

test('a pair-device-sign with a bad device signature is refused and no device is created', async () => {
  const { c, pairDevice } = await registered()
  const scan = sim.post('/scan', { qr: c.qrFor(pairDevice), phone: '15557770002' })
  const success = await c.waitNode(n => n.tag === 'iq' && n.content?.[0]?.tag === 'pair-success')
  // Check what the phone sent: the HMAC and account signature are made as a real phone makes them.
  const hmacMsg = proto.ADVSignedDeviceIdentityHMAC.decode(success.content[0].content[0].content)
  assert.equal(hmacMsg.hmac.length, 32)
  c.answerPairSuccess(success, { corruptDeviceSignature: true })
  const res = await scan
  assert.equal(res.status, 422)
  assert.match(res.body.error, /device signature does not verify/)
  const failure = await c.waitNode(n => n.tag === 'failure')
  assert.equal(failure?.attrs.reason, '401')
  const accounts = await sim.get('/accounts')
  const acc = accounts.body.accounts.find(a => a.phone === '15557770002')
  assert.equal(acc.devices.length, 0)
})

test('scan rejects a QR whose keys do not match the waiting connection, and unknown refs', async () => {
  const { c, pairDevice } = await registered()
  const parts = c.qrFor(pairDevice).split(',')
  const otherNoise = Buffer.alloc(32, 9).toString('base64')
  let res = await sim.post('/scan', { qr: [parts[0], otherNoise, ...parts.slice(2)].join(','), phone: '15557770003' })
  assert.equal(res.status, 400)
  assert.match(res.body.error, /noise key does not match/)
  res = await sim.post('/scan', { qr: ['2@unknown', ...parts.slice(1)].join(','), phone: '15557770003' })
  assert.equal(res.status, 404)
  res = await sim.post('/scan', { qr: 'a,b', phone: '15557770003' })
  assert.equal(res.status, 400)
  res = await sim.post('/scan', { qr: c.qrFor(pairDevice), phone: '+1 555' })
  assert.equal(res.status, 400)
  c.close()
})

test('control API answers bad input with clear errors and keeps running', async () => {
  const bad = await fetch(`${sim.controlUrl}/scan`, { method: 'POST', body: '{not json' })
  assert.equal(bad.status, 400)
  assert.match((await bad.json()).error, /not JSON/)
  const big = await fetch(`${sim.controlUrl}/scan`, { method: 'POST', body: JSON.stringify({ qr: 'x'.repeat(70000) }) })
  assert.equal(big.status, 413)
  assert.equal((await sim.post('/scan', { qr: 'x'.repeat(5000), phone: '15550009999' })).status, 400)
  assert.equal((await fetch(`${sim.controlUrl}/scan`, { method: 'POST', body: '[1,2]' })).status, 400)
  assert.equal((await sim.get('/nope')).status, 404)
  assert.equal((await sim.post('/fault/close', { jid: '1@s.whatsapp.net' })).status, 404)
  assert.equal((await sim.get('/health')).body.ok, true)
})

test('a stalled connection gets no ping answers until unstalled', async () => {
  const { c } = await registered()
  const conns = (await sim.get('/connections')).body.connections.filter(x => x.kind === 'registration')
  const conn = conns[conns.length - 1].id
  // Registration connections answer pings too (before pairing), so stall works there as well.
  await sim.post('/fault/stall', { conn, stalled: true })
  c.send({ tag: 'iq', attrs: { id: 'ping-1', to: 's.whatsapp.net', type: 'get', xmlns: 'w:p' }, content: [{ tag: 'ping', attrs: {} }] })
  // Send a second, differently-handled stanza and wait for its answer: by then ping-1 was processed.
  c.send({ tag: 'iq', attrs: { id: 'probe-1', to: 's.whatsapp.net', type: 'get', xmlns: 'encrypt' }, content: [{ tag: 'count', attrs: {} }] })
  assert.ok(await c.waitNode(n => n.attrs.id === 'probe-1'))
  assert.equal(c.nodes.find(n => n.attrs.id === 'ping-1'), undefined)
  await sim.post('/fault/stall', { conn, stalled: false })
  c.send({ tag: 'iq', attrs: { id: 'ping-2', to: 's.whatsapp.net', type: 'get', xmlns: 'w:p' }, content: [{ tag: 'ping', attrs: {} }] })
  assert.equal((await c.waitNode(n => n.attrs.id === 'ping-2'))?.attrs.type, 'result')
  c.close()
})
