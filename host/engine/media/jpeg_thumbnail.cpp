// SPDX-License-Identifier: GPL-3.0-or-later
// Thumbnails on libjpeg(-turbo) and libpng's simplified API. libjpeg reports errors by longjmp:
// every libjpeg call sits in a function whose state lives behind a pointer fixed before setjmp.
#include "host/engine/media/jpeg_thumbnail.hpp"

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <jpeglib.h>
#include <png.h>

namespace wabot::engine::media {
namespace {

MediaError failed(std::string message) { return MediaError{MediaErrorCode::image_failed, std::move(message)}; }
MediaError invalid(std::string message) { return MediaError{MediaErrorCode::invalid_input, std::move(message)}; }

bool dimensions_ok(std::uint64_t w, std::uint64_t h) {
  return w > 0 && h > 0 && w <= kMaxImageSide && h <= kMaxImageSide && w * h <= kMaxImagePixels;
}

struct JpegErrorManager {
  jpeg_error_mgr base;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void jpeg_error_exit(j_common_ptr info) {
  auto* manager = reinterpret_cast<JpegErrorManager*>(info->err);
  (*info->err->format_message)(info, manager->message);
  std::longjmp(manager->jump, 1);
}

void jpeg_silence(j_common_ptr, int) {}  // warnings (e.g. corrupt data recovered) are not fatal

struct JpegDecodeState {
  jpeg_decompress_struct info;
  JpegErrorManager error;
  RgbImage image;
  bool too_large = false;
};

// Returns false with state->error.message (or too_large) set on failure.
bool jpeg_decode(JpegDecodeState* state, const std::uint8_t* data, std::size_t size, std::uint32_t min_width) {
  state->info.err = jpeg_std_error(&state->error.base);
  state->error.base.error_exit = jpeg_error_exit;
  state->error.base.emit_message = jpeg_silence;
  state->error.message[0] = 0;
  if (setjmp(state->error.jump)) {
    jpeg_destroy_decompress(&state->info);
    return false;
  }
  jpeg_create_decompress(&state->info);
  jpeg_mem_src(&state->info, data, static_cast<unsigned long>(size));
  jpeg_read_header(&state->info, TRUE);
  if (!dimensions_ok(state->info.image_width, state->info.image_height)) {
    state->too_large = true;
    jpeg_destroy_decompress(&state->info);
    return false;
  }
  state->info.out_color_space = JCS_RGB;
  if (min_width > 0) {
    // The largest reduction that keeps the decoded width >= min_width (libjpeg rounds up).
    for (unsigned denom : {8u, 4u, 2u}) {
      if ((state->info.image_width + denom - 1) / denom >= min_width) {
        state->info.scale_num = 1;
        state->info.scale_denom = denom;
        break;
      }
    }
  }
  jpeg_start_decompress(&state->info);
  if (state->info.output_components != 3) {
    std::snprintf(state->error.message, sizeof state->error.message, "unexpected JPEG component count");
    jpeg_destroy_decompress(&state->info);
    return false;
  }
  state->image.width = state->info.output_width;
  state->image.height = state->info.output_height;
  state->image.pixels.resize(std::size_t(state->image.width) * state->image.height * 3);
  while (state->info.output_scanline < state->info.output_height) {
    JSAMPROW row = state->image.pixels.data() + std::size_t(state->info.output_scanline) * state->image.width * 3;
    jpeg_read_scanlines(&state->info, &row, 1);
  }
  jpeg_finish_decompress(&state->info);
  jpeg_destroy_decompress(&state->info);
  return true;
}

struct JpegEncodeState {
  jpeg_compress_struct info;
  JpegErrorManager error;
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
};

bool jpeg_encode(JpegEncodeState* state, const RgbImage& image, int quality) {
  state->info.err = jpeg_std_error(&state->error.base);
  state->error.base.error_exit = jpeg_error_exit;
  state->error.base.emit_message = jpeg_silence;
  state->error.message[0] = 0;
  if (setjmp(state->error.jump)) {
    jpeg_destroy_compress(&state->info);
    return false;
  }
  jpeg_create_compress(&state->info);
  jpeg_mem_dest(&state->info, &state->buffer, &state->size);
  state->info.image_width = image.width;
  state->info.image_height = image.height;
  state->info.input_components = 3;
  state->info.in_color_space = JCS_RGB;
  jpeg_set_defaults(&state->info);
  jpeg_set_quality(&state->info, quality, TRUE);
  jpeg_start_compress(&state->info, TRUE);
  while (state->info.next_scanline < state->info.image_height) {
    // libjpeg's API is not const-correct; it only reads the row.
    JSAMPROW row = const_cast<std::uint8_t*>(image.pixels.data()) + std::size_t(state->info.next_scanline) * image.width * 3;
    jpeg_write_scanlines(&state->info, &row, 1);
  }
  jpeg_finish_compress(&state->info);
  jpeg_destroy_compress(&state->info);
  return true;
}

Result<RgbImage, MediaError> decode_png(crypto::ByteView encoded) {
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&png, encoded.data(), encoded.size()))
    return failed(std::string("cannot read PNG: ") + png.message);
  if (!dimensions_ok(png.width, png.height)) {
    png_image_free(&png);
    return invalid("image too large to decode");
  }
  png.format = PNG_FORMAT_RGB;  // alpha is composited onto black, grey expanded
  RgbImage image;
  image.width = png.width;
  image.height = png.height;
  image.pixels.resize(PNG_IMAGE_SIZE(png));
  if (!png_image_finish_read(&png, nullptr, image.pixels.data(), 0, nullptr)) {
    std::string message = png.message;
    png_image_free(&png);
    return failed("cannot decode PNG: " + message);
  }
  return image;
}

bool valid_image(const RgbImage& image) {
  return dimensions_ok(image.width, image.height) && image.pixels.size() == std::size_t(image.width) * image.height * 3;
}

}  // namespace

Result<RgbImage, MediaError> decode_image(crypto::ByteView encoded, std::uint32_t min_width) {
  static const std::uint8_t png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (encoded.size() >= 8 && std::memcmp(encoded.data(), png_signature, 8) == 0) return decode_png(encoded);
  if (encoded.size() >= 3 && encoded[0] == 0xFF && encoded[1] == 0xD8 && encoded[2] == 0xFF) {
    auto state = std::make_unique<JpegDecodeState>();
    if (!jpeg_decode(state.get(), encoded.data(), encoded.size(), min_width)) {
      if (state->too_large) return invalid("image too large to decode");
      return failed(std::string("cannot decode JPEG: ") + state->error.message);
    }
    return std::move(state->image);
  }
  return invalid("not a JPEG or PNG image");
}

Result<RgbImage, MediaError> resize_image(const RgbImage& image, std::uint32_t width, std::uint32_t height) {
  if (!valid_image(image)) return invalid("image has bad dimensions or pixel buffer size");
  if (!dimensions_ok(width, height)) return invalid("target size out of range");
  RgbImage out;
  out.width = width;
  out.height = height;
  out.pixels.resize(std::size_t(width) * height * 3);
  for (std::uint32_t oy = 0; oy < height; ++oy) {
    // The source rows/columns this output pixel covers: [y0, y1) x [x0, x1), at least one.
    std::uint64_t y0 = std::uint64_t(oy) * image.height / height;
    std::uint64_t y1 = std::max<std::uint64_t>(y0 + 1, std::uint64_t(oy + 1) * image.height / height);
    for (std::uint32_t ox = 0; ox < width; ++ox) {
      std::uint64_t x0 = std::uint64_t(ox) * image.width / width;
      std::uint64_t x1 = std::max<std::uint64_t>(x0 + 1, std::uint64_t(ox + 1) * image.width / width);
      std::uint64_t sum[3] = {0, 0, 0};
      for (std::uint64_t y = y0; y < y1; ++y) {
        const std::uint8_t* row = image.pixels.data() + (y * image.width + x0) * 3;
        for (std::uint64_t x = x0; x < x1; ++x, row += 3) {
          sum[0] += row[0];
          sum[1] += row[1];
          sum[2] += row[2];
        }
      }
      const std::uint64_t count = (y1 - y0) * (x1 - x0);
      std::uint8_t* dst = out.pixels.data() + (std::size_t(oy) * width + ox) * 3;
      for (int c = 0; c < 3; ++c) dst[c] = static_cast<std::uint8_t>((sum[c] + count / 2) / count);
    }
  }
  return out;
}

Result<crypto::Bytes, MediaError> encode_jpeg(const RgbImage& image, int quality) {
  if (!valid_image(image)) return invalid("image has bad dimensions or pixel buffer size");
  if (quality < 1 || quality > 100) return invalid("JPEG quality must be 1..100");
  auto state = std::make_unique<JpegEncodeState>();
  bool ok = jpeg_encode(state.get(), image, quality);
  crypto::Bytes out;
  if (ok && state->buffer) out.assign(state->buffer, state->buffer + state->size);
  std::free(state->buffer);  // jpeg_mem_dest allocates with malloc
  if (!ok) return failed(std::string("cannot encode JPEG: ") + state->error.message);
  return out;
}

Result<crypto::Bytes, MediaError> make_jpeg_thumbnail(const RgbImage& image, std::uint32_t width) {
  if (!valid_image(image)) return invalid("image has bad dimensions or pixel buffer size");
  if (width == 0 || width > 1024) return invalid("thumbnail width must be 1..1024");
  std::uint64_t height = (std::uint64_t(image.height) * width + image.width / 2) / image.width;
  height = std::clamp<std::uint64_t>(height, 1, std::uint64_t(width) * 8);
  auto scaled = resize_image(image, width, static_cast<std::uint32_t>(height));
  if (!scaled) return scaled.error();
  return encode_jpeg(scaled.value(), 50);
}

Result<crypto::Bytes, MediaError> make_jpeg_thumbnail(crypto::ByteView encoded_image, std::uint32_t width) {
  // Twice the target width keeps the area averaging meaningful after DCT downscaling.
  auto decoded = decode_image(encoded_image, std::max<std::uint32_t>(width, 1) * 2);
  if (!decoded) return decoded.error();
  return make_jpeg_thumbnail(decoded.value(), width);
}

}  // namespace wabot::engine::media
