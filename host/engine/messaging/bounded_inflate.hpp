// SPDX-License-Identifier: GPL-3.0-or-later
// Inflating zlib- or gzip-wrapped data (history-sync blobs, LID migration payloads) with a hard bound
// on the output, so a small hostile input cannot make us allocate without limit.
#pragma once

#include <cstddef>

#include "host/engine/crypto/crypto.hpp"
#include "host/engine/types/result.hpp"

namespace wabot::engine::messaging {

// True when data starts with the gzip magic (1f 8b).
bool is_gzip(crypto::ByteView data);

// The inflated bytes; `too_large` once the output would pass max_bytes, `malformed` for a bad or
// truncated stream. The wrapper (zlib or gzip) is detected from the header.
Result<crypto::Bytes> inflate_bounded(crypto::ByteView data, std::size_t max_bytes);

}  // namespace wabot::engine::messaging
