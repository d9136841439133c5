// SPDX-License-Identifier: GPL-3.0-or-later
// bounded_inflate: zlib's inflate with automatic zlib/gzip header detection (windowBits 15 + 32),
// chunk by chunk so the bound is checked before the output grows.
#include "host/engine/messaging/bounded_inflate.hpp"

#include <zlib.h>

#include <limits>
#include <string>

namespace wabot::engine::messaging {

bool is_gzip(crypto::ByteView data) { return data.size() >= 2 && data[0] == 0x1f && data[1] == 0x8b; }

Result<crypto::Bytes> inflate_bounded(crypto::ByteView data, std::size_t max_bytes) {
  if (data.size() > std::numeric_limits<uInt>::max()) return Error(ErrorCode::too_large, "compressed input of " + std::to_string(data.size()) + " bytes is too large");
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return Error(ErrorCode::malformed, "zlib inflateInit2 failed");
  zs.next_in = const_cast<Bytef*>(data.data());
  zs.avail_in = static_cast<uInt>(data.size());
  crypto::Bytes out;
  std::uint8_t chunk[16384];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = chunk;
    zs.avail_out = sizeof chunk;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      std::string why = zs.msg ? zs.msg : std::to_string(rc);
      inflateEnd(&zs);
      return Error(ErrorCode::malformed, "inflate failed: " + why);
    }
    const std::size_t produced = sizeof chunk - zs.avail_out;
    if (out.size() + produced > max_bytes) {
      inflateEnd(&zs);
      return Error(ErrorCode::too_large, "inflated data exceeds " + std::to_string(max_bytes) + " bytes");
    }
    out.insert(out.end(), chunk, chunk + produced);
    if (rc != Z_STREAM_END && produced == 0 && zs.avail_in == 0) {
      inflateEnd(&zs);
      return Error(ErrorCode::malformed, "compressed stream truncated");
    }
  }
  inflateEnd(&zs);
  return out;
}

}  // namespace wabot::engine::messaging
