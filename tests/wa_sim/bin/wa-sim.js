// SPDX-License-Identifier: GPL-3.0-or-later
// Starts the WhatsApp server simulator; prints one JSON "listening" line on stdout, logs on stderr.
import { Simulator } from '../src/simulator.js'
import { ControlApi } from '../src/control_api.js'
import { DEFAULT_ROOT_SEED } from '../src/cert_chain.js'

function parseArgs (argv) {
  const opts = { port: 0, controlPort: 0, traceDir: null, rootSeed: DEFAULT_ROOT_SEED, watchStdin: true }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`)
      return argv[++i]
    }
    const port = v => {
      const n = Number(v)
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${a} must be a port number, got ${v}`)
      return n
    }
    switch (a) {
      case '--port': opts.port = port(next()); break
      case '--control-port': opts.controlPort = port(next()); break
      case '--trace-dir': opts.traceDir = next(); break
      case '--root-seed': opts.rootSeed = next(); break
      case '--ignore-stdin': opts.watchStdin = false; break // for shells that give background jobs /dev/null
      case '--help':
        process.stderr.write('usage: wa-sim.js [--port 0] [--control-port 0] [--trace-dir DIR] [--root-seed S] [--ignore-stdin]\n')
        process.exit(0)
        break
      default: throw new Error(`unknown argument ${a}`)
    }
  }
  return opts
}

async function main () {
  let opts
  try {
    opts = parseArgs(process.argv.slice(2))
  } catch (err) {
    process.stderr.write(`wa-sim: ${err.message}\n`)
    process.exit(2)
  }
  const sim = new Simulator({ rootSeed: opts.rootSeed, traceDir: opts.traceDir })
  const control = new ControlApi(sim)
  try {
    await sim.start({ port: opts.port })
    await control.start({ port: opts.controlPort })
  } catch (err) {
    process.stderr.write(`wa-sim: failed to start: ${err.message}\n`)
    await sim.stop().catch(() => {})
    process.exit(1)
  }
  let stopping = false
  const shutdown = async (why) => {
    if (stopping) return
    stopping = true
    sim.log.info('stopping', { why })
    const hardStop = setTimeout(() => { sim.media.removeFiles(); process.exit(0) }, 3000)
    hardStop.unref()
    await control.stop().catch(() => {})
    await sim.stop().catch(() => {})
    process.exit(0)
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
  // A harness that dies closes our stdin: stop with it so no simulator is left behind.
  if (opts.watchStdin) {
    process.stdin.on('end', () => shutdown('stdin closed'))
    process.stdin.on('error', () => shutdown('stdin error'))
    process.stdin.resume()
  }
  process.on('uncaughtException', err => sim.log.error('uncaught exception', { error: err.stack }))
  process.on('unhandledRejection', err => sim.log.error('unhandled rejection', { error: err?.stack || String(err) }))
  process.stdout.write(JSON.stringify({
    event: 'listening',
    wsUrl: sim.wsUrl,
    controlUrl: control.url,
    rootPublicKey: sim.rootKey.public.toString('base64'),
    mediaCaFile: sim.media.caFile
  }) + '\n')
}

main()
