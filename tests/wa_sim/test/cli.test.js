// SPDX-License-Identifier: GPL-3.0-or-later
// The wa-sim.js command line: one "listening" JSON line, clean exits on SIGTERM/stdin close, bad args.
import test from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { SimProcess, tempDir } from './support/harness.js'

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'wa-sim.js')

function exitOf (proc) {
  return new Promise(resolve => proc.once('exit', (code, signal) => resolve({ code, signal })))
}

test('prints exactly one listening line with ws/control URLs, the root key and the media CA file', async () => {
  const traceDir = tempDir('cli-trace')
  const sim = await SimProcess.start({ traceDir, args: ['--root-seed', 'another-seed'] })
  assert.match(sim.wsUrl, /^ws:\/\/127\.0\.0\.1:\d+\/ws\/chat$/)
  assert.match(sim.controlUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
  assert.equal(Buffer.from(sim.rootPublicKey, 'base64').length, 32)
  assert.notEqual(sim.rootPublicKey, '035dAxFjrprhGSJpHf+EZTJkkNLCgEvPExANIgmQfyk=')
  assert.ok(path.isAbsolute(sim.mediaCaFile))
  assert.match(fs.readFileSync(sim.mediaCaFile, 'utf8'), /BEGIN CERTIFICATE/)
  // The media key never touches the disk next to the cert.
  assert.deepEqual(fs.readdirSync(path.dirname(sim.mediaCaFile)), ['media-cert.pem'])
  const exit = exitOf(sim.proc)
  sim.proc.kill('SIGTERM')
  assert.deepEqual(await exit, { code: 0, signal: null })
  assert.equal(fs.existsSync(sim.mediaCaFile), false, 'temporary cert directory removed on exit')
})

test('exits when its stdin closes, so a dead harness leaves no simulator behind', async () => {
  const sim = await SimProcess.start()
  const exit = exitOf(sim.proc)
  sim.proc.stdin.end()
  assert.equal((await exit).code, 0)
})

test('--ignore-stdin keeps it running after stdin closes, until SIGTERM', async () => {
  const sim = await SimProcess.start({ args: ['--ignore-stdin'] })
  sim.proc.stdin.end()
  // Still serving a second after stdin closed (a watched stdin ends the process within milliseconds).
  const until = Date.now() + 1000
  while (Date.now() < until) assert.equal((await sim.get('/health')).body.ok, true)
  assert.equal(sim.proc.exitCode, null)
  const exit = exitOf(sim.proc)
  sim.proc.kill('SIGTERM')
  assert.equal((await exit).code, 0)
})

test('rejects unknown arguments and bad ports with exit code 2', async () => {
  for (const args of [['--bogus'], ['--port', 'http'], ['--port']]) {
    const proc = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    let err = ''
    proc.stderr.on('data', d => { err += d })
    const { code } = await exitOf(proc)
    assert.equal(code, 2, args.join(' '))
    assert.match(err, /wa-sim: /)
  }
})
