// SPDX-License-Identifier: GPL-3.0-or-later
// Peer driver: runs one real Baileys client against the simulator, driven by JSON lines on stdin/stdout.
import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import readline from 'node:readline'
import zlib from 'node:zlib'

const MAX_LIFETIME_MS = Number(process.env.WA_PEER_MAX_LIFETIME_MS || 15 * 60 * 1000)
const MAX_LINE_CHARS = 16 * 1024 * 1024

function parseArgs (argv) {
  const o = { sim: '', ws: '', authDir: '', logLevel: 'warn', rootKey: '', keepAliveMs: 30000 }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const v = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`)
      return argv[++i]
    }
    if (a === '--sim') o.sim = v()
    else if (a === '--ws') o.ws = v()
    else if (a === '--auth-dir') o.authDir = v()
    else if (a === '--log-level') o.logLevel = v()
    else if (a === '--root-key') o.rootKey = v()
    else if (a === '--keepalive-ms') {
      o.keepAliveMs = Number(v())
      if (!Number.isInteger(o.keepAliveMs) || o.keepAliveMs < 100) throw new Error('--keepalive-ms must be an integer >= 100')
    }
    else throw new Error(`unknown argument ${a}`)
  }
  if (!o.sim || !o.ws || !o.authDir) throw new Error('usage: wa-peer.js --sim <controlUrl> --ws <wsUrl> --auth-dir DIR [--log-level L] [--root-key B64] [--keepalive-ms N]')
  return o
}

function emit (obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

let opts
try {
  opts = parseArgs(process.argv.slice(2))
} catch (err) {
  process.stderr.write(`wa-peer: ${err.message}\n`)
  process.exit(2)
}

// Baileys fetches media with Node's built-in fetch over https://, which trusts only the CA store:
// the simulator's self-signed cert must be in NODE_EXTRA_CA_CERTS before Node starts, so re-exec.
const info = await fetch(`${opts.sim}/info`).then(r => r.json()).catch(err => ({ error: err.message }))
if (info.error) {
  process.stderr.write(`wa-peer: cannot reach the simulator control API ${opts.sim}: ${info.error}\n`)
  process.exit(1)
}
if (process.env.NODE_EXTRA_CA_CERTS !== info.mediaCaFile) {
  const child = spawn(process.execPath, process.argv.slice(1), { stdio: 'inherit', env: { ...process.env, NODE_EXTRA_CA_CERTS: info.mediaCaFile } })
  for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => child.kill(sig))
  child.on('exit', (code, sig) => process.exit(code ?? (sig ? 1 : 0)))
} else {
  await runPeer()
}

async function runPeer () {
  const baileys = await import('@whiskeysockets/baileys')
  const { default: makeWASocket, WA_CERT_DETAILS, useMultiFileAuthState, makeCacheableSignalKeyStore, Browsers, DisconnectReason, downloadMediaMessage, getContentType, jidNormalizedUser } = baileys
  const { proto, encryptedStream } = baileys
  const { default: pino } = await import('pino')

  fs.mkdirSync(opts.authDir, { recursive: true })
  // Pin the simulator's root: Baileys' own verify is lenient, but a pinned root is what a strict client needs.
  WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(opts.rootKey || info.rootPublicKey, 'base64')
  const logger = pino({ level: opts.logLevel }, pino.destination({ dest: path.join(opts.authDir, 'baileys.log'), sync: false }))

  const state = {
    sock: null,
    connection: 'close',
    qr: null,
    intentionalClose: false,
    lastClose: null,
    messages: new Map(), // id -> WAMessage (sent and received), for replies, downloads and retries
    events: [], // every event emitted, for waiters that start late
    waiters: new Set()
  }
  const { state: auth, saveCreds } = await useMultiFileAuthState(opts.authDir)

  // Every event gets a sequence number so waits can ask for events after a point.
  let seq = 0
  let closeMark = 0
  const record = (raw) => {
    const ev = { seq: ++seq, ...raw }
    state.events.push(ev)
    if (state.events.length > 10000) state.events.shift()
    emit(ev)
    for (const w of [...state.waiters]) {
      if (w.match(ev)) { state.waiters.delete(w); clearTimeout(w.timer); w.resolve(ev) }
    }
  }

  const waitFor = (match, timeoutMs = 20000, what = 'event') => {
    const past = state.events.find(match)
    if (past) return Promise.resolve(past)
    return new Promise((resolve, reject) => {
      const w = { match, resolve }
      w.timer = setTimeout(() => { state.waiters.delete(w); reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)) }, timeoutMs)
      state.waiters.add(w)
    })
  }

  const describe = (m) => {
    const msg = m.message || {}
    const type = getContentType(msg)
    const inner = msg[type] || {}
    const ctx = inner.contextInfo || {}
    return {
      event: 'message',
      id: m.key.id,
      chat: m.key.remoteJid,
      chatAlt: m.key.remoteJidAlt,
      from: m.key.fromMe ? 'me' : (m.key.participant || m.key.remoteJid),
      participantAlt: m.key.participantAlt,
      fromMe: !!m.key.fromMe,
      pushName: m.pushName,
      addressingMode: m.key.addressingMode,
      type: type === 'conversation' || type === 'extendedTextMessage' ? 'text' : (type || 'unknown').replace(/Message$/, ''),
      text: msg.conversation || msg.extendedTextMessage?.text || inner.caption || undefined,
      mentions: ctx.mentionedJid?.length ? ctx.mentionedJid : undefined,
      quotedId: ctx.stanzaId || undefined,
      quotedText: ctx.quotedMessage ? (ctx.quotedMessage.conversation || ctx.quotedMessage.extendedTextMessage?.text) : undefined,
      mimetype: inner.mimetype || undefined,
      fileName: inner.fileName || undefined,
      fileLength: inner.fileLength ? Number(inner.fileLength) : undefined
    }
  }

  const STATUS = ['error', 'pending', 'server_ack', 'delivered', 'read', 'played']

  const connect = () => {
    state.intentionalClose = false
    const sock = makeWASocket({
      waWebSocketUrl: opts.ws,
      auth: { creds: auth.creds, keys: makeCacheableSignalKeyStore(auth.keys, logger) },
      logger,
      browser: Browsers.ubuntu('Chrome'),
      markOnlineOnConnect: false,
      keepAliveIntervalMs: opts.keepAliveMs,
      // The simulated phone never pushes history, so do not wait for it.
      shouldSyncHistoryMessage: () => false,
      getMessage: async key => state.messages.get(key.id)?.message
    })
    state.sock = sock
    sock.ev.on('creds.update', saveCreds)
    sock.ev.on('connection.update', u => {
      if (state.sock !== sock) return
      if (u.qr) {
        state.qr = u.qr
        record({ event: 'connection', connection: 'qr', qr: u.qr })
      }
      if (u.isNewLogin) record({ event: 'connection', connection: 'paired' })
      if (u.connection === 'open') {
        state.connection = 'open'
        state.qr = null
        record({ event: 'connection', connection: 'open', jid: sock.user?.id, lid: sock.user?.lid })
      }
      if (u.connection === 'close') {
        state.connection = 'close'
        const statusCode = u.lastDisconnect?.error?.output?.statusCode
        state.lastClose = statusCode
        record({ event: 'connection', connection: 'close', statusCode, reason: u.lastDisconnect?.error?.message })
        const terminal = statusCode === DisconnectReason.loggedOut || statusCode === DisconnectReason.connectionReplaced
        if (!state.intentionalClose && !terminal) {
          // 515 after pairing (and transient drops): Baileys leaves reconnecting to the application.
          setTimeout(() => { if (state.sock === sock && !state.intentionalClose) connect() }, statusCode === DisconnectReason.restartRequired ? 0 : 250)
        }
      }
    })
    sock.ev.on('messages.upsert', ({ messages }) => {
      for (const m of messages) {
        // A message Baileys could not decrypt arrives as a CIPHERTEXT stub without content: report it,
        // so tests can assert that none happened (stub type 2; the parameter is the error, e.g. "Bad MAC").
        if (m.messageStubType === 2 && m.key?.id) {
          record({ event: 'undecryptable', id: m.key.id, chat: m.key.remoteJid, from: m.key.participant || m.key.remoteJid, reason: m.messageStubParameters?.[0] })
        }
        if (!m.message || !m.key?.id) continue
        state.messages.set(m.key.id, m)
        if (m.key.fromMe) {
          // Baileys' event buffer can fold a receipt into the upsert of our own message.
          if (m.status >= 3) record({ event: 'receipt', id: m.key.id, chat: m.key.remoteJid, from: m.key.remoteJid, status: STATUS[m.status] })
          continue
        }
        record(describe(m))
      }
    })
    sock.ev.on('messages.update', updates => {
      for (const { key, update } of updates) {
        if (update.status === undefined || update.status === null) continue
        record({ event: 'receipt', id: key.id, chat: key.remoteJid, from: key.participant || key.remoteJid, status: STATUS[update.status] || String(update.status) })
      }
    })
    sock.ev.on('message-receipt.update', updates => {
      for (const { key, receipt } of updates) {
        record({ event: 'receipt', id: key.id, chat: key.remoteJid, from: receipt.userJid, status: receipt.readTimestamp ? 'read' : 'delivered' })
      }
    })
    sock.ev.on('presence.update', ({ id, presences }) => {
      for (const [who, p] of Object.entries(presences)) record({ event: 'presence', chat: id, from: who, state: p.lastKnownPresence })
    })
    sock.ev.on('group-participants.update', u => {
      record({ event: 'group-participants', jid: u.id, action: u.action, author: u.author, participants: u.participants.map(p => (typeof p === 'string' ? p : p.id)) })
    })
    sock.ev.on('groups.update', updates => {
      for (const u of updates) if (u.subject !== undefined) record({ event: 'group-update', jid: u.id, subject: u.subject, author: u.author })
    })
    sock.ev.on('groups.upsert', groups => {
      for (const g of groups) record({ event: 'group', jid: g.id, subject: g.subject, addressingMode: g.addressingMode, participants: g.participants.map(p => p.id) })
    })
    return sock
  }

  const requireOpen = () => {
    if (!state.sock || state.connection !== 'open') throw new Error('not connected (run connect/pair and wait for open)')
    return state.sock
  }

  const simPost = async (route, body) => {
    const res = await fetch(`${opts.sim}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const json = await res.json().catch(() => ({}))
    if (!res.ok) throw new Error(`simulator ${route} answered ${res.status}: ${json.error || 'no detail'}`)
    return json
  }

  const quotedFor = (id) => {
    const q = state.messages.get(id)
    if (!q) throw new Error(`no message ${id} known to quote`)
    return q
  }

  // Baileys only sends peer messages to device 0 (the phone); this sends one to another of our
  // devices like a retry resend does: one <enc> for that device, in a DeviceSentMessage since it is ours.
  const sendPeerProtocol = async (toDevice, protocolMessage) => {
    const sock = requireOpen()
    if (!toDevice) throw new Error('toDevice (a device JID of our own account) is required')
    await sock.assertSessions([toDevice], false)
    const id = await sock.relayMessage(jidNormalizedUser(sock.user.id), { protocolMessage }, {
      participant: { jid: toDevice, count: 0 },
      additionalAttributes: { category: 'peer' }
    })
    return { id }
  }

  const sent = (m) => {
    state.messages.set(m.key.id, m)
    return { id: m.key.id, chat: m.key.remoteJid }
  }

  const commands = {
    async connect () {
      if (!state.sock || state.connection === 'close') connect()
      return { registered: !!auth.creds.me, me: auth.creds.me || null }
    },
    async waitQr ({ timeout_ms: t = 20000 }) {
      if (!state.sock) connect()
      // The QR rotates: hand out the one shown now.
      if (!state.qr) await waitFor(e => e.event === 'connection' && e.connection === 'qr', t, 'a QR')
      return { qr: state.qr }
    },
    async pair ({ phone, timeout_ms: t = 30000 }) {
      if (!phone) throw new Error('pair needs "phone"')
      if (auth.creds.me) throw new Error(`already paired as ${auth.creds.me.id}`)
      if (!state.sock) connect()
      if (!state.qr) await waitFor(e => e.event === 'connection' && e.connection === 'qr', t, 'a QR')
      const scan = await simPost('/scan', { qr: state.qr, phone })
      await waitFor(e => e.event === 'connection' && e.connection === 'open', t, 'the login after pairing')
      return { jid: scan.jid, lid: scan.lid, keyIndex: scan.keyIndex }
    },
    async waitOpen ({ timeout_ms: t = 20000 }) {
      if (state.connection === 'open') return { jid: state.sock.user?.id, lid: state.sock.user?.lid }
      await new Promise((resolve, reject) => {
        const w = { match: e => e.event === 'connection' && e.connection === 'open', resolve }
        w.timer = setTimeout(() => { state.waiters.delete(w); reject(new Error(`not open within ${t} ms`)) }, t)
        state.waiters.add(w)
      })
      return { jid: state.sock.user?.id, lid: state.sock.user?.lid }
    },
    async waitConnection ({ connection, statusCode, timeout_ms: t = 20000, after = 0 }) {
      const ev = await waitFor(e => e.event === 'connection' && (!connection || e.connection === connection) &&
        (statusCode === undefined || e.statusCode === statusCode) && e.seq >= after, t, `connection ${connection || ''} ${statusCode ?? ''}`)
      return ev
    },
    async me () {
      return { jid: state.sock?.user?.id || auth.creds.me?.id || null, lid: state.sock?.user?.lid || auth.creds.me?.lid || null, connection: state.connection, lastClose: state.lastClose }
    },
    async sendText ({ to, text, mentions, quotedId }) {
      const sock = requireOpen()
      const content = { text: String(text ?? '') }
      if (mentions) content.mentions = mentions
      const m = await sock.sendMessage(to, content, quotedId ? { quoted: quotedFor(quotedId) } : {})
      return sent(m)
    },
    async sendMedia ({ to, kind = 'document', file, dataBase64, mimetype, fileName, caption }) {
      const sock = requireOpen()
      const data = file ? fs.readFileSync(file) : Buffer.from(dataBase64 || '', 'base64')
      if (data.length === 0) throw new Error('sendMedia needs "file" or "dataBase64" with content')
      let content
      if (kind === 'image') content = { image: data, mimetype: mimetype || 'image/png', caption }
      else if (kind === 'document') content = { document: data, mimetype: mimetype || 'application/octet-stream', fileName: fileName || 'file.bin', caption }
      else if (kind === 'video') content = { video: data, mimetype: mimetype || 'video/mp4', caption }
      else if (kind === 'audio') content = { audio: data, mimetype: mimetype || 'audio/ogg' }
      else throw new Error(`unknown media kind ${kind}`)
      const m = await sock.sendMessage(to, content)
      return { ...sent(m), sha256: crypto.createHash('sha256').update(data).digest('hex'), size: data.length }
    },
    async download ({ messageId: id, file }) {
      const m = state.messages.get(id)
      if (!m) throw new Error(`no message ${id}`)
      const data = await downloadMediaMessage(m, 'buffer', {}, { logger, reuploadRequest: state.sock.updateMediaMessage })
      const out = file || path.join(opts.authDir, `download-${id}`)
      fs.writeFileSync(out, data)
      return { file: out, size: data.length, sha256: crypto.createHash('sha256').update(data).digest('hex') }
    },
    async createGroup ({ subject, participants }) {
      const sock = requireOpen()
      const g = await sock.groupCreate(String(subject || 'group'), participants || [])
      return { jid: g.id, subject: g.subject, addressingMode: g.addressingMode, participants: g.participants.map(p => p.id) }
    },
    async groupMetadata ({ jid }) {
      const g = await requireOpen().groupMetadata(jid)
      return { jid: g.id, subject: g.subject, addressingMode: g.addressingMode, participants: g.participants.map(p => ({ id: p.id, admin: p.admin, phoneNumber: p.phoneNumber, lid: p.lid })) }
    },
    async groupParticipants ({ jid, action, participants }) {
      if (!['add', 'remove', 'promote', 'demote'].includes(action)) throw new Error('action must be add, remove, promote or demote')
      const res = await requireOpen().groupParticipantsUpdate(jid, participants || [], action)
      return { results: res.map(r => ({ jid: r.jid, status: r.status })) }
    },
    async groupSubject ({ jid, subject }) {
      await requireOpen().groupUpdateSubject(jid, String(subject || ''))
      return { ok: true }
    },
    async groupLeave ({ jid }) {
      await requireOpen().groupLeave(jid)
      return { ok: true }
    },
    async waitGroupEvent ({ jid, kind, action, timeout_ms: t = 20000 }) {
      return waitFor(e => (e.event === 'group-participants' || e.event === 'group-update') && (!jid || e.jid === jid) &&
        (!kind || e.event === kind) && (!action || e.action === action), t, `a group ${kind || 'event'} ${action || ''} for ${jid || 'any group'}`)
    },
    async groups () {
      const all = await requireOpen().groupFetchAllParticipating()
      return { groups: Object.values(all).map(g => ({ jid: g.id, subject: g.subject, addressingMode: g.addressingMode, size: g.size })) }
    },
    async waitMessage ({ from, chat, text, messageId: id, type, timeout_ms: t = 20000 }) {
      const norm = j => j && jidNormalizedUser(j)
      return waitFor(e => e.event === 'message' &&
        (!id || e.id === id) && (!text || e.text === text) && (!type || e.type === type) &&
        (!chat || norm(e.chat) === norm(chat) || norm(e.chatAlt) === norm(chat)) &&
        (!from || norm(e.from) === norm(from) || norm(e.participantAlt) === norm(from) || norm(e.chatAlt) === norm(from)), t, `a message ${JSON.stringify({ from, chat, text, id })}`)
    },
    async waitReceipt ({ messageId: id, status, timeout_ms: t = 20000 }) {
      return waitFor(e => e.event === 'receipt' && e.id === id && (!status || e.status === status), t, `a ${status || ''} receipt for ${id}`)
    },
    async waitPresence ({ from, state: s, timeout_ms: t = 20000 }) {
      const norm = j => j && jidNormalizedUser(j)
      return waitFor(e => e.event === 'presence' && (!from || norm(e.from) === norm(from) || norm(e.chat) === norm(from)) && (!s || e.state === s), t, `presence ${s || ''} from ${from || 'anyone'}`)
    },
    async waitGroup ({ jid, timeout_ms: t = 20000 }) {
      return waitFor(e => e.event === 'group' && (!jid || e.jid === jid), t, `group ${jid || ''}`)
    },
    async read ({ messageId }) {
      const m = state.messages.get(messageId)
      if (!m) throw new Error(`no message ${messageId}`)
      await requireOpen().readMessages([m.key])
      return { ok: true }
    },
    async typing ({ to, state: s = 'composing' }) {
      await requireOpen().sendPresenceUpdate(s, to)
      return { ok: true }
    },
    async subscribePresence ({ to }) {
      await requireOpen().presenceSubscribe(to)
      return { ok: true }
    },
    async sendProtocol ({ toDevice, lidMappings }) {
      // A peer protocol message (category="peer") to ONE of our own other devices, as our phone sends
      // them: LID_MIGRATION_MAPPING_SYNC carrying the given [{ pn, lid }] user pairs.
      const pairs = (lidMappings || []).map(p => ({ pn: Number(p.pn), assignedLid: Number(p.lid) }))
      if (pairs.some(p => !Number.isSafeInteger(p.pn) || !Number.isSafeInteger(p.assignedLid))) throw new Error('lidMappings need numeric pn and lid')
      const payload = proto.LIDMigrationMappingSyncPayload.encode({ pnToLidMappings: pairs }).finish()
      return sendPeerProtocol(toDevice, {
        type: proto.Message.ProtocolMessage.Type.LID_MIGRATION_MAPPING_SYNC,
        lidMigrationMappingSyncMessage: { encodedMappingPayload: payload }
      })
    },
    async sendHistorySync ({ toDevice, lidMappings, nctSaltBase64 }) {
      // What our phone does after linking: uploads a zlib-compressed HistorySync blob (media type
      // md-msg-hist) and announces it to the device in a HISTORY_SYNC_NOTIFICATION peer message.
      const sock = requireOpen()
      let blob = Buffer.from(proto.HistorySync.encode({
        syncType: proto.HistorySync.HistorySyncType.RECENT,
        chunkOrder: 1,
        phoneNumberToLidMappings: (lidMappings || []).map(p => ({ pnJid: `${p.pn}@s.whatsapp.net`, lidJid: `${p.lid}@lid` }))
      }).finish())
      if (nctSaltBase64) {
        // nctSalt (field 19, bytes) is newer than this Baileys' WAProto: appended as raw protobuf.
        const salt = Buffer.from(nctSaltBase64, 'base64')
        if (salt.length === 0 || salt.length > 127) throw new Error('nctSaltBase64 must hold 1..127 bytes')
        blob = Buffer.concat([blob, Buffer.from([0x9a, 0x01, salt.length]), salt])
      }
      const enc = await encryptedStream(zlib.deflateSync(blob), 'md-msg-hist', { logger })
      try {
        const up = await sock.waUploadToServer(enc.encFilePath, { mediaType: 'md-msg-hist', fileEncSha256B64: enc.fileEncSha256.toString('base64'), timeoutMs: 30000 })
        return await sendPeerProtocol(toDevice, {
          type: proto.Message.ProtocolMessage.Type.HISTORY_SYNC_NOTIFICATION,
          historySyncNotification: {
            fileSha256: enc.fileSha256,
            fileLength: enc.fileLength,
            mediaKey: enc.mediaKey,
            fileEncSha256: enc.fileEncSha256,
            directPath: up.directPath,
            syncType: proto.Message.HistorySyncType.RECENT,
            chunkOrder: 1
          }
        })
      } finally {
        fs.rmSync(enc.encFilePath, { force: true })
      }
    },
    async forgetSession ({ jid }) {
      // Simulates a lost Signal session: the next message from that peer cannot be decrypted.
      const sock = requireOpen()
      const devices = await sock.getUSyncDevices([jid], false, false)
      const jids = devices.map(d => d.jid || `${d.user}${d.device ? ':' + d.device : ''}@${d.server || 's.whatsapp.net'}`)
      await sock.signalRepository.deleteSession(jids)
      const lidJids = []
      for (const j of jids) {
        const lid = await sock.signalRepository.lidMapping.getLIDForPN(j).catch(() => null)
        if (lid) lidJids.push(lid)
      }
      if (lidJids.length) await sock.signalRepository.deleteSession(lidJids)
      return { deleted: [...jids, ...lidJids] }
    },
    async forgetSenderKey ({ group, jid }) {
      // Simulates a lost group sender key: jid's next skmsg in group cannot be decrypted here. Deletes
      // the record under every device of jid, in both the PN and the LID Signal-address forms.
      const sock = requireOpen()
      const devices = await sock.getUSyncDevices([jid], false, false)
      const ids = []
      for (const d of devices) {
        const device = d.device || 0
        const pnUser = d.user || jid.split('@')[0].split(':')[0]
        ids.push(`${group}::${pnUser}::${device}`)
        const lid = await sock.signalRepository.lidMapping.getLIDForPN(`${pnUser}@s.whatsapp.net`).catch(() => null)
        if (lid) ids.push(`${group}::${lid.split('@')[0].split(':')[0]}_1::${device}`)
      }
      await sock.authState.keys.set({ 'sender-key': Object.fromEntries(ids.map(id => [id, null])) })
      return { deleted: ids }
    },
    async logout () {
      state.intentionalClose = true
      await requireOpen().logout()
      return { ok: true }
    },
    async close () {
      state.intentionalClose = true
      state.sock?.end(undefined)
      await waitFor(e => e.event === 'connection' && e.connection === 'close' && e.seq >= closeMark, 5000, 'close').catch(() => {})
      return { ok: true }
    },
    async events ({ since = 0 }) {
      return { events: state.events.filter(e => e.seq >= since) }
    },
    async quit () {
      state.intentionalClose = true
      try { state.sock?.end(undefined) } catch { /* already closed */ }
      setTimeout(() => process.exit(0), 100)
      return { ok: true }
    }
  }

  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
  rl.on('line', async line => {
    if (!line.trim()) return
    if (line.length > MAX_LINE_CHARS) return emit({ ok: false, error: 'command line too long' })
    let req
    try {
      req = JSON.parse(line)
    } catch (err) {
      return emit({ ok: false, error: `command is not JSON: ${err.message}` })
    }
    const fn = commands[req?.cmd]
    if (!fn) return emit({ id: req?.id, ok: false, error: `unknown command ${req?.cmd}` })
    try {
      if (req.cmd === 'close') closeMark = seq + 1
      const result = await fn(req)
      emit({ id: req.id, ok: true, result })
    } catch (err) {
      emit({ id: req.id, ok: false, error: err.message })
    }
  })
  // The harness closing stdin (or dying) ends the peer; so does a maximum lifetime.
  rl.on('close', () => { state.intentionalClose = true; try { state.sock?.end(undefined) } catch {} setTimeout(() => process.exit(0), 100) })
  setTimeout(() => { process.stderr.write('wa-peer: maximum lifetime reached\n'); process.exit(3) }, MAX_LIFETIME_MS).unref()
  process.on('uncaughtException', err => record({ event: 'error', error: err.stack }))
  process.on('unhandledRejection', err => record({ event: 'error', error: err?.stack || String(err) }))
  emit({ event: 'ready', authDir: opts.authDir, registered: !!auth.creds.me })
}
