// SPDX-License-Identifier: GPL-3.0-or-later
// The server certificate chain checks (a)-(h), each refusal with a message that names the failed check.
#include "host/engine/noise/server_cert_verifier.hpp"

#include "wa_transport.pb.h"

namespace wabot::engine::noise {

namespace {

Error refuse(const std::string& why) { return Error(ErrorCode::certificate, "server certificate refused: " + why); }

crypto::ByteView view_of(const std::string& s) { return crypto::view(s); }

Status check_validity(const wabot::proto::CertChain::NoiseCertificate::Details& d, std::uint64_t now, const char* which) {
  if (!d.has_not_before() || !d.has_not_after()) return refuse(std::string(which) + " has no validity window");
  if (now < d.not_before()) return refuse(std::string(which) + " is not valid yet (not_before " + std::to_string(d.not_before()) + ")");
  if (now > d.not_after()) return refuse(std::string(which) + " expired (not_after " + std::to_string(d.not_after()) + ")");
  return Ok{};
}

}  // namespace

Status ServerCertVerifier::verify(crypto::ByteView cert_chain, const crypto::Key32& server_static, std::uint64_t now) const {
  wabot::proto::CertChain chain;
  if (!chain.ParseFromArray(cert_chain.data(), static_cast<int>(cert_chain.size()))) return refuse("cert chain is not a valid CertChain");
  // (a)
  if (!chain.has_leaf() || !chain.has_intermediate() || !chain.leaf().has_details() || !chain.leaf().has_signature() ||
      !chain.intermediate().has_details() || !chain.intermediate().has_signature())
    return refuse("cert chain is missing a certificate, details or signature");
  const auto& inter = chain.intermediate();
  const auto& leaf = chain.leaf();
  if (inter.signature().size() != 64 || leaf.signature().size() != 64) return refuse("signature is not 64 bytes");
  // (b)
  if (!crypto::xeddsa_verify(root_, view_of(inter.details()), view_of(inter.signature())))
    return refuse("intermediate is not signed by the configured root key");
  wabot::proto::CertChain::NoiseCertificate::Details inter_details, leaf_details;
  if (!inter_details.ParseFromString(inter.details())) return refuse("intermediate details do not parse");
  // (c)
  if (inter_details.issuer_serial() != kWhatsAppRootSerial) return refuse("intermediate issuer serial is not the root's");
  if (inter_details.key().size() != 32) return refuse("intermediate key is not 32 bytes");
  crypto::Key32 inter_key{};
  std::copy(inter_details.key().begin(), inter_details.key().end(), inter_key.begin());
  // (d)
  if (!crypto::xeddsa_verify(inter_key, view_of(leaf.details()), view_of(leaf.signature())))
    return refuse("leaf is not signed by the intermediate");
  if (!leaf_details.ParseFromString(leaf.details())) return refuse("leaf details do not parse");
  // (e)
  if (auto s = check_validity(inter_details, now, "intermediate"); !s) return s;
  // (f)
  if (leaf_details.issuer_serial() != inter_details.serial()) return refuse("leaf issuer serial is not the intermediate's serial");
  // (g)
  if (!crypto::equal_constant_time(view_of(leaf_details.key()), server_static))
    return refuse("leaf key does not equal the server static key");
  // (h)
  return check_validity(leaf_details, now, "leaf");
}

}  // namespace wabot::engine::noise
