// SPDX-License-Identifier: GPL-3.0-or-later
// The simulated WhatsApp server: WebSocket endpoint, login, stanza dispatch, delivery and offline queues.
import http from 'node:http'
import crypto from 'node:crypto'
import { WebSocketServer } from 'ws'
import { jidDecode } from '@whiskeysockets/baileys'
import { AccountStore } from './account_store.js'
import { buildCertChain, DEFAULT_ROOT_SEED } from './cert_chain.js'
import { Connection } from './connection.js'
import { GroupStore } from './group_store.js'
import { IqHandlers } from './iq_handlers.js'
import { keyPairFromSeed } from './keys.js'
import { MediaHost } from './media_host.js'
import { MessageRelay } from './message_relay.js'
import { Pairing } from './pairing.js'
import { PresenceRelay } from './presence_relay.js'
import { TraceWriter, makeLogger } from './trace_writer.js'

const MAX_WS_MESSAGE_BYTES = 16 * 1024 * 1024
const RELAY_LOG_LIMIT = 2000

export class Simulator {
  /** nowMs is the clock the QR ref lifetimes use (tests pass a fake one). */
  constructor ({ rootSeed = DEFAULT_ROOT_SEED, traceDir = null, logger = makeLogger(), nowMs = Date.now } = {}) {
    this.nowMs = nowMs
    this.rootSeed = rootSeed
    this.log = logger
    this.traces = new TraceWriter(traceDir)
    this.rootKey = keyPairFromSeed(rootSeed)
    // The server static key is derived too: a pinned client sees the same chain in every run.
    this.serverStatic = keyPairFromSeed(`${rootSeed}/server-static`)
    this.certChain = buildCertChain({ rootSeed, serverStaticPub: this.serverStatic.public })
    this.accounts = new AccountStore({ rootSeed })
    this.groups = new GroupStore(this)
    this.pairing = new Pairing(this)
    this.iq = new IqHandlers(this)
    this.relay = new MessageRelay(this)
    this.presence = new PresenceRelay(this)
    this.media = new MediaHost(this)
    this.connections = new Map() // id -> Connection
    this.devicesByNoiseKey = new Map() // b64(noise pub) -> Device
    this.nextConnId = 1
    this.idCounter = 0
    this.idPrefix = crypto.randomBytes(3).toString('hex').toUpperCase()
    this.settings = { groupAddressingMode: 'pn' }
    this.stats = {
      stanzasIn: 0,
      stanzasOut: 0,
      connections: 0,
      logins: 0,
      pairings: 0,
      relayed: { pkmsg: 0, msg: 0, skmsg: 0, other: 0 },
      duplicatesDropped: 0,
      droppedToPrimaryPhone: 0,
      receipts: {},
      offlineFlushed: 0,
      chatstates: 0,
      mediaUploads: 0,
      mediaDownloads: 0
    }
    this.relayLog = []
  }

  nextId () {
    return `${this.idPrefix}.${++this.idCounter}`
  }

  async start ({ port = 0, host = '127.0.0.1' } = {}) {
    await this.media.start({ host })
    this.httpServer = http.createServer((req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' })
      res.end('wa-sim: websocket endpoint is /ws/chat\n')
    })
    this.wss = new WebSocketServer({ server: this.httpServer, path: '/ws/chat', maxPayload: MAX_WS_MESSAGE_BYTES })
    this.wss.on('connection', (ws, req) => this.onWebSocket(ws, req))
    await new Promise((resolve, reject) => {
      this.httpServer.once('error', reject)
      this.httpServer.listen(port, host, resolve)
    })
    this.port = this.httpServer.address().port
    this.wsUrl = `ws://${host}:${this.port}/ws/chat`
    return this
  }

  async stop () {
    for (const conn of this.connections.values()) conn.close('simulator stopping')
    if (this.wss) {
      for (const ws of this.wss.clients) ws.terminate()
      await new Promise(resolve => this.wss.close(() => resolve()))
    }
    if (this.httpServer) await new Promise(resolve => this.httpServer.close(() => resolve()))
    await this.media.stop()
  }

  onWebSocket (ws, req) {
    const id = this.nextConnId++
    const conn = new Connection({ id, ws, sim: this, remote: req.socket.remoteAddress })
    this.connections.set(id, conn)
    this.stats.connections++
    this.log.debug('connection opened', { conn: id })
  }

  onConnectionClosed (conn) {
    this.connections.delete(conn.id)
    this.pairing.forgetConnection(conn)
    if (conn.device && conn.device.connection === conn) {
      conn.device.connection = null
      this.presence.onDeviceOffline(conn.device)
    }
    this.log.debug('connection closed', { conn: conn.id, jid: conn.device?.pnJid })
  }

  registerDeviceNoiseKey (device) {
    this.devicesByNoiseKey.set(device.noisePub.toString('base64'), device)
    this.stats.pairings++
  }

  /** Called with the decrypted ClientPayload at the end of the handshake. */
  async onClientPayload (conn, payload) {
    if (payload.username !== null && payload.username !== undefined && Number(payload.username) > 0) {
      return this.login(conn, payload)
    }
    const reg = payload.devicePairingData
    if (reg?.eIdent && reg?.eSkeyVal) {
      const identityPub = Buffer.from(reg.eIdent)
      if (identityPub.length !== 32) return this.refuse(conn, '400', 'registration identity key is not 32 bytes')
      conn.kind = 'registration'
      conn.registration = {
        identityPub,
        registrationId: Buffer.from(reg.eRegid || []).length === 4 ? Buffer.from(reg.eRegid).readUInt32BE(0) : 0,
        signedPreKey: {
          id: readUIntBE(reg.eSkeyId),
          pub: Buffer.from(reg.eSkeyVal),
          signature: Buffer.from(reg.eSkeySig || [])
        },
        platform: String(payload.userAgent?.platform ?? '')
      }
      this.pairing.issueRefs(conn)
      return
    }
    return this.refuse(conn, '400', 'client payload is neither a login nor a registration')
  }

  login (conn, payload) {
    conn.kind = 'login'
    const phone = String(payload.username)
    const account = this.accounts.byPhone.get(phone)
    const device = account?.devices.get(Number(payload.device))
    if (!device || !device.noisePub) return this.refuse(conn, '401', `no paired device ${phone}:${payload.device}`)
    if (!device.noisePub.equals(conn.clientStatic)) return this.refuse(conn, '401', `noise key of ${device.pnJid} does not match the paired key`)
    if (device.connection && device.connection !== conn) {
      // A second login of the same device replaces the first, as the real server does.
      device.connection.streamError({}, { tag: 'conflict', attrs: { type: 'replaced' } })
    }
    device.connection = conn
    device.loggedInCount++
    conn.device = device
    this.stats.logins++
    const now = Math.floor(Date.now() / 1000)
    conn.sendNode({
      tag: 'success',
      attrs: {
        t: String(now),
        lid: device.lidJid,
        props: '1',
        abprops: '1',
        location: 'sim',
        creation: String(account.createdAt),
        display_name: ''
      }
    })
    // Flush what arrived while the device was away, then tell the client how many that was.
    const queued = device.offlineQueue.splice(0)
    for (const node of queued) conn.sendNode(node)
    this.stats.offlineFlushed += queued.length
    conn.sendNode({ tag: 'ib', attrs: { from: 's.whatsapp.net' }, content: [{ tag: 'offline', attrs: { count: String(queued.length) } }] })
    this.log.info('device logged in', { jid: device.pnJid, conn: conn.id, offline: queued.length })
  }

  refuse (conn, reason, why) {
    this.log.warn('login refused', { conn: conn.id, reason, why })
    conn.trace.note(`refused: ${why}`)
    conn.sendNode({ tag: 'failure', attrs: { reason, location: 'sim' } })
    conn.close(`refused: ${why}`)
  }

  async onStanza (conn, node) {
    if (conn.kind === 'registration') {
      // Before pairing completes only iq results and the unified_session ib are meaningful.
      if (node.tag === 'iq') return this.iq.handle(conn, node)
      return
    }
    if (!conn.device) return
    switch (node.tag) {
      case 'iq': return this.iq.handle(conn, node)
      case 'message': return this.relay.onMessage(conn, node)
      case 'receipt': return this.relay.onReceipt(conn, node)
      case 'presence': return this.presence.onPresence(conn, node)
      case 'chatstate': return this.presence.onChatstate(conn, node)
      case 'ack': return // client acks of our deliveries: nothing is kept waiting on them
      case 'ib': return
      case 'call':
        conn.sendNode({ tag: 'ack', attrs: { id: node.attrs.id, class: 'call', from: node.attrs.to || 's.whatsapp.net' } })
        return
      default:
        this.log.debug('unhandled stanza', { tag: node.tag, conn: conn.id })
    }
  }

  /** Sends a stanza to a device now, or queues it until the device logs in again. */
  deliver (device, node) {
    if (device.connection && device.connection.sendNode(node)) return true
    device.enqueue(node)
    return false
  }

  /** Resolves a PN/LID jid to {account, deviceId|undefined, mode}. */
  resolveJid (jid) {
    const d = typeof jid === 'string' ? jidDecode(jid) : undefined
    if (!d || !d.user) return null
    const mode = d.server === 'lid' ? 'lid' : d.server === 's.whatsapp.net' ? 'pn' : null
    if (!mode) return null
    const account = this.accounts.find(d.user, d.server)
    if (!account) return null
    return { account, deviceId: d.device, mode }
  }

  /**
   * Tells the account's own devices, and the accounts that fetched its device list, that a device
   * came or went (so their cached device lists stay right).
   */
  notifyDevicesChanged (account, change, device) {
    const t = String(Math.floor(Date.now() / 1000))
    const hash = `2:${crypto.createHash('sha256').update([...account.devices.keys()].join(',')).digest('base64').slice(0, 8)}`
    const forms = [['pn', account.pnJid], ['lid', account.lidJid]]
    const audience = [account, ...[...account.deviceWatchers].map(p => this.accounts.byPhone.get(p)).filter(Boolean)]
    for (const other of audience) {
      for (const target of other.devices.values()) {
        if (target === device || !target.noisePub) continue
        if (!target.online && other !== account) continue // peers re-query devices at their next send
        for (const [mode, from] of forms) {
          const deviceNode = { tag: 'device', attrs: { jid: device.jid(mode) } }
          if (change === 'add') deviceNode.attrs['key-index'] = String(device.keyIndex)
          this.deliver(target, {
            tag: 'notification',
            attrs: { from, id: this.nextId(), t, type: 'devices' },
            content: [{ tag: change, attrs: { device_hash: hash }, content: [deviceNode] }]
          })
        }
      }
    }
  }

  /** Removes a companion (logout from phone or companion); closes its socket with the given stanza. */
  removeDevice (device, { streamError } = {}) {
    const account = device.account
    if (!account.devices.has(device.id)) return false
    account.devices.delete(device.id)
    if (device.noisePub) this.devicesByNoiseKey.delete(device.noisePub.toString('base64'))
    const conn = device.connection
    device.connection = null
    if (conn) {
      if (streamError) conn.streamError(streamError.attrs, streamError.child)
      else conn.close('device removed')
    }
    this.notifyDevicesChanged(account, 'remove', device)
    this.log.info('device removed', { jid: device.pnJid })
    return true
  }

  recordRelay (entry) {
    this.relayLog.push({ t: Date.now(), ...entry })
    if (this.relayLog.length > RELAY_LOG_LIMIT) this.relayLog.shift()
  }

  /** Finds the live connection for a device jid (PN or LID) or a connection id. */
  findConnection ({ jid, conn }) {
    if (conn !== undefined) return this.connections.get(Number(conn)) || null
    const r = this.resolveJid(jid)
    if (!r) return null
    const device = r.account.devices.get(r.deviceId ?? -1)
    return device?.connection || null
  }
}

function readUIntBE (bytes) {
  const b = Buffer.from(bytes || [])
  let n = 0
  for (const x of b) n = n * 256 + x
  return n
}
