// SPDX-License-Identifier: GPL-3.0-or-later
// Per-connection stanza trace files (one XML-ish line per stanza) for debugging, plus a stderr logger.
import fs from 'node:fs'
import path from 'node:path'
import { binaryNodeToString } from '@whiskeysockets/baileys'

const MAX_TRACE_LINE_CHARS = 16 * 1024

export class TraceWriter {
  /** @param {string|null} dir  where to write conn-<id>.log; null disables tracing */
  constructor (dir) {
    this.dir = dir
    if (dir) fs.mkdirSync(dir, { recursive: true })
  }

  open (connId) {
    if (!this.dir) return new ConnectionTrace(null)
    const file = path.join(this.dir, `conn-${connId}.log`)
    return new ConnectionTrace(fs.createWriteStream(file, { flags: 'a' }), file)
  }
}

class ConnectionTrace {
  constructor (stream, file) {
    this.stream = stream
    this.file = file
  }

  /** dir: 'recv' (client -> sim) or 'send' (sim -> client). */
  node (dir, node) {
    if (!this.stream) return
    let text
    try {
      text = binaryNodeToString(node)
    } catch (err) {
      text = `<unprintable ${node?.tag}: ${err.message}>`
    }
    if (text.length > MAX_TRACE_LINE_CHARS) text = text.slice(0, MAX_TRACE_LINE_CHARS) + '…'
    this.stream.write(`${new Date().toISOString()} ${dir} ${text.replace(/\n\s*/g, '')}\n`)
  }

  note (text) {
    if (this.stream) this.stream.write(`${new Date().toISOString()} note ${text}\n`)
  }

  close () {
    if (this.stream) this.stream.end()
    this.stream = null
  }
}

/**
 * JSON-lines logger on stderr (stdout carries only the single "listening" line). The default level
 * is warn: Node writes to pipes synchronously, so a harness that never drains stderr would block a
 * chatty simulator once the pipe buffer (64 KiB) is full.
 */
export function makeLogger (level = process.env.WA_SIM_LOG || 'warn') {
  const order = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }
  const min = order[level] ?? order.info
  const write = (lvl, msg, fields) => {
    if (order[lvl] < min) return
    process.stderr.write(JSON.stringify({ ts: new Date().toISOString(), level: lvl, msg, ...fields }) + '\n')
  }
  return {
    debug: (msg, f) => write('debug', msg, f),
    info: (msg, f) => write('info', msg, f),
    warn: (msg, f) => write('warn', msg, f),
    error: (msg, f) => write('error', msg, f)
  }
}
