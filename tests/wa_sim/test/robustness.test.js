// SPDX-License-Identifier: GPL-3.0-or-later
// Bad input on the WebSocket closes that one connection with a logged reason; the simulator keeps serving.
import test from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import WebSocket from 'ws'
import { SimProcess } from './support/harness.js'
import { RawClient } from './support/raw_client.js'
import { encodeFrame } from '../src/frame_reader.js'

let sim
test.before(async () => { sim = await SimProcess.start() })
test.after(async () => { await sim?.stop() })

/** Opens a socket, sends the given messages, resolves when the simulator closes it. */
async function sendAndAwaitClose (messages) {
  const ws = new WebSocket(sim.wsUrl)
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject) })
  const closed = new Promise(resolve => ws.once('close', resolve))
  for (const m of messages) ws.send(m)
  await closed
}

test('a non-WhatsApp intro header is refused', async () => {
  await sendAndAwaitClose([Buffer.from('GET / HTTP/1.1\r\n\r\n')])
})

test('a first frame that is not a ClientHello is refused', async () => {
  await sendAndAwaitClose([Buffer.concat([Buffer.from([0x57, 0x41, 6, 3]), encodeFrame(crypto.randomBytes(40))])])
  await sendAndAwaitClose([Buffer.concat([Buffer.from([0x57, 0x41, 6, 3]), encodeFrame(Buffer.from([0x12, 0x02, 0x0a, 0x00]))])])
})

test('an undecryptable frame after the handshake closes only that connection', async () => {
  const c = new RawClient()
  await c.connectForRegistration(sim.wsUrl, sim.rootPublicKey)
  c.ws.send(encodeFrame(crypto.randomBytes(64)))
  await c.waitNode(() => false, 5000) // resolves null as soon as the socket closes
  assert.equal(c.closed, true)
})

test('an encrypted frame that is not a binary node closes the connection', async () => {
  const c = new RawClient()
  await c.connectForRegistration(sim.wsUrl, sim.rootPublicKey)
  c.ws.send(c.noise.encodeFrame(Buffer.from([0x00, 0xff, 0xff, 0xff, 0x01])))
  await c.waitNode(() => false, 5000)
  assert.equal(c.closed, true)
})

test('after all that the simulator keeps serving, with no device and no leftover connection', async () => {
  assert.equal((await sim.get('/health')).body.ok, true)
  assert.deepEqual((await sim.get('/devices')).body.devices, [])
  const conns = (await sim.get('/connections')).body.connections
  assert.equal(conns.length, 0)
})
