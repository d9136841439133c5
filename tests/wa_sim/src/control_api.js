// SPDX-License-Identifier: GPL-3.0-or-later
// Loopback HTTP/JSON control API: scan QRs, inspect accounts/devices/connections/stats, inject faults.
import http from 'node:http'
import { isValidPhone } from './account_store.js'

const MAX_BODY_BYTES = 64 * 1024

const STREAM_ERRORS = {
  515: { attrs: { code: '515' } },
  503: { attrs: { code: '503' } },
  440: { attrs: {}, child: { tag: 'conflict', attrs: { type: 'replaced' } } },
  401: { attrs: { code: '401' }, child: { tag: 'conflict', attrs: { type: 'device_removed' } } }
}

class HttpError extends Error {
  constructor (status, message) {
    super(message)
    this.status = status
  }
}

export class ControlApi {
  constructor (sim) {
    this.sim = sim
  }

  async start ({ port = 0, host = '127.0.0.1' } = {}) {
    this.server = http.createServer((req, res) => { this.onRequest(req, res) })
    await new Promise((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, host, resolve)
    })
    this.url = `http://${host}:${this.server.address().port}`
  }

  async stop () {
    if (!this.server) return
    this.server.closeAllConnections?.()
    await new Promise(resolve => this.server.close(() => resolve()))
  }

  reply (res, status, body) {
    const data = Buffer.from(JSON.stringify(body))
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': data.length })
    res.end(data)
  }

  readJson (req) {
    return new Promise((resolve, reject) => {
      const chunks = []
      let size = 0
      let tooBig = false
      req.on('data', c => {
        if (tooBig) return // drain without keeping anything, so the 413 reaches the client
        size += c.length
        if (size > MAX_BODY_BYTES) { tooBig = true; chunks.length = 0; return }
        chunks.push(c)
      })
      req.on('end', () => {
        if (tooBig) return reject(new HttpError(413, `request body larger than ${MAX_BODY_BYTES} bytes`))
        const text = Buffer.concat(chunks).toString('utf8')
        if (!text) return resolve({})
        try {
          const v = JSON.parse(text)
          if (v === null || typeof v !== 'object' || Array.isArray(v)) return reject(new HttpError(400, 'request body must be a JSON object'))
          resolve(v)
        } catch (err) {
          reject(new HttpError(400, `request body is not JSON: ${err.message}`))
        }
      })
      req.on('error', reject)
    })
  }

  async onRequest (req, res) {
    try {
      const url = new URL(req.url, this.url)
      const body = req.method === 'POST' ? await this.readJson(req) : {}
      const out = await this.route(req.method, url.pathname, url.searchParams, body)
      this.reply(res, out.status || 200, out.body)
    } catch (err) {
      // Exceptions stop here: the API answers with an error, the simulator keeps running.
      const status = err instanceof HttpError ? err.status : 500
      if (status === 500) this.sim.log.error('control api failed', { error: err.message })
      if (!res.headersSent) this.reply(res, status, { error: err.message })
    }
  }

  connectionFor (body) {
    if (body.jid === undefined && body.conn === undefined) throw new HttpError(400, 'give "jid" (device jid) or "conn" (connection id)')
    const conn = this.sim.findConnection(body)
    if (!conn) throw new HttpError(404, `no live connection for ${body.jid ?? 'conn ' + body.conn}`)
    return conn
  }

  async route (method, path, q, body) {
    const sim = this.sim
    const key = `${method} ${path}`
    switch (key) {
      case 'GET /health':
        return { body: { ok: true } }
      case 'GET /info':
        return { body: { wsUrl: sim.wsUrl, controlUrl: this.url, rootPublicKey: sim.rootKey.public.toString('base64'), mediaCaFile: sim.media.caFile, mediaHost: sim.media.hostname } }
      case 'GET /accounts':
        return { body: { accounts: sim.accounts.all().map(a => a.summary()) } }
      case 'POST /accounts': {
        if (!isValidPhone(body.phone)) throw new HttpError(400, 'phone must be 6-16 digits without a leading 0 or +')
        const acc = sim.accounts.getOrCreate(body.phone)
        if (!acc) throw new HttpError(507, 'the simulator holds too many accounts')
        if (typeof body.pushName === 'string') acc.pushName = body.pushName.slice(0, 64)
        return { body: acc.summary() }
      }
      case 'GET /devices': {
        const phone = q.get('phone')
        const accounts = phone ? [sim.accounts.byPhone.get(phone)].filter(Boolean) : sim.accounts.all()
        if (phone && accounts.length === 0) throw new HttpError(404, `no account ${phone}`)
        return { body: { devices: accounts.flatMap(a => [...a.devices.values()].filter(d => d.noisePub).map(d => d.summary())) } }
      }
      case 'GET /connections':
        return { body: { connections: [...sim.connections.values()].map(c => c.summary()) } }
      case 'GET /stats':
        return { body: sim.stats }
      case 'GET /relayed': {
        const id = q.get('id')
        const limit = Math.min(Number(q.get('limit') || 200), 2000)
        const entries = id ? sim.relayLog.filter(e => e.id === id) : sim.relayLog.slice(-limit)
        return { body: { relayed: entries } }
      }
      case 'GET /groups':
        return { body: { groups: [...sim.groups.groups.values()].map(g => sim.groups.summary(g)) } }
      case 'GET /settings':
        return { body: sim.settings }
      case 'POST /settings': {
        if (body.groupAddressingMode !== undefined) {
          if (!['pn', 'lid'].includes(body.groupAddressingMode)) throw new HttpError(400, 'groupAddressingMode must be "pn" or "lid"')
          sim.settings.groupAddressingMode = body.groupAddressingMode
        }
        return { body: sim.settings }
      }
      case 'POST /scan': {
        const r = await sim.pairing.scan({ qr: body.qr, phone: body.phone })
        if (!r.ok) throw new HttpError(r.status || 400, r.error)
        return { body: { ok: true, jid: r.jid, lid: r.lid, device: r.device, keyIndex: r.keyIndex } }
      }
      case 'POST /logout': {
        const r = sim.resolveJid(body.jid)
        const device = r && r.account.devices.get(r.deviceId ?? -1)
        if (!device) throw new HttpError(404, `no device ${body.jid}`)
        sim.removeDevice(device, { streamError: STREAM_ERRORS[401] })
        return { body: { ok: true } }
      }
      case 'POST /fault/close': {
        const conn = this.connectionFor(body)
        conn.close('fault: closed by control api')
        return { body: { ok: true, conn: conn.id } }
      }
      case 'POST /fault/stream-error': {
        const conn = this.connectionFor(body)
        const spec = STREAM_ERRORS[Number(body.code)]
        if (!spec) throw new HttpError(400, 'code must be one of 401, 440, 503, 515')
        if (Number(body.code) === 401 && conn.device) {
          sim.removeDevice(conn.device, { streamError: spec }) // 401 means the phone unlinked it
        } else {
          conn.streamError(spec.attrs, spec.child)
        }
        return { body: { ok: true, conn: conn.id } }
      }
      case 'POST /fault/garbage': {
        const conn = this.connectionFor(body)
        const size = Math.min(Math.max(Number(body.bytes) || 64, 1), 4096)
        conn.sendGarbage(Buffer.alloc(size, 0xa5))
        return { body: { ok: true, conn: conn.id } }
      }
      case 'POST /fault/stall': {
        const conn = this.connectionFor(body)
        conn.stalled = body.stalled !== false
        return { body: { ok: true, conn: conn.id, stalled: conn.stalled } }
      }
      default:
        throw new HttpError(404, `no route ${key}`)
    }
  }
}
