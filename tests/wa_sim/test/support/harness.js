// SPDX-License-Identifier: GPL-3.0-or-later
// Test harness: spawns the simulator and Baileys peer drivers as child processes and talks to them.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const SIM_BIN = path.join(ROOT, 'bin', 'wa-sim.js')
const PEER_BIN = path.join(ROOT, 'bin', 'wa-peer.js')

/** Reads JSON lines from a child's stdout and hands each parsed object to onLine. */
function jsonLines (stream, onLine) {
  const rl = readline.createInterface({ input: stream, crlfDelay: Infinity })
  rl.on('line', line => {
    let obj
    try { obj = JSON.parse(line) } catch { return } // libsignal prints plain text on stdout
    onLine(obj)
  })
}

function waitExit (proc, timeoutMs) {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(true)
  return new Promise(resolve => {
    const timer = setTimeout(() => resolve(false), timeoutMs)
    proc.once('exit', () => { clearTimeout(timer); resolve(true) })
  })
}

const createdDirs = []
// Auth states (hundreds of prekey files each) and traces are removed when the test process ends;
// WA_SIM_KEEP_TMP=1 keeps them for debugging.
process.on('exit', () => {
  if (process.env.WA_SIM_KEEP_TMP === '1') return
  for (const dir of createdDirs) fs.rmSync(dir, { recursive: true, force: true })
})

export function tempDir (label) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `wa-sim-test-${label}-`))
  createdDirs.push(dir)
  return dir
}

export class SimProcess {
  static async start ({ traceDir = null, args = [] } = {}) {
    const argv = [SIM_BIN, ...args]
    if (traceDir) argv.push('--trace-dir', traceDir)
    const proc = spawn(process.execPath, argv, { stdio: ['pipe', 'pipe', 'pipe'] })
    const stderr = []
    proc.stderr.on('data', d => { stderr.push(d.toString()); if (stderr.length > 500) stderr.shift() })
    const listening = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`simulator did not start: ${stderr.join('')}`)), 15000)
      jsonLines(proc.stdout, obj => { if (obj.event === 'listening') { clearTimeout(timer); resolve(obj) } })
      proc.once('exit', code => { clearTimeout(timer); reject(new Error(`simulator exited with ${code}: ${stderr.join('')}`)) })
    })
    const sim = new SimProcess()
    Object.assign(sim, listening, { proc, stderr })
    return sim
  }

  async get (route) {
    const res = await fetch(`${this.controlUrl}${route}`)
    return { status: res.status, body: await res.json() }
  }

  async post (route, body) {
    const res = await fetch(`${this.controlUrl}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    return { status: res.status, body: await res.json() }
  }

  /** Polls the control API until check(body) is truthy (a condition wait, not a sleep). */
  async waitFor (route, check, timeoutMs = 10000) {
    const deadline = Date.now() + timeoutMs
    let last
    while (Date.now() < deadline) {
      last = (await this.get(route)).body
      const v = check(last)
      if (v) return v
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    throw new Error(`condition on ${route} not met within ${timeoutMs} ms; last: ${JSON.stringify(last).slice(0, 500)}`)
  }

  async stop () {
    this.proc.stdin.end()
    if (!(await waitExit(this.proc, 4000))) {
      this.proc.kill('SIGKILL')
      await waitExit(this.proc, 2000)
    }
  }
}

export class PeerProcess {
  static async start (sim, { name = 'peer', authDir = tempDir(name), logLevel = process.env.WA_PEER_LOG || 'warn', args = [] } = {}) {
    const proc = spawn(process.execPath, [PEER_BIN, '--sim', sim.controlUrl, '--ws', sim.wsUrl, '--auth-dir', authDir, '--log-level', logLevel, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NODE_EXTRA_CA_CERTS: sim.mediaCaFile }
    })
    const peer = new PeerProcess()
    Object.assign(peer, { proc, name, authDir, nextId: 1, pending: new Map(), events: [], stderr: [] })
    proc.stderr.on('data', d => { peer.stderr.push(d.toString()); if (peer.stderr.length > 200) peer.stderr.shift() })
    const ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`peer ${name} not ready: ${peer.stderr.join('')}`)), 20000)
      peer.onReady = () => { clearTimeout(timer); resolve() }
      proc.once('exit', code => { clearTimeout(timer); reject(new Error(`peer ${name} exited with ${code}: ${peer.stderr.join('')}`)) })
    })
    jsonLines(proc.stdout, obj => {
      if (obj.event === 'ready') return peer.onReady()
      if (obj.event) { peer.events.push(obj); return }
      const p = peer.pending.get(obj.id)
      if (!p) return
      peer.pending.delete(obj.id)
      if (obj.ok) p.resolve(obj.result)
      else p.reject(new Error(`${name} ${p.cmd}: ${obj.error}`))
    })
    proc.once('exit', () => {
      for (const p of peer.pending.values()) p.reject(new Error(`peer ${name} exited during ${p.cmd}`))
      peer.pending.clear()
    })
    await ready
    return peer
  }

  call (cmd, args = {}) {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, cmd })
      this.proc.stdin.write(JSON.stringify({ id, cmd, ...args }) + '\n')
    })
  }

  async stop () {
    try { this.proc.stdin.end() } catch { /* gone */ }
    if (!(await waitExit(this.proc, 4000))) {
      this.proc.kill('SIGKILL')
      await waitExit(this.proc, 2000)
    }
  }
}
