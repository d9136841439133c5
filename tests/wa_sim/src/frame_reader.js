// SPDX-License-Identifier: GPL-3.0-or-later
// Splits the client's WebSocket byte stream into 3-byte-length frames, stripping the intro header once.
export const NOISE_WA_HEADER = Buffer.from([87, 65, 6, 3]) // 'W' 'A' 6 DICT_VERSION
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024

export class FrameReader {
  constructor () {
    this.buffer = Buffer.alloc(0)
    this.sawIntro = false
    this.prologue = null
  }

  /**
   * Appends bytes; returns {frames:[Buffer], error?:string}. The prologue (WA header) is kept in
   * this.prologue once read, because the Noise hash starts with it.
   */
  push (data) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, data]) : Buffer.from(data)
    if (this.buffer.length > MAX_BUFFERED_BYTES) return { frames: [], error: `more than ${MAX_BUFFERED_BYTES} bytes buffered without a complete frame` }
    const frames = []
    if (!this.sawIntro) {
      if (this.buffer.length < 4) return { frames }
      if (this.buffer[0] === 0x45 && this.buffer[1] === 0x44) { // 'ED': edge routing prefix, then the WA header
        if (this.buffer.length < 7) return { frames }
        const routingLen = (this.buffer[4] << 16) | this.buffer.readUInt16BE(5)
        if (this.buffer.length < 7 + routingLen + 4) return { frames }
        this.buffer = this.buffer.subarray(7 + routingLen)
      }
      const header = this.buffer.subarray(0, 4)
      if (header[0] !== 0x57 || header[1] !== 0x41) return { frames, error: `bad intro header ${header.toString('hex')}` }
      this.prologue = Buffer.from(header)
      this.buffer = this.buffer.subarray(4)
      this.sawIntro = true
    }
    while (this.buffer.length >= 3) {
      const size = (this.buffer[0] << 16) | (this.buffer[1] << 8) | this.buffer[2]
      if (this.buffer.length < size + 3) break
      frames.push(Buffer.from(this.buffer.subarray(3, size + 3)))
      this.buffer = this.buffer.subarray(size + 3)
    }
    return { frames }
  }
}

/** Prefixes a payload with its 3-byte big-endian length. */
export function encodeFrame (payload) {
  if (payload.length >= 1 << 24) throw new Error(`frame of ${payload.length} bytes exceeds the 3-byte length prefix`)
  const out = Buffer.alloc(3 + payload.length)
  out[0] = (payload.length >>> 16) & 0xff
  out[1] = (payload.length >>> 8) & 0xff
  out[2] = payload.length & 0xff
  payload.copy ? payload.copy(out, 3) : out.set(payload, 3)
  return out
}
