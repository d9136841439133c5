// SPDX-License-Identifier: GPL-3.0-or-later
// One client WebSocket: Noise handshake, encrypted binary-node framing, trace, and fault hooks.
import { proto, encodeBinaryNode, decodeBinaryNode } from '@whiskeysockets/baileys'
import { FrameReader, encodeFrame } from './frame_reader.js'
import { NoiseResponder } from './noise_responder.js'

export const ConnState = Object.freeze({ UNSET: 0, HELLO: 1, FINISH: 2, OPEN: 3, CLOSED: 4 })

export class Connection {
  constructor ({ id, ws, sim, remote }) {
    this.id = id
    this.ws = ws
    this.sim = sim
    this.remote = remote
    this.state = ConnState.HELLO
    this.reader = new FrameReader()
    this.noise = null
    this.trace = sim.traces.open(id)
    this.kind = '' // 'registration' | 'login' once the ClientPayload arrived
    this.device = null // the Device once logged in
    this.registration = null // pairing data for a registration connection
    this.clientStatic = null
    this.pendingIq = new Map() // id -> {resolve, timer}
    this.stalled = false // fault injection: ignore pings
    this.openedAt = Date.now()
    this.queue = Promise.resolve() // serializes frame handling (decodeBinaryNode is async)
    ws.on('message', data => { this.queue = this.queue.then(() => this.onData(Buffer.from(data))) })
    ws.on('close', () => this.onClosed())
    ws.on('error', err => sim.log.warn('websocket error', { conn: id, error: err.message }))
  }

  async onData (data) {
    if (this.state === ConnState.CLOSED) return
    const { frames, error } = this.reader.push(data)
    if (error) return this.fail(`bad framing: ${error}`)
    for (const frame of frames) {
      try {
        await this.onFrame(frame)
      } catch (err) {
        // Exceptions stop here: a bad frame closes this connection, never the simulator.
        this.fail(`failed to handle frame: ${err.message}`)
        return
      }
      if (this.state === ConnState.CLOSED) return
    }
  }

  async onFrame (frame) {
    switch (this.state) {
      case ConnState.HELLO: {
        const hs = proto.HandshakeMessage.decode(frame)
        if (!hs.clientHello?.ephemeral) throw new Error('first frame is not a ClientHello')
        this.noise = new NoiseResponder({ staticKeyPair: this.sim.serverStatic, certChain: this.sim.certChain, prologue: this.reader.prologue })
        const serverHello = this.noise.onClientHello(Buffer.from(hs.clientHello.ephemeral))
        this.sendRawFrame(proto.HandshakeMessage.encode({ serverHello }).finish())
        this.state = ConnState.FINISH
        return
      }
      case ConnState.FINISH: {
        const hs = proto.HandshakeMessage.decode(frame)
        if (!hs.clientFinish) throw new Error('second frame is not a ClientFinish')
        const { clientStatic, payload } = this.noise.onClientFinish(hs.clientFinish.static, hs.clientFinish.payload)
        this.clientStatic = clientStatic
        this.state = ConnState.OPEN
        const clientPayload = proto.ClientPayload.decode(payload)
        await this.sim.onClientPayload(this, clientPayload)
        return
      }
      case ConnState.OPEN: {
        const plain = this.noise.decrypt(frame)
        const node = await decodeBinaryNode(plain)
        this.trace.node('recv', node)
        this.sim.stats.stanzasIn++
        if (node.tag === 'iq' && (node.attrs.type === 'result' || node.attrs.type === 'error') && this.pendingIq.has(node.attrs.id)) {
          const waiter = this.pendingIq.get(node.attrs.id)
          this.pendingIq.delete(node.attrs.id)
          clearTimeout(waiter.timer)
          waiter.resolve(node)
          return
        }
        await this.sim.onStanza(this, node)
      }
    }
  }

  /** Sends one binary node (encrypted). Returns false when the socket is gone. */
  sendNode (node) {
    if (this.state !== ConnState.OPEN || this.ws.readyState !== 1) return false
    this.trace.node('send', node)
    this.sim.stats.stanzasOut++
    const enc = this.noise.encrypt(Buffer.from(encodeBinaryNode(node)))
    this.ws.send(encodeFrame(enc))
    return true
  }

  /** Sends an iq and waits for the client's result/error with the same id. */
  query (node, timeoutMs = 10000) {
    return new Promise(resolve => {
      const id = node.attrs.id
      const timer = setTimeout(() => {
        this.pendingIq.delete(id)
        resolve(null)
      }, timeoutMs)
      this.pendingIq.set(id, { resolve, timer })
      if (!this.sendNode(node)) {
        clearTimeout(timer)
        this.pendingIq.delete(id)
        resolve(null)
      }
    })
  }

  sendRawFrame (payload) {
    if (this.ws.readyState === 1) this.ws.send(encodeFrame(Buffer.from(payload)))
  }

  /** Fault injection: a frame that decrypts to nothing valid. */
  sendGarbage (bytes) {
    this.trace.note(`garbage frame of ${bytes.length} bytes`)
    this.sendRawFrame(bytes)
  }

  /** Sends <stream:error> then closes, as the real server does. */
  streamError (attrs, child) {
    this.sendNode({ tag: 'stream:error', attrs, content: child ? [child] : undefined })
    this.close(`stream:error ${JSON.stringify(attrs)}${child ? ' ' + child.tag : ''}`)
  }

  fail (reason) {
    this.sim.log.warn('closing connection', { conn: this.id, reason })
    this.close(reason)
  }

  close (reason = 'closed by simulator') {
    if (this.state === ConnState.CLOSED) return
    this.trace.note(`close: ${reason}`)
    this.state = ConnState.CLOSED
    try { this.ws.close() } catch { /* already closing */ }
    // Terminate shortly after if the peer does not complete the close handshake.
    setTimeout(() => { try { this.ws.terminate() } catch { /* gone */ } }, 1000).unref()
    this.onClosed()
  }

  onClosed () {
    if (this.closedHandled) return
    this.closedHandled = true
    this.state = ConnState.CLOSED
    for (const { resolve, timer } of this.pendingIq.values()) { clearTimeout(timer); resolve(null) }
    this.pendingIq.clear()
    this.sim.onConnectionClosed(this)
    this.trace.close()
  }

  summary () {
    return {
      id: this.id,
      kind: this.kind,
      state: Object.keys(ConnState).find(k => ConnState[k] === this.state),
      jid: this.device?.pnJid,
      lid: this.device?.lidJid,
      stalled: this.stalled,
      openedAt: new Date(this.openedAt).toISOString(),
      traceFile: this.trace.file
    }
  }
}
