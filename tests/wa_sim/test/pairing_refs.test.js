// SPDX-License-Identifier: GPL-3.0-or-later
// QR ref rotation and expiry on a fake clock, with an in-process simulator and a stand-in connection.
import test from 'node:test'
import assert from 'node:assert/strict'
import { Simulator } from '../src/simulator.js'
import { generateKeyPair } from '../src/keys.js'

const quiet = { debug () {}, info () {}, warn () {}, error () {} }

/** A stand-in for a registration connection: records what the simulator sends, never answers. */
function fakeRegistrationConnection () {
  const noise = generateKeyPair()
  const identity = generateKeyPair()
  return {
    sent: [],
    notes: [],
    clientStatic: noise.public,
    registration: { identityPub: identity.public, registrationId: 1, signedPreKey: null, platform: '' },
    trace: { note (t) { this.notes?.push(t) } },
    sendNode (node) { this.sent.push(node); return true },
    query (node) { this.sent.push(node); return Promise.resolve(null) },
    close () { this.closed = true }
  }
}

function qrFor (conn, ref) {
  return [ref, conn.clientStatic.toString('base64'), conn.registration.identityPub.toString('base64'), Buffer.alloc(32, 1).toString('base64'), '1'].join(',')
}

test('QR refs rotate: the first lives 60 s, later ones 20 s each; an expired ref is refused with 410', async () => {
  let now = 1_000_000
  const sim = new Simulator({ logger: quiet, nowMs: () => now })
  const conn = fakeRegistrationConnection()
  sim.pairing.issueRefs(conn)
  const refs = conn.sent[0].content[0].content.map(r => Buffer.from(r.content).toString())
  assert.equal(refs.length, 6)
  assert.equal(new Set(refs).size, 6)
  assert.ok(refs.every(r => r.startsWith('2@')))

  now += 70_000 // ref 0 is past its 60 s (plus 5 s grace); ref 1 (shown from 60 s to 80 s) is current
  const expired = await sim.pairing.scan({ qr: qrFor(conn, refs[0]), phone: '15551230000' })
  assert.deepEqual([expired.ok, expired.status], [false, 410])
  // Ref 1 is accepted: the phone sends pair-success; the stand-in never answers, so it times out.
  const fresh = await sim.pairing.scan({ qr: qrFor(conn, refs[1]), phone: '15551230000' })
  assert.equal(fresh.status, 422)
  assert.match(fresh.error, /no reply to pair-success/)
  assert.equal(conn.sent[1].content[0].tag, 'pair-success')
  // A used ref cannot be scanned again.
  const again = await sim.pairing.scan({ qr: qrFor(conn, refs[1]), phone: '15551230000' })
  assert.equal(again.status, 409)
  now += 200_000
  const late = await sim.pairing.scan({ qr: qrFor(conn, refs[5]), phone: '15551230000' })
  assert.equal(late.status, 410)
})
