// SPDX-License-Identifier: GPL-3.0-or-later
// ClientHandshake: WhatsApp's Noise XX initiator (ClientHello -> ServerHello -> ClientFinish) and its result.
#pragma once

#include <functional>
#include <optional>

#include "host/engine/noise/noise_cipher.hpp"
#include "host/engine/noise/noise_handshake.hpp"

namespace wabot::engine::noise {

// The intro header sent once before the first frame; also the Noise prologue.
inline constexpr std::array<std::uint8_t, 4> kWaIntroHeader = {'W', 'A', 6, 3};

// Checks the decrypted certificate payload against the decrypted server static key.
using CertCheck = std::function<Status(crypto::ByteView cert_chain, const crypto::Key32& server_static)>;

class ClientHandshake {
 public:
  // noise_static: the long-term client key. ephemeral: a fresh key per connection (tests inject fixed ones).
  ClientHandshake(const crypto::KeyPair& noise_static, const crypto::KeyPair& ephemeral, CertCheck cert_check);

  // The serialized HandshakeMessage{client_hello{ephemeral}} to send in the first frame.
  Bytes client_hello();

  // Processes the serialized ServerHello and returns the serialized HandshakeMessage{client_finish}
  // carrying our static key and the encrypted ClientPayload. Afterwards, cipher() is ready.
  Result<Bytes> process_server_hello(crypto::ByteView server_hello, crypto::ByteView client_payload);

  // The transport cipher (only after process_server_hello succeeded).
  std::optional<NoiseCipher> take_cipher() { return std::move(cipher_); }
  const NoiseHandshake& state() const { return state_; }

 private:
  crypto::KeyPair static_;
  crypto::KeyPair ephemeral_;
  CertCheck cert_check_;
  NoiseHandshake state_;
  bool hello_sent_ = false;
  std::optional<NoiseCipher> cipher_;
};

}  // namespace wabot::engine::noise
