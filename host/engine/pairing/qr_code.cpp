// SPDX-License-Identifier: GPL-3.0-or-later
// QR text and PNG rendering (qrencode for the matrix, libpng for the file).
#include "host/engine/pairing/qr_code.hpp"

#include <png.h>
#include <qrencode.h>

#include <csetjmp>
#include <memory>

namespace wabot::engine::pairing {

std::string base64(crypto::ByteView data) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    std::uint32_t v = (std::uint32_t(data[i]) << 16) | (std::uint32_t(data[i + 1]) << 8) | data[i + 2];
    out += t[v >> 18];
    out += t[(v >> 12) & 63];
    out += t[(v >> 6) & 63];
    out += t[v & 63];
  }
  if (i + 1 == data.size()) {
    std::uint32_t v = std::uint32_t(data[i]) << 16;
    out += t[v >> 18];
    out += t[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == data.size()) {
    std::uint32_t v = (std::uint32_t(data[i]) << 16) | (std::uint32_t(data[i + 1]) << 8);
    out += t[v >> 18];
    out += t[(v >> 12) & 63];
    out += t[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string qr_text(std::string_view ref, const store::Credentials& creds, char client_type) {
  std::string out(kQrUrlPrefix);
  out += ref;
  out += ',';
  out += base64(creds.noise_key.public_key);
  out += ',';
  out += base64(creds.identity_key.public_key);
  out += ',';
  out += base64(creds.adv_secret);
  out += ',';
  out += client_type;
  return out;
}

namespace {

void png_append(png_structp png, png_bytep data, png_size_t n) {
  auto* out = static_cast<crypto::Bytes*>(png_get_io_ptr(png));
  out->insert(out->end(), data, data + n);
}
void png_flush_noop(png_structp) {}

}  // namespace

Result<crypto::Bytes> render_qr_png(std::string_view text, const QrImageOptions& options) {
  if (text.empty() || text.size() > 2048) return Error(ErrorCode::malformed, "QR text must be 1..2048 bytes");
  if (options.module_px < 1 || options.module_px > 32 || options.quiet_zone_modules < 0 || options.quiet_zone_modules > 16)
    return Error(ErrorCode::malformed, "QR image options out of range");
  std::string s(text);
  std::unique_ptr<QRcode, void (*)(QRcode*)> qr(QRcode_encodeString(s.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), QRcode_free);
  if (!qr) return Error(ErrorCode::malformed, "qrencode could not encode the QR text");

  const int modules = qr->width + 2 * options.quiet_zone_modules;
  const int px = modules * options.module_px;
  // Every buffer exists before setjmp: libpng's longjmp must not skip C++ destructors or constructors.
  crypto::Bytes out;
  out.reserve(2048);
  std::vector<std::vector<png_byte>> rows(static_cast<std::size_t>(modules), std::vector<png_byte>(static_cast<std::size_t>(px), 255));
  for (int y = 0; y < qr->width; ++y)
    for (int x = 0; x < qr->width; ++x)
      if (qr->data[y * qr->width + x] & 1)
        for (int k = 0; k < options.module_px; ++k)
          rows[static_cast<std::size_t>(y + options.quiet_zone_modules)]
              [static_cast<std::size_t>((x + options.quiet_zone_modules) * options.module_px + k)] = 0;

  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  if (!png) return Error(ErrorCode::io, "libpng: cannot create the write struct");
  png_infop info = png_create_info_struct(png);
  if (!info) {
    png_destroy_write_struct(&png, nullptr);
    return Error(ErrorCode::io, "libpng: cannot create the info struct");
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return Error(ErrorCode::io, "libpng failed while writing the QR image");
  }
  png_set_write_fn(png, &out, png_append, png_flush_noop);
  png_set_IHDR(png, info, static_cast<png_uint_32>(px), static_cast<png_uint_32>(px), 8, PNG_COLOR_TYPE_GRAY,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int m = 0; m < modules; ++m)
    for (int k = 0; k < options.module_px; ++k) png_write_row(png, rows[static_cast<std::size_t>(m)].data());
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

}  // namespace wabot::engine::pairing
