// SPDX-License-Identifier: GPL-3.0-or-later
// QR pairing: the QR text (current format), its PNG rendering, and the ref rotation schedule.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "host/engine/store/credentials_store.hpp"

namespace wabot::engine::pairing {

inline constexpr std::string_view kQrUrlPrefix = "https://wa.me/settings/linked_devices#";

// "https://wa.me/settings/linked_devices#REF,b64(noise pub),b64(identity pub),b64(adv secret),TYPE".
std::string qr_text(std::string_view ref, const store::Credentials& creds, char client_type);

// How long the ref at position `index` (0-based) is shown: the first 60 s, every later one 20 s.
inline std::int64_t qr_ref_lifetime_ms(std::size_t index) { return index == 0 ? 60'000 : 20'000; }

struct QrImageOptions {
  int module_px = 8;      // 8 px per module: a version-10 code is ~530 px, easy for phone cameras
  int quiet_zone_modules = 4;
};

// An 8-bit grayscale PNG of the QR code (qrencode, error correction level M; libpng).
Result<crypto::Bytes> render_qr_png(std::string_view text, const QrImageOptions& options = {});

// Standard base64 with padding.
std::string base64(crypto::ByteView data);

}  // namespace wabot::engine::pairing
