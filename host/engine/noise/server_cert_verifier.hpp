// SPDX-License-Identifier: GPL-3.0-or-later
// ServerCertVerifier: checks the Noise server's certificate chain the way whatsmeow does (root -> intermediate -> leaf).
#pragma once

#include <cstdint>

#include "host/engine/crypto/crypto.hpp"
#include "host/engine/types/result.hpp"

namespace wabot::engine::noise {

// The real WhatsApp root ("WhatsAppLongTerm1"), a Curve25519 key; its serial is 0.
inline constexpr crypto::Key32 kWhatsAppRootPublicKey = {
    0x14, 0x23, 0x75, 0x57, 0x4d, 0x0a, 0x58, 0x71, 0x66, 0xaa, 0xe7, 0x1e, 0xbe, 0x51, 0x64, 0x37,
    0xc4, 0xa2, 0x8b, 0x73, 0xe3, 0x69, 0x5c, 0x6c, 0xe1, 0xf7, 0xf9, 0x54, 0x5d, 0xa8, 0xee, 0x6b};
inline constexpr std::uint32_t kWhatsAppRootSerial = 0;

class ServerCertVerifier {
 public:
  explicit ServerCertVerifier(const crypto::Key32& root_public_key = kWhatsAppRootPublicKey) : root_(root_public_key) {}

  // Verifies the serialized CertChain against the root and the decrypted server static key:
  // (a) all fields present, 64-byte signatures; (b) root signs the intermediate; (c) the intermediate's
  // issuer is the root serial and its key is 32 bytes; (d) the intermediate signs the leaf; (e) the
  // intermediate is valid now; (f) the leaf's issuer is the intermediate; (g) the leaf key is the server
  // static (constant time); (h) the leaf is valid now.
  Status verify(crypto::ByteView cert_chain, const crypto::Key32& server_static, std::uint64_t now_unix_s) const;

 private:
  crypto::Key32 root_;
};

}  // namespace wabot::engine::noise
