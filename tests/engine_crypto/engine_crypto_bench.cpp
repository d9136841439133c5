// SPDX-License-Identifier: GPL-3.0-or-later
// Throughput of the crypto, Signal and media layers (not a test; run build/bin/engine_crypto_bench).
#include "host/engine/crypto/crypto.hpp"
#include "host/engine/media/jpeg_thumbnail.hpp"
#include "host/engine/media/media_decryptor.hpp"
#include "host/engine/media/media_encryptor.hpp"
#include "host/engine/signal/message_padding.hpp"
#include "host/engine/signal/signal_protocol.hpp"

#include "memory_signal_store.hpp"

#include <chrono>
#include <cstdio>
#include <functional>

namespace c = wabot::engine::crypto;
namespace s = wabot::engine::signal;
namespace m = wabot::engine::media;

namespace {

void measure(const char* name, int iterations, const std::function<void()>& op) {
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < iterations; ++i) op();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%-44s %9.0f ops/s  (%d in %.3f s)\n", name, iterations / secs, iterations, secs);
}

struct Party {
  std::shared_ptr<wabot::test::MemorySignalStore> store = std::make_shared<wabot::test::MemorySignalStore>();
  std::unique_ptr<s::SignalProtocol> signal;
  s::SignalAddress address;
  s::LocalKeys keys;
  Party(const char* jid) {
    address = s::signal_address_from_jid(jid).value();
    keys = s::SignalProtocol::initialize(*store).value();
    signal = std::move(s::SignalProtocol::open(store).value());
  }
};

}  // namespace

int main() {
  auto pair = c::generate_key_pair();
  auto peer = c::generate_key_pair();
  auto msg = c::random_bytes(100);
  auto sig = c::xeddsa_sign(pair.private_key, msg);
  measure("xeddsa_sign (100 B)", 2000, [&] { c::xeddsa_sign(pair.private_key, msg); });
  measure("xeddsa_verify (100 B)", 2000, [&] { c::xeddsa_verify(pair.public_key, msg, sig); });
  measure("x25519", 5000, [&] { c::x25519(pair.private_key, peer.public_key); });
  measure("generate_key_pair", 5000, [&] { c::generate_key_pair(); });

  Party alice("100000000000001@lid"), bob("100000000000002@lid");
  s::PreKeyBundle b;
  auto otk = bob.signal->create_pre_keys(1, 1).value()[0];
  b.registration_id = bob.keys.registration_id;
  b.pre_key = s::PreKeyBundle::OneTimePreKey{otk.id, otk.key_pair.public_key};
  b.signed_pre_key_id = bob.keys.signed_pre_key_id;
  b.signed_pre_key = bob.keys.signed_pre_key_public;
  b.signed_pre_key_signature = bob.keys.signed_pre_key_signature;
  b.identity_key = bob.keys.identity_public;
  (void)alice.signal->process_prekey_bundle(bob.address, b);
  auto first = alice.signal->encrypt(bob.address, s::pad_message(c::view("hi")));
  (void)bob.signal->decrypt_pkmsg(alice.address, first->data);
  auto reply = bob.signal->encrypt(alice.address, s::pad_message(c::view("hi")));
  (void)alice.signal->decrypt_msg(bob.address, reply->data);
  auto text = c::random_bytes(200);
  measure("1:1 pad+encrypt+decrypt+unpad (200 B msg)", 2000, [&] {
    auto ct = alice.signal->encrypt(bob.address, s::pad_message(text));
    auto pt = bob.signal->decrypt_msg(alice.address, ct->data);
    (void)s::unpad_message(pt->plaintext);
  });
  measure("1:1 ping-pong (ratchet step each way)", 500, [&] {
    auto ct = alice.signal->encrypt(bob.address, text);
    (void)bob.signal->decrypt_msg(alice.address, ct->data);
    auto back = bob.signal->encrypt(alice.address, text);
    (void)alice.signal->decrypt_msg(bob.address, back->data);
  });
  s::SenderKeyName group{"120363000000000000@g.us", alice.address};
  auto skdm = alice.signal->create_sender_key_distribution(group);
  (void)bob.signal->process_sender_key_distribution(group, skdm.value());
  measure("group encrypt+decrypt (200 B msg)", 2000, [&] {
    auto ct = alice.signal->group_encrypt(group, text);
    (void)bob.signal->group_decrypt(group, ct.value());
  });

  auto key = m::generate_media_key();
  auto file = c::random_bytes(16u << 20);
  auto t0 = std::chrono::steady_clock::now();
  auto enc = m::encrypt_media(key, m::MediaType::document, file);
  auto t1 = std::chrono::steady_clock::now();
  auto dec = m::decrypt_media(key, m::MediaType::document, enc->body, enc->digests.file_enc_sha256, enc->digests.file_sha256);
  auto t2 = std::chrono::steady_clock::now();
  std::printf("%-44s %9.0f MB/s\n", "media encrypt (16 MiB, hashes+mac)", 16 / std::chrono::duration<double>(t1 - t0).count());
  std::printf("%-44s %9.0f MB/s  (%s)\n", "media verify+decrypt (16 MiB)", 16 / std::chrono::duration<double>(t2 - t1).count(),
              dec.ok() ? "ok" : "FAILED");

  m::RgbImage photo{1920, 1080, c::random_bytes(1920u * 1080u * 3u)};
  measure("jpeg thumbnail of 1920x1080 RGB", 20, [&] { (void)m::make_jpeg_thumbnail(photo); });
  auto jpeg = m::encode_jpeg(photo, 85).value();
  measure("jpeg thumbnail of a 1920x1080 JPEG file", 20, [&] { (void)m::make_jpeg_thumbnail(jpeg); });
  return 0;
}
