// SPDX-License-Identifier: GPL-3.0-or-later
// Image thumbnails for media messages (jpegThumbnail): decode JPEG/PNG (libjpeg, libpng), scale,
// encode a small JPEG. Inputs are bounded so hostile images cannot make us allocate without limit.
#pragma once

#include "host/engine/crypto/crypto.hpp"
#include "host/engine/media/media_error.hpp"

#include <cstdint>

namespace wabot::engine::media {

// 8-bit RGB, row-major, no padding: pixels.size() == width * height * 3.
struct RgbImage {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  crypto::Bytes pixels;
};

// Largest image we decode or scale: 16384 per side and 64 megapixels.
inline constexpr std::uint32_t kMaxImageSide = 16384;
inline constexpr std::uint64_t kMaxImagePixels = 64ull << 20;

// Decodes a JPEG or PNG (detected by signature) into RGB; alpha is dropped, grey expanded.
// min_width > 0 lets a JPEG be decoded at 1/2, 1/4 or 1/8 scale (libjpeg's DCT scaling, far cheaper)
// as long as the result stays at least min_width wide; PNGs always decode at full size.
Result<RgbImage, MediaError> decode_image(crypto::ByteView encoded, std::uint32_t min_width = 0);

// Area-averaging resize to exactly width x height (each 1..kMaxImageSide).
Result<RgbImage, MediaError> resize_image(const RgbImage& image, std::uint32_t width, std::uint32_t height);

// Baseline JPEG at quality 1..100.
Result<crypto::Bytes, MediaError> encode_jpeg(const RgbImage& image, int quality);

// The thumbnail WhatsApp clients send: `width` pixels wide (Baileys uses 32), height keeping the
// aspect ratio (at least 1, at most 8 x width), JPEG quality 50.
Result<crypto::Bytes, MediaError> make_jpeg_thumbnail(const RgbImage& image, std::uint32_t width = 32);
Result<crypto::Bytes, MediaError> make_jpeg_thumbnail(crypto::ByteView encoded_image, std::uint32_t width = 32);

}  // namespace wabot::engine::media
