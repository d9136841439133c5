// SPDX-License-Identifier: GPL-3.0-or-later
// Test-only TLS terminator in front of the simulator: wss://localhost:PORT -> ws://127.0.0.1:TARGET.
// usage: node tls_proxy.mjs KEY.pem CERT.pem TARGET_PORT; prints {"port":N}; exits when stdin closes.
import fs from 'node:fs'
import net from 'node:net'
import tls from 'node:tls'

const [keyFile, certFile, target] = process.argv.slice(2)
const server = tls.createServer({ key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) }, client => {
  const upstream = net.connect(Number(target), '127.0.0.1')
  client.pipe(upstream).pipe(client)
  const end = () => { client.destroy(); upstream.destroy() }
  client.on('error', end)
  upstream.on('error', end)
  client.on('close', end)
  upstream.on('close', end)
})
server.on('tlsClientError', () => {})
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n'))
process.stdin.on('end', () => process.exit(0))
process.stdin.resume()
