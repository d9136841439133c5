// SPDX-License-Identifier: GPL-3.0-or-later
// media_conn answers and an HTTPS media host on loopback (self-signed cert made at start) for up/download.
import crypto from 'node:crypto'
import fs from 'node:fs'
import https from 'node:https'
import os from 'node:os'
import path from 'node:path'
import { execFileSync } from 'node:child_process'

const MAX_UPLOAD_BYTES = 64 * 1024 * 1024
const MAX_STORED_BYTES = 512 * 1024 * 1024
const MEDIA_CONN_TTL_S = 3600

/** Generates a throw-away self-signed certificate for 127.0.0.1 with the openssl CLI. */
function makeSelfSignedCert (dir) {
  const keyFile = path.join(dir, 'media-key.pem')
  const certFile = path.join(dir, 'media-cert.pem')
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-days', '2', '-subj', '/CN=wa-sim media host',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', keyFile, '-out', certFile
  ], { stdio: ['ignore', 'ignore', 'pipe'] })
  const key = fs.readFileSync(keyFile)
  fs.rmSync(keyFile) // the private key lives only in memory
  return { key, cert: fs.readFileSync(certFile), certFile }
}

export class MediaHost {
  constructor (sim) {
    this.sim = sim
    this.blobs = new Map() // direct path (without query) -> Buffer
    this.storedBytes = 0
    this.auth = crypto.randomBytes(24).toString('base64url')
  }

  async start ({ host = '127.0.0.1' } = {}) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wa-sim-'))
    const { key, cert, certFile } = makeSelfSignedCert(this.dir)
    this.caFile = certFile
    this.server = https.createServer({ key, cert }, (req, res) => this.onRequest(req, res))
    await new Promise((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(0, host, resolve)
    })
    this.hostname = `${host}:${this.server.address().port}`
  }

  async stop () {
    if (this.server) {
      this.server.closeAllConnections?.()
      await new Promise(resolve => this.server.close(() => resolve()))
    }
    this.removeFiles()
  }

  /** Deletes the temporary certificate directory (synchronous, safe to call twice). */
  removeFiles () {
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true })
    this.dir = null
  }

  handleIq (conn, iq) {
    const ih = this.sim.iq
    if (!Array.isArray(iq.content) || iq.content[0]?.tag !== 'media_conn') return ih.error(conn, iq, 501, 'feature-not-implemented')
    ih.result(conn, iq, [{
      tag: 'media_conn',
      attrs: { auth: this.auth, ttl: String(MEDIA_CONN_TTL_S), auth_ttl: String(MEDIA_CONN_TTL_S), max_buckets: '12' },
      content: [{ tag: 'host', attrs: { hostname: this.hostname, maxContentLengthBytes: String(MAX_UPLOAD_BYTES) } }]
    }])
  }

  reply (res, status, body) {
    const data = Buffer.from(JSON.stringify(body))
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': data.length })
    res.end(data)
  }

  onRequest (req, res) {
    const url = new URL(req.url, `https://${this.hostname}`)
    if (req.method === 'POST' && url.pathname.startsWith('/mms/')) return this.upload(req, res, url)
    if (req.method === 'GET' && url.pathname.startsWith('/v/')) return this.download(req, res, url)
    this.reply(res, 404, { error: 'not found' })
  }

  upload (req, res, url) {
    const parts = url.pathname.split('/') // ['', 'mms', type, encSha256]
    if (parts.length !== 4 || !/^[a-z-]+$/.test(parts[2])) return this.reply(res, 400, { error: 'expected /mms/<type>/<enc sha256>' })
    if (url.searchParams.get('auth') !== this.auth) return this.reply(res, 401, { error: 'bad media auth' })
    const declared = Number(req.headers['content-length'] || 0)
    if (declared > MAX_UPLOAD_BYTES) return this.reply(res, 413, { error: `upload larger than ${MAX_UPLOAD_BYTES} bytes` })
    const chunks = []
    let size = 0
    req.on('data', c => {
      size += c.length
      if (size > MAX_UPLOAD_BYTES) {
        this.reply(res, 413, { error: `upload larger than ${MAX_UPLOAD_BYTES} bytes` })
        req.destroy()
        return
      }
      chunks.push(c)
    })
    req.on('end', () => {
      if (size > MAX_UPLOAD_BYTES) return
      const body = Buffer.concat(chunks)
      const sha = crypto.createHash('sha256').update(body).digest('base64url')
      if (sha !== parts[3].replace(/=+$/, '')) return this.reply(res, 400, { error: 'body sha256 does not match the upload token' })
      if (this.storedBytes + body.length > MAX_STORED_BYTES) return this.reply(res, 507, { error: 'media store full' })
      const directPath = `/v/t62.7118-24/${crypto.randomBytes(12).toString('hex')}.enc`
      this.blobs.set(directPath, body)
      this.storedBytes += body.length
      this.sim.stats.mediaUploads++
      const full = `${directPath}?ccb=11-4&oh=${sha.slice(0, 16)}&oe=${Math.floor(Date.now() / 1000) + 86400}`
      this.reply(res, 200, { url: `https://${this.hostname}${full}`, direct_path: full })
    })
    req.on('error', () => {})
  }

  download (req, res, url) {
    const body = this.blobs.get(url.pathname)
    if (!body) return this.reply(res, 404, { error: 'no such media' })
    this.sim.stats.mediaDownloads++
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range || '')
    if (range) {
      const start = Number(range[1])
      const end = range[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1
      if (start >= body.length || start > end) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` })
        return res.end()
      }
      res.writeHead(206, { 'content-type': 'application/octet-stream', 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${body.length}` })
      return res.end(body.subarray(start, end + 1))
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length })
    res.end(body)
  }
}
