// SPDX-License-Identifier: GPL-3.0-or-later
// The Noise XX initiator steps of WhatsApp (transport.md §2), with every failure named.
#include "host/engine/noise/client_handshake.hpp"

#include <algorithm>

#include "wa_transport.pb.h"

namespace wabot::engine::noise {

namespace {
Error fail(ErrorCode code, const std::string& why) { return Error(code, "noise handshake failed: " + why); }
}  // namespace

ClientHandshake::ClientHandshake(const crypto::KeyPair& noise_static, const crypto::KeyPair& ephemeral, CertCheck cert_check)
    : static_(noise_static), ephemeral_(ephemeral), cert_check_(std::move(cert_check)), state_(kWaIntroHeader) {}

Bytes ClientHandshake::client_hello() {
  if (!hello_sent_) {
    state_.mix_hash(ephemeral_.public_key);
    hello_sent_ = true;
  }
  wabot::proto::HandshakeMessage msg;
  msg.mutable_client_hello()->set_ephemeral(ephemeral_.public_key.data(), ephemeral_.public_key.size());
  std::string out = msg.SerializeAsString();
  return Bytes(out.begin(), out.end());
}

Result<Bytes> ClientHandshake::process_server_hello(crypto::ByteView server_hello, crypto::ByteView client_payload) {
  if (!hello_sent_) return fail(ErrorCode::state, "server hello before client hello");
  wabot::proto::HandshakeMessage msg;
  if (!msg.ParseFromArray(server_hello.data(), static_cast<int>(server_hello.size())) || !msg.has_server_hello())
    return fail(ErrorCode::malformed, "the server's first frame is not a ServerHello");
  const auto& sh = msg.server_hello();
  if (sh.ephemeral().size() != 32) return fail(ErrorCode::malformed, "server ephemeral is not 32 bytes");
  if (!sh.has_static_() || !sh.has_payload()) return fail(ErrorCode::malformed, "server hello lacks the static key or payload");

  crypto::Key32 server_ephemeral{};
  std::copy(sh.ephemeral().begin(), sh.ephemeral().end(), server_ephemeral.begin());
  state_.mix_hash(server_ephemeral);
  auto ee = crypto::x25519(ephemeral_.private_key, server_ephemeral);
  if (!ee) return fail(ErrorCode::crypto, "server ephemeral is a low-order point");
  if (auto s = state_.mix_key(*ee); !s) return s.error();

  auto server_static_bytes = state_.decrypt_and_hash(crypto::view(sh.static_()));
  if (!server_static_bytes) return fail(ErrorCode::crypto, "cannot decrypt the server static key");
  if (server_static_bytes->size() != 32) return fail(ErrorCode::malformed, "server static key is not 32 bytes");
  crypto::Key32 server_static{};
  std::copy(server_static_bytes->begin(), server_static_bytes->end(), server_static.begin());
  auto es = crypto::x25519(ephemeral_.private_key, server_static);
  if (!es) return fail(ErrorCode::crypto, "server static is a low-order point");
  if (auto s = state_.mix_key(*es); !s) return s.error();

  auto cert = state_.decrypt_and_hash(crypto::view(sh.payload()));
  if (!cert) return fail(ErrorCode::crypto, "cannot decrypt the server certificate");
  if (!cert_check_) return fail(ErrorCode::certificate, "no certificate check configured");
  if (auto s = cert_check_(*cert, server_static); !s) return s.error();

  auto encrypted_static = state_.encrypt_and_hash(static_.public_key);
  if (!encrypted_static) return encrypted_static.error();
  auto se = crypto::x25519(static_.private_key, server_ephemeral);
  if (!se) return fail(ErrorCode::crypto, "server ephemeral is a low-order point");
  if (auto s = state_.mix_key(*se); !s) return s.error();
  auto encrypted_payload = state_.encrypt_and_hash(client_payload);
  if (!encrypted_payload) return encrypted_payload.error();

  auto cipher = state_.split();
  if (!cipher) return cipher.error();
  cipher_ = std::move(cipher.value());

  wabot::proto::HandshakeMessage finish;
  finish.mutable_client_finish()->set_static_(encrypted_static->data(), encrypted_static->size());
  finish.mutable_client_finish()->set_payload(encrypted_payload->data(), encrypted_payload->size());
  std::string out = finish.SerializeAsString();
  return Bytes(out.begin(), out.end());
}

}  // namespace wabot::engine::noise
