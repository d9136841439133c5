// SPDX-License-Identifier: GPL-3.0-or-later
// Measures pairing time and Baileys-to-Baileys text latency through the simulator: node bench/latency.js [N]
import { SimProcess, PeerProcess } from '../test/support/harness.js'

const n = Number(process.argv[2] || 100)
const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))]

const sim = await SimProcess.start()
const [a, b] = await Promise.all([PeerProcess.start(sim, { name: 'bench-a' }), PeerProcess.start(sim, { name: 'bench-b' })])
try {
  let t0 = performance.now()
  await a.call('pair', { phone: '15550001111' })
  const pairMs = performance.now() - t0
  await b.call('pair', { phone: '15550002222' })
  const lat = []
  t0 = performance.now()
  for (let i = 0; i < n; i++) {
    const s = performance.now()
    await a.call('sendText', { to: '15550002222@s.whatsapp.net', text: `bench ${i}` })
    await b.call('waitMessage', { text: `bench ${i}` })
    lat.push(performance.now() - s)
  }
  const totalMs = performance.now() - t0
  lat.sort((x, y) => x - y)
  const stats = (await sim.get('/stats')).body
  console.log(JSON.stringify({
    pairAndLoginMs: Math.round(pairMs),
    messages: n,
    sendToReceiveMs: { p50: +pct(lat, 0.5).toFixed(1), p95: +pct(lat, 0.95).toFixed(1), max: +lat[lat.length - 1].toFixed(1) },
    messagesPerSecond: +(n / (totalMs / 1000)).toFixed(1),
    relayed: stats.relayed
  }))
} finally {
  await Promise.all([a.stop(), b.stop()])
  await sim.stop()
}
